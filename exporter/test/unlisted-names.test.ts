import { StatusDocumentSchema } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { getJson, getText, sample, startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

let server: TestRedisServer;
let exporter: RunningExporter;

beforeAll(async () => {
  server = await TestRedisServer.start();
  const client = server.client();
  await seedFleet(client);
  // 1,000 unlisted workers named with 10 KB each: once a 147 MiB /metrics.
  const pipeline = client.pipeline();
  for (let i = 0; i < 1000; i += 1) {
    pipeline.set(
      `worker:${String(i).padStart(4, '0')}${'n'.repeat(10_236)}:heartbeat`,
      '{}',
      'EX',
      600,
    );
  }
  await pipeline.exec();
  client.disconnect();
  exporter = await startTestExporter(server);
});
afterAll(async () => {
  await exporter.close();
  await server.stop();
});

describe('1,000 unlisted names of 10 KB', () => {
  it('are left out and counted; /metrics stays small and /healthz quick', async () => {
    const { body } = await getJson(`${exporter.url}/api/agent-office/nodes`);
    const document = StatusDocumentSchema.parse(body);
    expect(document.workers.filter((w) => !w.in_fleet)).toEqual([]);
    expect(document.unlisted_workers).toMatchObject({
      count: 0,
      name_max_bytes: 200,
      dropped: { too_many: 0, too_long: 1000, unshowable: 0 },
    });
    const metrics = await getText(`${exporter.url}/metrics`);
    expect(Buffer.byteLength(metrics.body)).toBeLessThan(256 * 1024);
    expect(sample(metrics.body, 'fleet_unlisted_workers_dropped{reason="too_long"}')).toBe(1000);
    const started = performance.now();
    expect((await getJson(`${exporter.url}/healthz`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
