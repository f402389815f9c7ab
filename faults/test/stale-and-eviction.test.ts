import { parseFleet, type StatusDocument } from '@fleet/core/contracts';
import type { ExporterProcess } from '@fleet/testing';
import { TestRedisServer } from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, startWriters } from './support/stack.js';

// The exporter's side of two lies at the edges: a heartbeat that stops moving while its key stays
// (no TTL), and Redis evicting keys under maxmemory. The exporter runs as its CLI, as deployed.
const STALE_AFTER_S = 3;

let redis: TestRedisServer;
let client: Redis;
let exporter: ExporterProcess;
let writers: ReturnType<typeof startWriters>;

beforeAll(async () => {
  redis = await TestRedisServer.start({
    args: ['--maxmemory', '8mb', '--maxmemory-policy', 'allkeys-lru'],
  });
  client = redis.client();
  // music-render is written by the test itself: one beat, then it hangs.
  writers = startWriters(
    redis,
    parseFleet({
      workers: [
        { name: 'video-render', kind: 'render' },
        { name: 'ai_trade', kind: 'trader' },
      ],
    }),
  );
  await client.set(
    'worker:music-render:heartbeat',
    JSON.stringify({
      name: 'music-render',
      kind: 'render',
      state: 'idle',
      ts: new Date().toISOString(),
      last_job_at: null,
      jobs_done: 0,
      jobs_failed: 0,
    }),
    'EX',
    45,
  );
  exporter = await startExporter(redis, {
    FLEET_HEARTBEAT_STALE_AFTER_S: String(STALE_AFTER_S),
  });
}, 60_000);
afterAll(async () => {
  await writers?.close();
  await exporter?.stop();
  client?.disconnect();
  await redis?.stop();
});

async function document(): Promise<StatusDocument> {
  const response = await fetch(`${exporter.url}/api/agent-office/nodes`);
  expect(response.status).toBe(200);
  return (await response.json()) as StatusDocument;
}

async function metrics(): Promise<string> {
  return (await fetch(`${exporter.url}/metrics`)).text();
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number) {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('exporter at the edges', () => {
  it('a worker that stops beating but whose key has no TTL is stale, not healthy', async () => {
    const healthy = await until(document, (d) => d.workers.every((w) => w.alive), 10_000);
    expect(healthy.workers.every((w) => w.alive && !w.heartbeat_stale)).toBe(true);

    // The worker hangs: no more beats, and its last key never expires.
    await client.persist('worker:music-render:heartbeat');
    const stale = await until(
      document,
      (d) => d.workers.find((w) => w.name === 'music-render')?.heartbeat_stale === true,
      (STALE_AFTER_S + 20) * 1000,
    );
    expect(stale.workers.find((w) => w.name === 'music-render')).toMatchObject({
      alive: true,
      heartbeat_stale: true,
    });
    // The others keep beating: never stale.
    expect(
      stale.workers.filter((w) => w.name !== 'music-render').map((w) => w.heartbeat_stale),
    ).toEqual([false, false]);
    expect(await metrics()).toContain('fleet_worker_heartbeat_stale{worker="music-render"} 1');
  }, 60_000);

  it('Redis evicting keys under maxmemory shows in the document and the metrics', async () => {
    const before = await document();
    expect(before).toMatchObject({ redis_maxmemory_policy: 'allkeys-lru', redis_evicting: false });
    const value = 'x'.repeat(16 * 1024);
    for (let batch = 0; batch < 20; batch += 1) {
      const pipeline = client.pipeline();
      for (let i = 0; i < 100; i += 1) pipeline.set(`filler:${batch}:${i}`, value);
      await pipeline.exec();
    }
    const evicting = await until(document, (d) => d.redis_evicting, 10_000);
    expect(evicting.redis_ok).toBe(true);
    expect(evicting.redis_evicting).toBe(true);
    expect(evicting.redis_evicted_keys).toBeGreaterThan(0);
    const text = await metrics();
    expect(text).toContain('fleet_redis_evicting 1');
    expect(text).toContain('fleet_redis_maxmemory_policy{policy="allkeys-lru"} 1');
    console.log(
      `eviction: ${evicting.redis_evicted_keys} keys evicted; the document said so ${
        Date.parse(evicting.generated_at) - Date.parse(before.generated_at)
      } ms after the fill began`,
    );
  }, 60_000);
});
