import { createRedisClient, StatusDocumentSchema } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { getJson, getText, sample, startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

/**
 * Every command the exporter needs, and nothing else: no write, no KEYS, no CLIENT, no CONFIG.
 * INFO is ioredis's ready check; PING is /readyz.
 */
const EXPORTER_ACL = [
  'on',
  '>exporter-pw',
  'resetkeys',
  '~*',
  'resetchannels',
  '-@all',
  '+ping',
  '+info',
  '+dbsize',
  '+scan',
  '+getrange',
  '+llen',
  '+lindex',
  '+time',
];

let server: TestRedisServer;
let admin: Redis;
let exporter: RunningExporter;

beforeAll(async () => {
  server = await TestRedisServer.start();
  admin = server.client();
  await admin.acl('SETUSER', 'exporter', ...EXPORTER_ACL);
  await seedFleet(admin);
  await admin.set('worker:stray:heartbeat', '{"not":"valid"}', 'EX', 45);
  await admin.set('queue:video-render', 'not a list');
  await admin.acl('LOG', 'RESET');
  exporter = await startTestExporter(server, {
    redisUrl: `redis://exporter:exporter-pw@127.0.0.1:${server.port}`,
  });
});
afterAll(async () => {
  await exporter.close();
  admin.disconnect();
  await server.stop();
});

describe('a Redis user with read commands only', () => {
  it('cannot write (the ACL is in force)', async () => {
    const user = createRedisClient({
      url: `redis://exporter:exporter-pw@127.0.0.1:${server.port}`,
    });
    await new Promise((resolve) => user.once('ready', resolve));
    await expect(user.set('x', '1')).rejects.toThrow(/NOPERM/);
    await expect(user.keys('*')).rejects.toThrow(/NOPERM/);
    user.disconnect();
    expect(await admin.acl('LOG')).toHaveLength(2); // what the next test relies on
    await admin.acl('LOG', 'RESET');
  });

  it('is all the exporter needs: every endpoint works and Redis denied it nothing', async () => {
    const nodes = await getJson(`${exporter.url}/api/agent-office/nodes`);
    const document = StatusDocumentSchema.parse(nodes.body);
    expect(document.redis_ok).toBe(true);
    expect(document.workers.find((w) => w.name === 'image-render')?.processing).toBe(2);
    expect(document.workers.find((w) => w.name === 'video-render')?.queue_error).toMatch(
      /WRONGTYPE/,
    );
    expect(document.workers.find((w) => w.name === 'stray')).toMatchObject({
      in_fleet: false,
      heartbeat_error: expect.stringMatching(/^name: missing; kind: missing; state: missing/),
    });
    const metrics = await getText(`${exporter.url}/metrics`);
    expect(sample(metrics.body, 'fleet_redis_up')).toBe(1);
    expect((await getJson(`${exporter.url}/readyz`)).status).toBe(200);
    // ACL LOG records every command Redis refused: the exporter never tried one.
    expect(await admin.acl('LOG')).toEqual([]);
  });
});
