import { join } from 'node:path';
import {
  Collector,
  DEFAULT_FLEET,
  type HeartbeatFields,
  parseHeartbeat,
  STATES_BY_KIND,
  StatusDocumentSchema,
} from '@fleet/core';
import { TestRedisServer } from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_DIR, requirePython, runPython } from './support/python.js';

// One contract, two languages: what the Python package really writes goes through the
// exporter's own parser and collector.
const DRIVER = join(PYTHON_DIR, 'integration/fixtures/write_fleet_beats.py');

let server: TestRedisServer;
let redis: Redis;

beforeAll(async () => {
  await requirePython(['redis']);
  server = await TestRedisServer.start();
  redis = server.client();
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

async function drive(market: 'open' | 'closed'): Promise<string[]> {
  await redis.flushall();
  const run = await runPython([DRIVER, market], {
    env: { REDIS_URL: server.url, PYTHONPATH: join(PYTHON_DIR, 'src') },
  });
  expect(run.code, run.output).toBe(0);
  return run.stdout.trim().split('\n');
}

/** The heartbeat's fields, after asserting that core's parser found every one valid. */
function validFields(raw: string): HeartbeatFields {
  const parsed = parseHeartbeat(raw);
  if (!parsed.ok) throw new Error(`unreadable heartbeat ${raw}: ${parsed.error}`);
  expect(parsed.errors, raw).toEqual([]);
  return parsed.fields;
}

async function collect() {
  const collector = new Collector({ redis, fleet: DEFAULT_FLEET });
  const document = await collector.collect();
  await collector.close();
  expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
  return document;
}

describe('the Python package writes what the exporter parses', () => {
  it('knows the same kinds and states as core (WORKER_KIND_TABLE)', async () => {
    const run = await runPython(
      ['-c', 'import json, fleet_heartbeat; print(json.dumps(fleet_heartbeat.STATES))'],
      { env: { PYTHONPATH: join(PYTHON_DIR, 'src') } },
    );
    expect(run.code, run.output).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(STATES_BY_KIND);
  });

  it('every kind and state, from every builder, parses with core’s parser', async () => {
    const lines = await drive('closed');
    const beats = lines.map((line) => validFields(line));
    expect(beats.map((beat) => `${beat.kind}:${beat.state}`)).toEqual([
      'render:idle',
      'render:busy',
      'render:paused',
      'watcher:trading',
      'watcher:free',
      'trader:market_open',
      'trader:market_closed',
      'trader:market_open',
      'render:idle',
    ]);
    expect(beats[0]).toMatchObject({
      jobs_done: 4,
      jobs_failed: 1,
      last_job_at: '2026-12-01T06:00:00Z',
    });
    expect(beats[3]).toMatchObject({ mode: 'trading' });
    expect(beats[7]).toMatchObject({ name: 'ai_trade', jobs_done: 12 });
    expect(beats[8]).toMatchObject({ name: 'sync-worker', jobs_done: 1 });
    for (const beat of beats) expect(Math.abs((beat.tsMs ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('the six loops out of market hours: all alive, the collector reads their states', async () => {
    await drive('closed');
    for (const name of DEFAULT_FLEET.workers.map((w) => w.name)) {
      const raw = await redis.get(`worker:${name}:heartbeat`);
      expect(validFields(raw ?? '')).toMatchObject({ name });
      expect(await redis.ttl(`worker:${name}:heartbeat`)).toBeGreaterThan(50);
    }
    const document = await collect();
    // docs/spec.md §3: the watcher's mode is the reason whenever it says one, paused or not.
    expect(document).toMatchObject({ redis_ok: true, paused: false, paused_reason: 'free' });
    const byName = Object.fromEntries(document.workers.map((w) => [w.name, w]));
    expect(byName['music-render']).toMatchObject({
      alive: true,
      state: 'busy',
      heartbeat_error: null,
    });
    expect(byName['video-render']).toMatchObject({
      alive: true,
      state: 'idle',
      jobs_done: 2,
      jobs_failed: 1,
    });
    expect(byName['video-render']?.last_job_at).toMatch(/Z$/);
    expect(byName['task-watcher']).toMatchObject({ alive: true, state: 'free', mode: 'free' });
    expect(byName['ai_trade']).toMatchObject({ alive: true, state: 'market_closed', jobs_done: 5 });
    expect(document.workers.every((w) => w.alive && w.heartbeat_error === null)).toBe(true);
    expect(document.workers.every((w) => (w.last_beat_age_s ?? 99) <= 2)).toBe(true);
    expect(document.links.every((link) => link.status === 'healthy')).toBe(true);
  });

  it('the six loops in market hours: paused render links, the watcher’s mode as the reason', async () => {
    await drive('open');
    const document = await collect();
    expect(document).toMatchObject({ redis_ok: true, paused: true, paused_reason: 'trading' });
    const byName = Object.fromEntries(document.workers.map((w) => [w.name, w]));
    for (const name of ['music-render', 'video-render', 'image-render', 'insta-render']) {
      expect(byName[name]).toMatchObject({ alive: true, state: 'paused' });
    }
    expect(byName['task-watcher']).toMatchObject({ state: 'trading', mode: 'trading' });
    expect(byName['ai_trade']).toMatchObject({ state: 'market_open' });
    const statuses = Object.fromEntries(document.links.map((link) => [link.worker, link.status]));
    expect(statuses).toEqual({
      'music-render': 'paused',
      'video-render': 'paused',
      'image-render': 'paused',
      'insta-render': 'paused',
      ai_trade: 'healthy',
    });
  });
});
