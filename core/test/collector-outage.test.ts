import { Collector, createRedisClient, DEFAULT_FLEET, StatusDocumentSchema } from '@fleet/core';
import { freePort, LOADED_MACHINE_SLACK_MS, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, seedHealthyFleet } from './fixtures.js';

let server: TestRedisServer;

beforeAll(async () => {
  server = await TestRedisServer.start();
});
afterAll(async () => {
  await server.stop();
});

/** Collects until `done` holds; the client reconnects by itself meanwhile. */
async function collectUntil(collector: Collector, done: (redisOk: boolean) => boolean) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const document = await collector.collect();
    if (done(document.redis_ok)) return document;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('when Redis cannot be read', () => {
  it('never read: the fleet with nobody alive, redis_ok false, without throwing or waiting', async () => {
    const redis = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}` });
    const collector = new Collector({ redis, fleet: DEFAULT_FLEET, now: () => NOW });
    const started = performance.now();
    const { document, stats, totals } = await collector.collectSnapshot();
    // Fails fast: well under the 2.5 s collection timeout it would otherwise wait out.
    expect(performance.now() - started).toBeLessThan(2000);
    await collector.close();
    redis.disconnect();
    expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
    expect(document).toMatchObject({
      redis_ok: false,
      stale: true,
      last_ok_at: null,
      paused: false,
      paused_reason: null,
      redis_error: expect.stringMatching(/Redis unreachable.*ECONNREFUSED/),
    });
    expect(document.workers.map((w) => [w.name, w.alive, w.state])).toEqual(
      DEFAULT_FLEET.workers.map((spec) => [spec.name, false, null]),
    );
    expect(new Set(document.links.map((l) => l.status))).toEqual(new Set(['down']));
    expect(stats.ok).toBe(false);
    expect(totals).toMatchObject({ collections: 1, failedCollections: 1, errors: 1 });
  });

  it('killed mid-run: last good data marked stale, then recovers by itself when Redis returns', async () => {
    const seeder = server.client();
    await seedHealthyFleet(seeder);
    await seeder.set('queue:paused', '1');
    seeder.disconnect();
    const redis = createRedisClient({ url: server.url, maxReconnectDelayMs: 100 });
    let now = NOW;
    const collector = new Collector({ redis, fleet: DEFAULT_FLEET, now: () => now });
    const good = await collector.collect();
    expect(good.redis_ok).toBe(true);

    await server.kill();
    now += 5000;
    const down = await collectUntil(collector, (ok) => !ok);
    expect(down).toMatchObject({
      redis_ok: false,
      stale: true,
      paused: true,
      last_ok_at: good.generated_at,
      generated_at: new Date(now).toISOString(),
      workers: good.workers,
      links: good.links,
    });
    expect(down.redis_error).toBeTruthy();

    await server.restart(); // empty: every worker is now gone
    const back = await collectUntil(collector, (ok) => ok);
    await collector.close();
    redis.disconnect();
    expect(back).toMatchObject({ stale: false, redis_error: null, paused: false });
    expect(back.workers.every((w) => !w.alive)).toBe(true);
  });

  it('frozen (no replies): the collection gives up at its timeout, then recovers', async () => {
    const seeder = server.client();
    await seedHealthyFleet(seeder);
    const redis = createRedisClient({ url: server.url, commandTimeoutMs: 5000 });
    const collector = new Collector({
      redis,
      fleet: DEFAULT_FLEET,
      now: () => NOW,
      collectTimeoutMs: 300,
    });
    expect((await collector.collect()).redis_ok).toBe(true);
    server.freeze();
    try {
      const started = performance.now();
      const frozen = await collector.collect();
      // A hang would be the 5 s command timeout.
      expect(performance.now() - started).toBeLessThan(300 + LOADED_MACHINE_SLACK_MS);
      expect(frozen).toMatchObject({
        redis_ok: false,
        stale: true,
        redis_error: 'collection timed out after 300 ms',
      });
      expect(frozen.workers.every((w) => w.alive)).toBe(true);
    } finally {
      server.thaw();
    }
    const back = await collectUntil(collector, (ok) => ok);
    expect(back.stale).toBe(false);
    await collector.close();
    await collector.close();
    const closed = await collector.collect();
    expect(closed).toMatchObject({ redis_ok: false, redis_error: 'collector is closed' });
    redis.disconnect();
    seeder.disconnect();
  });
});
