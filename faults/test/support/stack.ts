import type { AlertingOptions, AlertingService } from '@fleet/alerting';
import { startAlerting } from '@fleet/alerting';
import { createLogger, createRedisClient, type Fleet } from '@fleet/core';
import { HeartbeatWriter } from '@fleet/simulator';
import type { TestRedisServer } from '@fleet/testing';
import {
  CHAT,
  type ExporterProcess,
  FakeTelegramServer,
  type SentMessage,
  startFleetExporterProcess,
  TEST_TOKEN,
} from '@fleet/testing';
import { CapturedLog, fastOptions, TEST_FLEET } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { eventsOfMessages, type LedgerEvent } from '../../src/alert-ledger.js';

export { CHAT, TEST_FLEET, TEST_TOKEN };

/** The exporter's CLI against `redis`, watching `fleet`, with fault-test timings. */
export function startExporter(
  redis: TestRedisServer,
  env: Record<string, string> = {},
  fleet: Fleet = TEST_FLEET,
): Promise<ExporterProcess> {
  return startFleetExporterProcess({
    redisUrl: redis.url,
    fleet,
    env: {
      EXPORTER_COLLECT_TIMEOUT_MS: String(COLLECT_TIMEOUT_MS),
      EXPORTER_CACHE_MAX_AGE_MS: '0',
      ...env,
    },
  });
}

/** The exporter's collection timeout in these tests: short, so a frozen Redis outlasts it often. */
export const COLLECT_TIMEOUT_MS = 500;
/** Alerting (in this process) with a fake Telegram, or a given Bot API URL in front of it. */
export async function startAlertingWithTelegram(
  redis: TestRedisServer,
  overrides: AlertingOptions = {},
  apiUrl?: (telegram: FakeTelegramServer) => Promise<string>,
): Promise<{ alerting: AlertingService; telegram: FakeTelegramServer; log: CapturedLog }> {
  const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  const log = new CapturedLog();
  const options = fastOptions(redis, telegram, log, overrides);
  if (apiUrl && options.telegram) {
    options.telegram = { ...options.telegram, apiUrl: await apiUrl(telegram) };
  }
  const alerting = await startAlerting(options);
  return { alerting, telegram, log };
}

/** The alerts that these delivered messages announced, in order. */
export function alertsIn(sent: readonly SentMessage[]): LedgerEvent[] {
  return eventsOfMessages(sent.map((message) => message.text));
}

/** Every alert the chat has received so far. */
export function ledger(telegram: FakeTelegramServer): LedgerEvent[] {
  return alertsIn(telegram.sent);
}

/**
 * Real heartbeat writers for every worker of the fleet, each on its own fail-fast client, as
 * workers run: they re-beat by themselves once Redis is back. Beat failures are counted.
 */
export function startWriters(redis: TestRedisServer, fleet: Fleet = TEST_FLEET) {
  const client: Redis = createRedisClient({
    url: redis.url,
    logger: createLogger('writers', 'silent'),
  });
  let failedBeats = 0;
  const writers = fleet.workers.map((spec) => {
    const writer = new HeartbeatWriter({
      redis: client,
      name: spec.name,
      kind: spec.kind,
      state: spec.kind === 'trader' ? 'market_open' : spec.kind === 'watcher' ? 'free' : 'idle',
      ...(spec.kind === 'watcher' ? { mode: 'free' } : {}),
      intervalMs: 300,
      ttlS: 30,
      onError: () => {
        failedBeats += 1;
      },
    } as ConstructorParameters<typeof HeartbeatWriter>[0]);
    writer.start();
    return writer;
  });
  return {
    get failedBeats() {
      return failedBeats;
    },
    async close() {
      for (const writer of writers) await writer.close();
      client.disconnect();
    },
  };
}

/** The exporter's current status document. */
export async function statusDocument(exporter: ExporterProcess) {
  const response = await fetch(`${exporter.url}/api/agent-office/nodes`);
  return (await response.json()) as {
    redis_ok: boolean;
    workers: {
      name: string;
      alive: boolean;
      state: string | null;
      queue_depth: number;
      dead_letter: number;
      heartbeat_error?: string | null;
    }[];
    scan: { complete: boolean; stopped_by: string | null } | null;
  };
}
