import { Collector, createRedisClient, DEFAULT_FLEET } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A Redis as a NAS often runs it: a memory limit and a policy that may evict any key.
let server: TestRedisServer;
let seeder: Redis;
let redis: Redis;

beforeAll(async () => {
  server = await TestRedisServer.start({
    args: ['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru'],
  });
  seeder = server.client();
  redis = createRedisClient({ url: server.url });
});
afterAll(async () => {
  redis.disconnect();
  seeder.disconnect();
  await server.stop();
});

describe('Redis evicting keys', () => {
  it('the document carries evictions and the policy, and says while Redis is evicting', async () => {
    let advanceMs = 0;
    const collector = new Collector({
      redis,
      fleet: DEFAULT_FLEET,
      now: () => Date.now() + advanceMs,
      evictingHoldS: 120,
    });
    const before = await collector.collect();
    expect(before).toMatchObject({
      redis_maxmemory_policy: 'allkeys-lru',
      redis_maxmemory_bytes: 4 * 1024 * 1024,
      redis_evicted_keys: 0,
      redis_evicting: false,
      redis_last_eviction_at: null,
    });

    // 16 MB into a 4 MB Redis: it must evict.
    const value = 'x'.repeat(16 * 1024);
    for (let batch = 0; batch < 10; batch += 1) {
      const pipeline = seeder.pipeline();
      for (let i = 0; i < 100; i += 1) pipeline.set(`filler:${batch}:${i}`, value);
      await pipeline.exec();
    }
    // Emptied again, Redis stops evicting: the count stays where it is from now on.
    await seeder.flushall();
    const during = await collector.collect();
    expect(during.redis_evicted_keys).toBeGreaterThan(0);
    expect(during.redis_evicting).toBe(true);
    expect(during.redis_last_eviction_at).not.toBeNull();

    advanceMs += 121_000;
    const after = await collector.collect();
    await collector.close();
    expect(after).toMatchObject({
      redis_evicted_keys: during.redis_evicted_keys,
      redis_evicting: false,
      redis_last_eviction_at: during.redis_last_eviction_at,
    });
  });
});
