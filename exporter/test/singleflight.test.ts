import { commandStats, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { createSingleflightCache } from '../src/singleflight-cache.js';
import { startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

describe('createSingleflightCache', () => {
  it('shares one load among concurrent callers and reuses it until max-age', async () => {
    let now = 0;
    let loads = 0;
    const cache = createSingleflightCache(async () => ++loads, { maxAgeMs: 1000, now: () => now });
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get()).toBe(1);
    now = 1000;
    expect(await cache.get()).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not cache a failed load', async () => {
    let calls = 0;
    const cache = createSingleflightCache(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return 'ok';
      },
      { maxAgeMs: 60_000 },
    );
    await expect(cache.get()).rejects.toThrow('boom');
    expect(await cache.get()).toBe('ok');
  });
});

describe('many concurrent requests cost one collection', () => {
  let server: TestRedisServer;
  let exporter: RunningExporter;
  beforeAll(async () => {
    server = await TestRedisServer.start();
    const client = server.client();
    await seedFleet(client);
    client.disconnect();
    exporter = await startTestExporter(server, { cacheMaxAgeMs: 5000 });
  });
  afterAll(async () => {
    await exporter.close();
    await server.stop();
  });

  it('50 /nodes + 50 /metrics in parallel, at the first request after start', async () => {
    const stats = server.client();
    await stats.config('RESETSTAT');
    const responses = await Promise.all([
      ...Array.from({ length: 50 }, () => fetch(`${exporter.url}/api/agent-office/nodes`)),
      ...Array.from({ length: 50 }, () => fetch(`${exporter.url}/metrics`)),
    ]);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const bodies = await Promise.all(responses.slice(0, 50).map((r) => r.json()));
    expect(new Set(bodies.map((b) => (b as { generated_at: string }).generated_at)).size).toBe(1);
    const calls = await commandStats(stats);
    stats.disconnect();
    // One collection of six workers: one SCAN call, one DBSIZE, one TIME, one INFO, six GETRANGE
    // (heartbeats) plus queue:paused, the LLENs of four queues, four dead-letter lists and one
    // processing list, and that list's LINDEX. Being the first, it also measured the keyspace
    // once up front (the second DBSIZE) and reads the oldest end of each dead-letter list, whose
    // lengths it does not know yet (four more LINDEX; later ones read only non-empty lists).
    // Two HGETALLs read the alerting service's maintenance and silences hashes.
    expect(calls).toEqual({
      'config|resetstat': 1,
      scan: 1,
      dbsize: 2,
      time: 1,
      info: 1,
      getrange: 7,
      llen: 9,
      lindex: 5,
      hgetall: 2,
    });
  });
});
