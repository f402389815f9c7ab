import {
  alertingKeys,
  createRedisClient,
  DEFAULT_ALERT_KEY_PREFIX,
  StatusDocumentSchema,
} from '@fleet/core';
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
  '+hgetall',
];

const MAINTENANCE_KEY = alertingKeys.maintenance(DEFAULT_ALERT_KEY_PREFIX);
const SILENCES_KEY = alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX);
const SILENCED_UNTIL = Date.now() + 3_600_000;
const WINDOW = {
  id: '1',
  target: 'video-render',
  start: Date.now() - 60_000,
  until: Date.now() + 3_600_000,
  reason: 'driver update',
  by: 'kim (42)',
};

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
  // A /maintenance window, as the alerting service stores it: the exporter reads it, only.
  await admin.hset(MAINTENANCE_KEY, '1', JSON.stringify(WINDOW));
  // A silence, and an expired one the alerting service has not removed yet: read, never deleted.
  await admin.hset(SILENCES_KEY, 'ai_trade', String(SILENCED_UNTIL), 'music-render', '1');
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
    expect(document.workers.find((w) => w.name === 'video-render')?.maintenance).toMatchObject({
      id: '1',
      source: 'command',
      reason: 'driver update',
    });
    expect(document.workers.map((w) => [w.name, w.silenced_until])).toContainEqual([
      'ai_trade',
      new Date(SILENCED_UNTIL).toISOString(),
    ]);
    expect(document.workers.find((w) => w.name === 'music-render')?.silenced_until).toBeNull();
    const metrics = await getText(`${exporter.url}/metrics`);
    expect(sample(metrics.body, 'fleet_redis_up')).toBe(1);
    expect(sample(metrics.body, 'fleet_worker_maintenance{worker="video-render"}')).toBe(1);
    expect(sample(metrics.body, 'fleet_worker_maintenance{worker="music-render"}')).toBe(0);
    expect(sample(metrics.body, 'fleet_worker_silenced{worker="ai_trade"}')).toBe(1);
    expect(sample(metrics.body, 'fleet_worker_silenced{worker="music-render"}')).toBe(0);
    expect(sample(metrics.body, 'fleet_silences_invalid')).toBe(0);
    expect(await admin.hgetall(MAINTENANCE_KEY)).toEqual({ 1: JSON.stringify(WINDOW) });
    expect(await admin.hgetall(SILENCES_KEY)).toEqual({
      ai_trade: String(SILENCED_UNTIL),
      'music-render': '1',
    });
    expect((await getJson(`${exporter.url}/readyz`)).status).toBe(200);
    // ACL LOG records every command Redis refused: the exporter never tried one.
    expect(await admin.acl('LOG')).toEqual([]);
  });
});
