import { spawnSync } from 'node:child_process';
import { requireBinary, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { getText, startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

let server: TestRedisServer;
let exporter: RunningExporter;

beforeAll(async () => {
  requireBinary('promtool', 'prometheus');
  server = await TestRedisServer.start();
  const client = server.client();
  await seedFleet(client);
  await client.set('worker:image-render:heartbeat', 'x'.repeat(100_000));
  await client.set('worker:extra:heartbeat', '{}');
  // A name only a hostile or broken worker would use, with characters the text format escapes.
  await client.set('worker:q"uote\\back:heartbeat', '{}');
  client.disconnect();
  exporter = await startTestExporter(server, { cacheMaxAgeMs: 0 });
});
afterAll(async () => {
  await exporter.close();
  await server.stop();
});

function promtoolCheck(metrics: string) {
  return spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
}

describe('promtool check metrics', () => {
  it.each([
    ['Redis up', async () => undefined],
    ['Redis down', () => server.kill()],
  ])('passes on the real /metrics output (%s)', async (_case, before) => {
    await before();
    const { status, body } = await getText(`${exporter.url}/metrics`);
    expect(status).toBe(200);
    expect(body).toContain('fleet_redis_up');
    expect(body).toContain('fleet_worker_up{worker="q\\"uote\\\\back"}');
    const result = promtoolCheck(body);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('would catch a broken exposition (the check is real)', () => {
    const result = promtoolCheck('# TYPE fleet_bad counter\nfleet_bad{a="1"} not-a-number\n');
    expect(result.status).not.toBe(0);
  });
});
