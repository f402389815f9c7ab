import type { AlertingService } from '@fleet/alerting';
import type { FakeTelegramServer } from '@fleet/testing';
import { eventually, TestRedisServer } from '@fleet/testing';
import { afterChecks, Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAtEnd, ledgerProblems } from '../src/alert-ledger.js';
import { TelegramOutageProxy } from '../src/telegram-outage-proxy.js';
import { alertsIn, ledger, startAlertingWithTelegram } from './support/stack.js';

/**
 * Compression: Telegram refuses every sendMessage for 12 s here, standing for minutes in
 * production. The outbox's retry path is the same at any length (429 → wait retry_after,
 * 5xx → back off 1, 2, 4, 8 … s, capped at 5 min); only the wall time is shorter.
 */
const OUTAGE_MS = 12_000;

let redis: TestRedisServer;
let client: Redis;
let workers: Workers;
let proxy: TelegramOutageProxy;
let alerting: AlertingService;
let telegram: FakeTelegramServer;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  workers = new Workers(client);
  await workers.beatAll();
  ({ alerting, telegram } = await startAlertingWithTelegram(redis, {}, async (fake) => {
    proxy = await TelegramOutageProxy.start({ upstream: fake.url });
    return proxy.url;
  }));
  await afterChecks(alerting, 2);
});

afterAll(async () => {
  await alerting?.close();
  await proxy?.stop();
  await telegram?.stop();
  client?.disconnect();
  await redis?.stop();
});

async function failures(): Promise<Record<string, number>> {
  const metric = await alerting.metrics.messagesFailed.get();
  return Object.fromEntries(
    metric.values.map((value) => [String(value.labels.reason), value.value]),
  );
}

describe('Telegram answering 429 and 500 for a long stretch', () => {
  it('delivers every alert raised during the outage exactly once, in order, afterwards', async () => {
    proxy.setOutage(true);
    const outageStarted = performance.now();
    // Four alerts while Telegram refuses everything, each seen by the checks before the next.
    await workers.kill('video-render');
    await afterChecks(alerting, 3);
    await workers.kill('music-render');
    await afterChecks(alerting, 3);
    await workers.beat('video-render');
    await afterChecks(alerting, 3);
    await workers.setDeadLetters('video-render', 2);
    await afterChecks(alerting, 3);
    await eventually(
      () => performance.now() - outageStarted >= OUTAGE_MS,
      OUTAGE_MS + 5000,
      'the end of the outage',
    );
    expect(telegram.sent).toEqual([]);
    expect(proxy.refused[429]).toBeGreaterThanOrEqual(2);
    expect(proxy.refused[500]).toBeGreaterThanOrEqual(2);
    proxy.setOutage(false);

    // Retries back off up to 8–16 s by now; the whole backlog follows the first delivery.
    await telegram.waitFor((sent) => alertsIn(sent).length >= 4, 45_000, 'the backlog');
    await afterChecks(alerting, 5);
    const events = ledger(telegram);
    expect(events).toEqual([
      { subject: 'worker:video-render', kind: 'down' },
      { subject: 'worker:music-render', kind: 'down' },
      { subject: 'worker:video-render', kind: 'up' },
      { subject: 'deadletter:video-render', kind: 'dead_letter', count: 2 },
    ]);
    expect(ledgerProblems(events)).toEqual([]);
    expect(downAtEnd(events)).toEqual(['worker:music-render']);
    const failed = await failures();
    expect(failed.rate_limited).toBeGreaterThanOrEqual(2);
    expect(failed.server_error).toBeGreaterThanOrEqual(2);
    expect(await alerting.metrics.messagesSent.get()).toMatchObject({
      values: [{ value: telegram.sent.length }],
    });
  }, 120_000);
});
