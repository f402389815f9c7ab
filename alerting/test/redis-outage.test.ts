import { CHAT, FakeTelegramServer, TEST_TOKEN, TestRedisServer } from '@fleet/testing';
import {
  afterChecks,
  CapturedLog,
  fastOptions,
  quietPeriod,
  Workers,
} from '@fleet/testing/alerting';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';

const REDIS_DOWN = '🚨 모니터가 Redis를 읽을 수 없음';
const REDIS_BACK = '✅ Redis 연결 복구';

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(options: { redisRunning: boolean }) {
  const redis = await TestRedisServer.start();
  cleanups.push(() => redis.stop());
  if (!options.redisRunning) await redis.kill();
  const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  cleanups.push(() => telegram.stop());
  const log = new CapturedLog();
  cleanups.push(async () => expect(log.text).not.toContain(TEST_TOKEN));
  return { redis, telegram, log };
}

async function withWorkers<T>(
  redis: TestRedisServer,
  use: (workers: Workers) => Promise<T>,
): Promise<T> {
  const client = redis.client();
  try {
    return await use(new Workers(client));
  } finally {
    client.disconnect();
  }
}

describe('Redis outages', () => {
  it('Redis down and back: one message each way, no "down" per worker, even when Redis returns empty', async () => {
    const { redis, telegram, log } = await setUp({ redisRunning: true });
    await withWorkers(redis, (workers) => workers.beatAll());
    const service: AlertingService = await startAlerting(
      fastOptions(redis, telegram, log, { bootGraceS: 2 }),
    );
    cleanups.push(() => service.close());
    await afterChecks(service);

    await redis.kill();
    await telegram.waitFor((sent) => sent.length === 1, 8000, 'the Redis-down message');
    expect(telegram.sent[0]?.text).toContain(REDIS_DOWN);
    expect(telegram.sent[0]?.text).toContain('ECONNREFUSED');
    await quietPeriod(1500);
    expect(telegram.sent).toHaveLength(1);

    // Redis comes back empty: the heartbeats are gone until the workers beat again, which two
    // of the three do within the grace; the third is then reported, alone.
    await redis.restart();
    await telegram.waitFor((sent) => sent.length === 2, 8000, 'the Redis-restored message');
    expect(telegram.sent[1]?.text).toMatch(/^<b>✅ Redis 연결 복구 \(\d+초 동안 끊김\)<\/b>$/);
    await withWorkers(redis, (workers) => workers.beatAll(['music-render', 'video-render']));
    await telegram.waitFor((sent) => sent.length === 3, 8000, 'the worker that did not come back');
    expect(telegram.sent[2]?.text).toContain('🔴 [ai_trade] 워커 다운');
    await afterChecks(service, 3);
    expect(telegram.sent).toHaveLength(3);
    expect(telegram.matching(REDIS_DOWN)).toHaveLength(1);
    expect(telegram.matching(REDIS_BACK)).toHaveLength(1);
  });

  it('a monitor started while Redis is down says so, then that Redis is back', async () => {
    const { redis, telegram, log } = await setUp({ redisRunning: false });
    const service = await startAlerting(fastOptions(redis, telegram, log));
    cleanups.push(() => service.close());
    await telegram.waitFor((sent) => sent.length === 1, 8000, 'the Redis-down message');
    expect(telegram.sent[0]?.text).toContain(REDIS_DOWN);
    expect(service.isActing).toBe(true);

    await redis.restart();
    await withWorkers(redis, (workers) => workers.beatAll());
    await telegram.waitFor((sent) => sent.length === 2, 8000, 'the Redis-restored message');
    expect(telegram.sent[1]?.text).toContain(REDIS_BACK);
    await afterChecks(service, 5);
    expect(telegram.sent).toHaveLength(2);
  });
});
