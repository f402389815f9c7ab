import { createRedisClient } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The fixed "now" of collector tests. */
export const NOW = Date.parse('2026-11-26T06:00:30.000Z');

/** A valid heartbeat for `name`, `secondsAgo` before NOW, with fields overridden. */
export function heartbeat(
  name: string,
  kind: 'render' | 'watcher' | 'trader',
  overrides: Record<string, unknown> = {},
  secondsAgo = 3,
): string {
  const state = { render: 'idle', watcher: 'free', trader: 'market_open' }[kind];
  return JSON.stringify({
    name,
    kind,
    state,
    ts: new Date(NOW - secondsAgo * 1000).toISOString(),
    last_job_at: null,
    jobs_done: 0,
    jobs_failed: 0,
    ...overrides,
  });
}

/** Seeds the six default workers as healthy and idle. */
export async function seedHealthyFleet(client: Redis): Promise<void> {
  const pipeline = client.pipeline();
  for (const name of ['music-render', 'video-render', 'image-render', 'insta-render']) {
    pipeline.set(`worker:${name}:heartbeat`, heartbeat(name, 'render'), 'EX', 45);
  }
  pipeline.set('worker:task-watcher:heartbeat', heartbeat('task-watcher', 'watcher'), 'EX', 45);
  pipeline.set('worker:ai_trade:heartbeat', heartbeat('ai_trade', 'trader'), 'EX', 45);
  await pipeline.exec();
}

/** The Redis of a collector test file: `seeder` writes the cases, `redis` is the collector's. */
export interface CollectorRedis {
  seeder: Redis;
  redis: Redis;
}

/**
 * Gives the calling test file a private redis-server (stopped after the file), emptied before
 * each test and then `seed`ed. The clients are set once `beforeAll` has run.
 */
export function useCollectorRedis(seed?: (seeder: Redis) => Promise<void>): CollectorRedis {
  let server: TestRedisServer;
  const clients = {} as CollectorRedis;
  beforeAll(async () => {
    server = await TestRedisServer.start();
    clients.seeder = server.client();
    clients.redis = createRedisClient({ url: server.url });
  });
  afterAll(async () => {
    clients.redis.disconnect();
    clients.seeder.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await clients.seeder.flushall();
    await seed?.(clients.seeder);
  });
  return clients;
}
