import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET, DROP_REASONS, HEARTBEAT_FIELDS, StatusDocumentSchema } from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningExporter } from '../src/index.js';
import { getJson, getText, sample, startTestExporter } from './harness.js';
import { seedFleet } from './seed.js';

let server: TestRedisServer;
let exporter: RunningExporter;
let metrics: string;

beforeAll(async () => {
  server = await TestRedisServer.start();
  const client = server.client();
  await seedFleet(client);
  await client.set('worker:image-render:heartbeat', '{broken', 'EX', 45);
  // One bad field: insta-render keeps its other fields (jobs_done 7 below) and names the bad one.
  const insta = JSON.parse((await client.get('worker:insta-render:heartbeat')) as string);
  await client.set('worker:insta-render:heartbeat', JSON.stringify({ ...insta, state: 'IDLE' }));
  client.disconnect();
  exporter = await startTestExporter(server);
  metrics = (await getText(`${exporter.url}/metrics`)).body;
});
afterAll(async () => {
  await exporter.close();
  await server.stop();
});

const WORKERS = DEFAULT_FLEET.workers.map((spec) => spec.name);
const QUEUED = DEFAULT_FLEET.workers.filter((spec) => spec.queue);

describe('GET /api/agent-office/nodes', () => {
  it('answers a valid status document', async () => {
    const { status, body } = await getJson(`${exporter.url}/api/agent-office/nodes`);
    expect(status).toBe(200);
    const document = StatusDocumentSchema.parse(body);
    expect(document).toMatchObject({ redis_ok: true, paused: true, paused_reason: 'trading' });
    expect(document.workers.map((w) => w.name)).toEqual(WORKERS);
  });
});

