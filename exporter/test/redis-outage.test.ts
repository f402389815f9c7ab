import { StatusDocumentSchema } from '@fleet/core';
import { eventually, LOADED_MACHINE_SLACK_MS, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { getJson, getText, sample, startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

const COLLECT_TIMEOUT_MS = 400;

let server: TestRedisServer;
let exporter: RunningExporter;

beforeAll(async () => {
  server = await TestRedisServer.start();
  const client = server.client();
  await seedFleet(client);
  client.disconnect();
  exporter = await startTestExporter(server, {
    cacheMaxAgeMs: 0,
    collectTimeoutMs: COLLECT_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await exporter.close();
  await server.stop();
});

/** Every endpoint at once, each timed. */
async function probe() {
  const timed = async <T>(request: Promise<T>) => {
    const started = performance.now();
    const result = await request;
    return { ...result, ms: performance.now() - started };
  };
  const [nodes, metrics, ready] = await Promise.all([
    timed(getJson(`${exporter.url}/api/agent-office/nodes`)),
    timed(getText(`${exporter.url}/metrics`)),
    timed(getJson(`${exporter.url}/readyz`)),
  ]);
  return { nodes, metrics, ready };
}

describe('Redis killed, then back', () => {
  it('answers 200 with redis_ok:false and fleet_redis_up 0 quickly, then recovers without a restart', async () => {
    const before = await probe();
    expect(before.nodes.body).toMatchObject({ redis_ok: true });
    expect(before.ready.status).toBe(200);

    await server.kill();
    const down = await probe();
    expect(down.nodes.status).toBe(200);
    const document = StatusDocumentSchema.parse(down.nodes.body);
    expect(document).toMatchObject({ redis_ok: false, stale: true, paused: true });
    expect(document.redis_error).toMatch(/Redis unreachable|Connection is closed|ECONN/);
    expect(document.workers.every((w) => w.alive)).toBe(true); // the last good data
    expect(down.metrics.status).toBe(200);
    expect(sample(down.metrics.body, 'fleet_redis_up')).toBe(0);
    expect(sample(down.metrics.body, 'fleet_status_stale')).toBe(1);
    expect(down.ready.status).toBe(503);
    for (const response of [down.nodes, down.metrics, down.ready]) {
      expect(response.ms).toBeLessThan(COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
    }

    await server.restart();
    await eventually(async () => (await probe()).nodes.body.redis_ok === true);
    const back = await probe();
    expect(back.ready.status).toBe(200);
    expect(sample(back.metrics.body, 'fleet_redis_up')).toBe(1);
    // The restarted Redis is empty: nobody beats any more.
    expect(sample(back.metrics.body, 'fleet_worker_up{worker="ai_trade"}')).toBe(0);
    expect(sample(back.metrics.body, 'fleet_collect_failures_total')).toBeGreaterThan(0);
  });

  it('frozen Redis: no request waits past the collection timeout', async () => {
    server.freeze();
    try {
      const frozen = await probe();
      expect(frozen.nodes.body).toMatchObject({ redis_ok: false });
      expect(sample(frozen.metrics.body, 'fleet_redis_up')).toBe(0);
      expect(frozen.ready.status).toBe(503);
      for (const response of [frozen.nodes, frozen.metrics, frozen.ready]) {
        expect(response.ms).toBeLessThan(COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
      }
    } finally {
      server.thaw();
    }
    await eventually(async () => (await probe()).nodes.body.redis_ok === true);
  });
});
