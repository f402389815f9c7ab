import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TestRedisServer } from './redis-server.js';

/** A test file's private redis-server and a client on it. */
export interface TestRedis {
  server: TestRedisServer;
  redis: Redis;
}

/**
 * Gives the calling test file a private redis-server (stopped after the file), emptied before
 * each test. The fields are set once `beforeAll` has run.
 */
export function useTestRedis(): TestRedis {
  const db = {} as TestRedis;
  beforeAll(async () => {
    db.server = await TestRedisServer.start();
    db.redis = db.server.client();
  });
  afterAll(async () => {
    db.redis.disconnect();
    await db.server.stop();
  });
  beforeEach(async () => {
    await db.redis.flushall();
  });
  return db;
}
