import { alertingKeys, DEFAULT_ALERT_KEY_PREFIX, redisKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, TEST_TOKEN, TestRedisServer } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';

// A memory limit and a policy that evicts keys with a TTL: heartbeats (EX 45) may go, the
// service's own keys (no TTL) never do, apart from its lease and presence, renewed every second.
// Under allkeys-* its outbox could be evicted too: the start-up warning says to avoid that.
let redis: TestRedisServer;
let client: Redis;
let workers: Workers;

beforeAll(async () => {
  redis = await TestRedisServer.start({
    args: ['--maxmemory', '8mb', '--maxmemory-policy', 'volatile-lru'],
  });
  client = redis.client();
  workers = new Workers(client);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe('Redis evicting keys (maxmemory + volatile-lru, filled)', () => {
  it('warns at start, tells one "evicting" problem instead of dead workers, and keeps its own keys', async () => {
    const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    const log = new CapturedLog();
    let beating = ['music-render', 'video-render', 'ai_trade'];
    const beat = () => {
      for (const name of beating) void workers.beat(name);
    };
    beat();
    const timer = setInterval(beat, 300);
    const service: AlertingService = await startAlerting(
      fastOptions(redis, telegram, log, { collector: { evictingHoldS: 2 } }),
    );
    try {
      await afterChecks(service, 2);
      expect(log.messages().some((msg) => msg.startsWith('Redis may evict heartbeats'))).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      expect(metrics).toMatch(/^fleet_alerting_redis_eviction_risk 1$/m);
      await client.hset(
        alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX),
        'nobody-at-all',
        String(Date.now() + 3_600_000),
      );

      // 32 MB into an 8 MB Redis: it must evict.
      const value = 'x'.repeat(16 * 1024);
      for (let batch = 0; batch < 20; batch += 1) {
        const pipeline = client.pipeline();
        for (let i = 0; i < 100; i += 1) pipeline.set(`filler:${batch}:${i}`, value, 'EX', 3600);
        await pipeline.exec();
      }
      // Gone the way an evicted heartbeat goes (which one LRU takes is luck; this one is sure).
      beating = ['music-render', 'ai_trade'];
      await client.del(redisKeys.heartbeat('video-render'));
      await telegram.waitFor((sent) => sent.length === 1, 5000, 'the evicting message');
      expect(telegram.sent[0]?.text).toBe(
        '<b>⚠️ Redis가 키를 내보내는 중 (maxmemory, volatile-lru): 사라진 하트비트를 워커 다운으로 알리지 않음</b>',
      );
      // Its own keys have no TTL and stay; the lease (it has one) is taken again within a second.
      await eventually(
        async () => (await client.exists(alertingKeys.lease(DEFAULT_ALERT_KEY_PREFIX))) === 1,
        3000,
        'the lease',
      );
      for (const key of [
        alertingKeys.state(DEFAULT_ALERT_KEY_PREFIX),
        alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX),
        alertingKeys.outboxSequence(DEFAULT_ALERT_KEY_PREFIX),
      ]) {
        expect(await client.exists(key), key).toBe(1);
      }
      const fillers = await client.keys('filler:*');
      if (fillers.length > 0) await client.del(...fillers);
      beating = ['music-render', 'video-render', 'ai_trade'];
      beat();
      await eventually(
        () => telegram.sent.length === 2,
        8000,
        `the "stopped evicting" message; sent: ${telegram.sent.map((m) => m.text).join(' | ')}`,
      );
      expect(telegram.sent[1]?.text).toMatch(/^<b>✅ Redis 키 내보내기 멈춤 \(\d+초 동안\)<\/b>$/);
      await afterChecks(service, 5);
      expect(telegram.matching('🔴').map((message) => message.text)).toEqual([]);
    } finally {
      clearInterval(timer);
      await service.close();
      await telegram.stop();
    }
    expect(log.text).not.toContain(TEST_TOKEN);
  });

  it('rebuilds its state and outbox sequence when they are evicted: no second "down", the recovery still comes', async () => {
    await client.flushall();
    const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    const log = new CapturedLog();
    await workers.beatAll();
    const service = await startAlerting(fastOptions(redis, telegram, log));
    try {
      await afterChecks(service, 2);
      await workers.kill('video-render');
      await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
      await client.del(
        alertingKeys.state(DEFAULT_ALERT_KEY_PREFIX),
        alertingKeys.outboxSequence(DEFAULT_ALERT_KEY_PREFIX),
      );
      await afterChecks(service, 3);
      expect(telegram.sent).toHaveLength(1);
      await workers.beat('video-render');
      await telegram.waitFor((sent) => sent.length === 2, 5000, 'the recovery');
      expect(telegram.sent[1]?.text).toContain('🟢 [video-render] 워커 복구');
    } finally {
      await service.close();
      await telegram.stop();
    }
  });
});
