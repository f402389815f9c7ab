import { type CollectionSnapshot, Collector, DEFAULT_FLEET } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExporterMetrics } from '../src/metrics/exporter-metrics.js';
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

describe('the exporter metrics', () => {
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
    const metrics = createExporterMetrics(async () => current);
    expect((await metrics.scrape()).toString()).toContain('worker="ai_trade"');
    current = fewer;
    const text = (await metrics.scrape()).toString();
    expect(text).toContain('fleet_worker_up{worker="music-render"} 1');
    expect(text).not.toMatch(
      /worker="(video-render|image-render|insta-render|task-watcher|ai_trade)"/,
    );
    expect(text).not.toContain('to="video-render"');
  });

  it('never uses the global registry', async () => {
    const { register } = await import('prom-client');
    const metrics = createExporterMetrics(async () => snapshotOf());
    expect((await metrics.scrape()).toString()).toContain('fleet_collections_total');
    expect(register.getMetricsAsArray()).toEqual([]);
  });

  it('reports a down Redis as fleet_redis_up 0 and keeps the last values, marked stale', async () => {
    const good = await snapshotOf();
    const down: CollectionSnapshot = {
      ...good,
      document: { ...good.document, redis_ok: false, stale: true, redis_error: 'gone' },
      stats: { ...good.stats, ok: false },
    };
    const text = (await createExporterMetrics(async () => down).scrape()).toString();
    expect(text).toContain('fleet_redis_up 0');
    expect(text).toContain('fleet_status_stale 1');
    expect(text).toContain('fleet_worker_up{worker="ai_trade"} 1');
  });

  it('reads one collection per scrape, however many families read it', async () => {
    const snapshot = await snapshotOf();
    let loads = 0;
    const metrics = createExporterMetrics(async () => {
      loads += 1;
      return snapshot;
    });
    await metrics.scrape();
    expect(loads).toBe(1);
  });
});
