import { Writable } from 'node:stream';
import type { AlertingOptions, AlertingService } from '@fleet/alerting';
import { parseFleet, redisKeys } from '@fleet/core/contracts';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { beforeAll } from 'vitest';
import { eventually } from './eventually.js';
import { CHAT, type FakeTelegramServer, TEST_TOKEN } from './fake-telegram-server.js';
import type { TestRedisServer } from './redis-server.js';
import { useTestRedis } from './use-test-redis.js';

export const TEST_FLEET = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render' },
    { name: 'video-render', kind: 'render' },
    { name: 'ai_trade', kind: 'trader' },
  ],
});

/** Log lines of one service, kept for assertions (and the token check). */
export class CapturedLog {
  readonly lines: string[] = [];

  logger(level = 'debug') {
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return pino({ level, base: { service: 'alerting' } }, stream);
  }

  get text(): string {
    return this.lines.join('\n');
  }

  messages(): string[] {
    return this.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  }
}

/** Fast settings: checks every 200 ms, short grace and confirmation, a short lease. */
export function fastOptions(
  redis: TestRedisServer,
  telegram: FakeTelegramServer | null,
  log: CapturedLog,
  overrides: AlertingOptions = {},
): AlertingOptions {
  return {
    redisUrl: redis.url,
    fleet: TEST_FLEET,
    telegram: telegram
      ? { token: TEST_TOKEN, chatIds: [CHAT], apiUrl: telegram.url, pollTimeoutS: 1 }
      : null,
    intervalS: 0.2,
    bootGraceS: 1.5,
    redisConfirmS: 0.6,
    stuckAfterS: 0,
    repeatS: 0,
    leaseS: 2,
    port: 0,
    host: '127.0.0.1',
    logger: log.logger(),
    ...overrides,
  };
}

const KIND_BY_NAME: Record<string, string> = { ai_trade: 'trader', 'task-watcher': 'watcher' };
const DEFAULT_STATE: Record<string, string> = {
  render: 'idle',
  trader: 'market_open',
  watcher: 'free',
};

/** Worker liveness driven the way workers do it: the heartbeat key exists or it does not. */
export class Workers {
  constructor(private readonly redis: Redis) {}

  async beat(
    name: string,
    options: { ttlS?: number; state?: string; kind?: string } = {},
  ): Promise<void> {
    const kind = options.kind ?? KIND_BY_NAME[name] ?? 'render';
    const heartbeat = {
      name,
      kind,
      state: options.state ?? DEFAULT_STATE[kind],
      ts: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      last_job_at: null,
      jobs_done: 0,
      jobs_failed: 0,
    };
    await this.redis.set(
      redisKeys.heartbeat(name),
      JSON.stringify(heartbeat),
      'EX',
      options.ttlS ?? 600,
    );
  }

  async beatAll(
    names: readonly string[] = TEST_FLEET.workers.map((worker) => worker.name),
  ): Promise<void> {
    for (const name of names) await this.beat(name);
  }

  async kill(name: string): Promise<void> {
    await this.redis.del(redisKeys.heartbeat(name));
  }

  async setDeadLetters(name: string, count: number): Promise<void> {
    await this.setListLength(redisKeys.deadLetter(redisKeys.defaultQueue(name)), count);
  }

  async setQueueDepth(name: string, depth: number): Promise<void> {
    await this.setListLength(redisKeys.defaultQueue(name), depth);
  }

  /** In one transaction: a check between the DEL and the RPUSH would see an empty list. */
  private async setListLength(key: string, length: number): Promise<void> {
    const transaction = this.redis.multi().del(key);
    if (length > 0) transaction.rpush(key, ...Array.from({ length }, (_, i) => `job-${i}`));
    await transaction.exec();
  }
}

/** Checks the service has run so far. */
export async function checksRun(service: AlertingService): Promise<number> {
  const metric = await service.metrics.checks.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

/** Waits until the service has run `count` more checks (so it has seen the current Redis). */
export async function afterChecks(
  service: AlertingService,
  count = 2,
  timeoutMs = 10_000,
): Promise<void> {
  const start = await checksRun(service);
  await eventually(
    async () => (await checksRun(service)) >= start + count,
    timeoutMs,
    `${count} checks`,
  );
}

/** Waits so long that a message that should not come would have come. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A test file's private redis-server, a client on it, and the workers beating through it. */
export interface AlertingRedis {
  redis: TestRedisServer;
  client: Redis;
  workers: Workers;
}

/**
 * Gives the calling test file a private redis-server (stopped after the file), emptied before
 * each test, with `Workers` on it. The fields are set once `beforeAll` has run.
 */
export function useAlertingRedis(): AlertingRedis {
  const base = useTestRedis();
  const db = {} as AlertingRedis;
  beforeAll(() => {
    db.redis = base.server;
    db.client = base.redis;
    db.workers = new Workers(base.redis);
  });
  return db;
}