describe('GET /metrics: every docs/spec.md §4 series exists for every fleet worker', () => {
  it.each([
    'fleet_redis_up 1',
    'fleet_queue_paused 1',
    ...WORKERS.map((w) => `fleet_worker_up{worker="${w}"} 1`),
    ...DEFAULT_FLEET.workers.map(
      (s) => `fleet_worker_info{worker="${s.name}",kind="${s.kind}",host="${s.host}"} 1`,
    ),
    'fleet_worker_state{worker="music-render",state="busy"} 1',
    'fleet_worker_state{worker="music-render",state="idle"} 0',
    'fleet_worker_state{worker="music-render",state="paused"} 0',
    'fleet_worker_state{worker="image-render",state="busy"} 0',
    'fleet_worker_state{worker="task-watcher",state="trading"} 1',
    'fleet_worker_state{worker="ai_trade",state="market_closed"} 0',
    ...WORKERS.map(
      (w) => `fleet_heartbeat_invalid{worker="${w}"} ${/image|insta/.test(w) ? 1 : 0}`,
    ),
    ...WORKERS.flatMap((w) =>
      HEARTBEAT_FIELDS.map(
        (f) =>
          `fleet_heartbeat_field_invalid{worker="${w}",field="${f}"} ${w === 'insta-render' && f === 'state' ? 1 : 0}`,
      ),
    ),
    ...['fleet_worker_jobs_done_total', 'fleet_worker_jobs_failed_total'].flatMap((m) =>
      WORKERS.map(
        (w) => `${m}{worker="${w}"} ${w === 'image-render' ? 0 : m.includes('done') ? 7 : 1}`,
      ),
    ),
    'fleet_queue_depth{worker="music-render",queue="queue:music-render"} 3',
    'fleet_queue_dead_letter{worker="video-render",queue="queue:video-render"} 1',
    'fleet_queue_processing{worker="image-render",queue="queue:image-render"} 2',
    ...QUEUED.map((s) => `fleet_queue_depth{worker="${s.name}",queue="${s.queue}"}`),
    'fleet_link_status{from="nas",to="music-render",link_type="redis-queue",status="healthy"} 1',
    'fleet_link_status{from="nas",to="video-render",link_type="redis-queue",status="degraded"} 1',
    'fleet_link_status{from="nas",to="video-render",link_type="redis-queue",status="healthy"} 0',
    'fleet_link_status{from="ai_trade",to="nas-stock",link_type="http-pull",status="healthy"} 1',
    'fleet_collect_duration_seconds',
    'fleet_collect_errors_total 2',
    'fleet_scan_age_seconds 0',
    'fleet_scan_complete 1',
    'fleet_silences_invalid 0',
    ...WORKERS.flatMap((w) => [
      `fleet_worker_heartbeat_stale{worker="${w}"} 0`,
      `fleet_worker_job_stuck{worker="${w}"} 0`,
      `fleet_worker_maintenance{worker="${w}"} 0`,
      `fleet_worker_silenced{worker="${w}"} 0`,
      `fleet_worker_clock_skew_seconds{worker="${w}"} 0`,
    ]),
    'fleet_redis_evicted_keys_total 0',
    'fleet_redis_evicting 0',
    'fleet_redis_maxmemory_bytes 0',
    'fleet_redis_maxmemory_policy{policy="noeviction"} 1',
    'fleet_redis_maxmemory_policy{policy="allkeys-lru"} 0',
    'fleet_redis_maxmemory_policy{policy="volatile-ttl"} 0',
    'fleet_unlisted_workers 0',
    ...DROP_REASONS.map((reason) => `fleet_unlisted_workers_dropped{reason="${reason}"} 0`),
    'fleet_unlisted_workers_forgotten_total 0',
    'fleet_heartbeat_errors_total{worker="image-render"} 1',
    'fleet_heartbeat_errors_total{worker="insta-render"} 1',
    'process_cpu_seconds_total',
  ])('%s', (line) => {
    expect(metrics.split('\n').some((l) => l === line || l.startsWith(`${line} `))).toBe(true);
  });

  it('timestamps: last heartbeat and last job as Unix seconds', () => {
    const beat = sample(
      metrics,
      'fleet_worker_last_heartbeat_timestamp_seconds{worker="ai_trade"}',
    );
    const job = sample(metrics, 'fleet_worker_last_job_timestamp_seconds{worker="ai_trade"}');
    expect(Math.abs((beat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect((beat ?? 0) - (job ?? 0)).toBeCloseTo(60, 0);
    expect(sample(metrics, 'fleet_worker_last_job_timestamp_seconds{worker="image-render"}')).toBe(
      0,
    );
  });

  it('has no queue series for workers without a queue, and no link for the watcher', () => {
    expect(metrics).not.toMatch(/fleet_queue_depth\{worker="(task-watcher|ai_trade)"/);
    expect(metrics).not.toMatch(/fleet_link_status\{[^}]*task-watcher/);
  });
  it('serves only families that docs/spec.md §4 names', () => {
    const spec = readFileSync(new URL('../../docs/spec.md', import.meta.url), 'utf8');
    const families = [...metrics.matchAll(/^# TYPE (fleet_\w+)/gm)].map((match) => match[1]);
    expect(families.length).toBeGreaterThan(20);
    expect(families.filter((name) => !spec.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('other endpoints', () => {
  it('/healthz and /readyz answer 200 while Redis is up', async () => {
    expect(await getJson(`${exporter.url}/healthz`)).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    expect((await getJson(`${exporter.url}/readyz`)).status).toBe(200);
  });

  it('/ redirects to /infra/, and /infra to /infra/', async () => {
    for (const [path, location] of [
      ['/', '/infra/'],
      ['/infra', '/infra/'],
    ]) {
      const response = await fetch(`${exporter.url}${path}`, { redirect: 'manual' });
      expect([301, 302]).toContain(response.status);
      expect(response.headers.get('location')).toBe(location);
    }
  });

  it('/infra/ explains how to build the panel when it is not built', async () => {
    const { status, body } = await getText(`${exporter.url}/infra/`);
    expect(status).toBe(404);
    expect(body).toContain('npm run build');
  });

  it('/infra/ serves the built panel from the panel directory', async () => {
    const dir = tempDir('fleet-panel-');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>fleet panel</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const withPanel = await startTestExporter(server, { panelDir: dir });
    try {
      const page = await getText(`${withPanel.url}/infra/`);
      expect(page).toEqual({ status: 200, body: '<!doctype html><title>fleet panel</title>' });
      const script = await fetch(`${withPanel.url}/infra/assets/app.js`);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
    } finally {
      await withPanel.close();
    }
  });

  it('anything else is a JSON 404', async () => {
    expect(await getJson(`${exporter.url}/nope`)).toEqual({
      status: 404,
      body: { error: 'not found' },
    });
  });
});

describe('job counters across a missing heartbeat', () => {
  it('hold the last readable value, so rate() sees no fake reset when the same process beats again', async () => {
    const own = await TestRedisServer.start();
    const client = own.client();
    await seedFleet(client);
    const live = await startTestExporter(own, { cacheMaxAgeMs: 0 });
    try {
      const done = async () =>
        sample(
          (await getText(`${live.url}/metrics`)).body,
          'fleet_worker_jobs_done_total{worker="music-render"}',
        );
      expect(await done()).toBe(7);
      await client.del('worker:music-render:heartbeat');
      const { body } = await getJson<{ workers: { name: string; jobs_done: number }[] }>(
        `${live.url}/api/agent-office/nodes`,
      );
      expect(body.workers.find((w) => w.name === 'music-render')?.jobs_done).toBe(0);
      expect(await done()).toBe(7);
    } finally {
      await live.close();
      client.disconnect();
      await own.stop();
    }
  });
});
