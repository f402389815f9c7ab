import { type CollectionSnapshot, Collector, DEFAULT_FLEET } from '@fleet/core';
import { TestRedisServer } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../src/metrics/registry.js';
import { seedFleet } from './seed.js';

let server: TestRedisServer;
beforeAll(async () => {
  server = await TestRedisServer.start();
  const client = server.client();
  await seedFleet(client);
  client.disconnect();
});
afterAll(async () => {
  await server.stop();
});

async function snapshotOf(): Promise<CollectionSnapshot> {
  const redis = server.client();
  const collector = new Collector({ redis, fleet: DEFAULT_FLEET });
  const snapshot = await collector.collectSnapshot();
  await collector.close();
  redis.disconnect();
  return snapshot;
}

describe('the metrics registry', () => {
  it('reports each scrape afresh: a worker gone from the collection leaves no series', async () => {
    const everyone = await snapshotOf();
    const fewer: CollectionSnapshot = {
      ...everyone,
      document: {
        ...everyone.document,
        workers: everyone.document.workers.filter((w) => w.name === 'music-render'),
        links: everyone.document.links.filter((l) => l.worker === 'music-render'),
      },
    };
    let current = everyone;
    const registry = createMetricsRegistry(async () => current);
    expect(await registry.metrics()).toContain('worker="ai_trade"');
    current = fewer;
    const text = await registry.metrics();
    expect(text).toContain('fleet_worker_up{worker="music-render"} 1');
    expect(text).not.toMatch(
      /worker="(video-render|image-render|insta-render|task-watcher|ai_trade)"/,
    );
    expect(text).not.toContain('to="video-render"');
  });

  it('never uses the global registry', async () => {
    const { register } = await import('prom-client');
    createMetricsRegistry(async () => snapshotOf());
    expect(register.getMetricsAsArray()).toEqual([]);
  });

  it('reports a down Redis as fleet_redis_up 0 and keeps the last values, marked stale', async () => {
    const good = await snapshotOf();
    const down: CollectionSnapshot = {
      ...good,
      document: { ...good.document, redis_ok: false, stale: true, redis_error: 'gone' },
      stats: { ...good.stats, ok: false },
    };
    const text = await createMetricsRegistry(async () => down).metrics();
    expect(text).toContain('fleet_redis_up 0');
    expect(text).toContain('fleet_status_stale 1');
    expect(text).toContain('fleet_worker_up{worker="ai_trade"} 1');
  });
});
