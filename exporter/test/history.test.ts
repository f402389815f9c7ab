import { DEFAULT_FLEET } from '@fleet/core';
import { type WorkerHistory, WorkerHistorySchema } from '@fleet/core/contracts';
import { commandStats, eventually } from '@fleet/testing';
import { type TestRedis, useTestRedis } from '@fleet/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExporterOptions, RunningExporter } from '../src/index.js';
import { getJson, startTestExporter } from './harness.js';

const db: TestRedis = useTestRedis();
const STEP_MS = 5000;

/** An exporter on a clock the test moves, and workers that beat on that clock. */
async function scenario(options: Partial<ExporterOptions> = {}) {
  const clock = { ms: Date.parse('2026-03-01T09:00:00.000Z') };
  const exporter = await startTestExporter(db.server, {
    now: () => clock.ms,
    cacheMaxAgeMs: 0,
    historyRetentionS: 60,
    ...options,
  });
  running.push(exporter);
  const beat = async (names: readonly string[]) => {
    const pipeline = db.redis.pipeline();
    for (const name of names) {
      const spec = DEFAULT_FLEET.workers.find((w) => w.name === name);
      const kind = spec?.kind ?? 'render';
      const state = { render: 'busy', watcher: 'free', trader: 'market_open' }[kind];
      const beatJson = {
        name,
        kind,
        state,
        ts: new Date(clock.ms).toISOString(),
        last_job_at: new Date(clock.ms - 30_000).toISOString(),
        jobs_done: 3,
        jobs_failed: 1,
        // Not a contract field: it must not reach the history.
        api_token: 'hunter2',
      };
      pipeline.set(`worker:${name}:heartbeat`, JSON.stringify(beatJson), 'EX', 45);
    }
    await pipeline.exec();
  };
  /** Moves the clock, lets `alive` beat, and has one collection happen (a status poll). */
  const collect = async () => {
    expect((await fetch(`${exporter.url}/api/agent-office/nodes`)).status).toBe(200);
  };
  const step = async (alive: readonly string[], ms = STEP_MS) => {
    clock.ms += ms;
    await beat(alive);
    await collect();
  };
  const history = async (name: string) => {
    const { status, body } = await getJson<WorkerHistory>(
      `${exporter.url}/api/agent-office/nodes/${encodeURIComponent(name)}/history`,
    );
    expect(status).toBe(200);
    return WorkerHistorySchema.parse(body);
  };
  return { clock, exporter, beat, collect, step, history };
}

const running: RunningExporter[] = [];
afterEach(async () => {
  for (const exporter of running.splice(0)) await exporter.close();
});

const ALL = DEFAULT_FLEET.workers.map((w) => w.name);
const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /api/agent-office/nodes/<name>/history', () => {
  it('grows with each collection, records down periods, and stays within its retention', async () => {
    const { clock, step, history } = await scenario();
    for (let i = 0; i < 3; i += 1) await step(ALL);
    const upAt = clock.ms;
    await db.redis.del('worker:video-render:heartbeat');
    const others = ALL.filter((name) => name !== 'video-render');
    await step(others);
    const downAt = clock.ms;
    await step(others);
    await step(others);
    await step(ALL);
    const backAt = clock.ms;

    const video = await history('video-render');
    expect(video.state_changes).toEqual([
      { at: iso(upAt - 2 * STEP_MS), state: 'busy' },
      { at: iso(downAt), state: 'down' },
      { at: iso(backAt), state: 'busy' },
    ]);
    expect(video.down_periods).toEqual([{ from: iso(downAt), to: iso(backAt), duration_s: 15 }]);
    expect(video.series.at_ms).toHaveLength(7);
    expect(video.series.at_ms.at(-1)).toBe(backAt);
    // Fields only, as the document validates them; nothing else of the payload.
    expect(video.last_heartbeat).toEqual({
      name: 'video-render',
      kind: 'render',
      state: 'busy',
      ts: iso(backAt),
      last_job_at: iso(backAt - 30_000),
      jobs_done: 3,
      jobs_failed: 1,
      mode: null,
    });
    expect(JSON.stringify(video)).not.toContain('hunter2');
    expect(video.last_job_at).toBe(iso(backAt - 30_000));

    // A worker still down: the period is open.
    await db.redis.del('worker:image-render:heartbeat');
    const imageDownAt = clock.ms + STEP_MS;
    await step(ALL.filter((name) => name !== 'image-render'));
    await step(ALL.filter((name) => name !== 'image-render'));
    expect((await history('image-render')).down_periods).toEqual([
      { from: iso(imageDownAt), to: null, duration_s: 5 },
    ]);
    // The last heartbeat read stays after the key is gone.
    expect((await history('image-render')).last_heartbeat?.state).toBe('busy');

    // Two minutes on: the window holds one minute of samples, and the state it starts in.
    for (let i = 0; i < 24; i += 1) await step(ALL);
    const late = await history('video-render');
    expect(late.series.at_ms.length).toBeLessThanOrEqual(60_000 / STEP_MS + 1);
    expect(late.series.at_ms[0]).toBeGreaterThanOrEqual(clock.ms - 60_000);
    expect(late.state_changes).toEqual([{ at: iso(backAt), state: 'busy' }]);
    expect(late.down_periods).toEqual([]);
  });

  it('counts dead letters and says since when the oldest has been seen', async () => {
    const { clock, step, history } = await scenario();
    const list = 'dead_letter:queue:video-render';
    await step(ALL);
    expect((await history('video-render')).dead_letters).toEqual({
      count: 0,
      oldest_seen_at: null,
      oldest_age_s: null,
    });
    await db.redis.lpush(list, 'job-1');
    await step(ALL);
    // The list was empty at the last look, so this collection counted it without reading an
    // item; the next one reads the oldest (LINDEX -1) and dates it.
    expect((await history('video-render')).dead_letters.oldest_seen_at).toBeNull();
    await db.redis.lpush(list, 'job-2', 'job-3');
    await step(ALL);
    const firstSeen = clock.ms;
    await step(ALL);
    await step(ALL);
    expect((await history('video-render')).dead_letters).toEqual({
      count: 3,
      oldest_seen_at: iso(firstSeen),
      oldest_age_s: 10,
    });
    // The oldest is requeued (taken from the right): the next oldest is dated when first seen.
    await db.redis.rpop(list);
    await step(ALL);
    expect((await history('video-render')).dead_letters).toEqual({
      count: 2,
      oldest_seen_at: iso(clock.ms),
      oldest_age_s: 0,
    });
    expect((await history('video-render')).series.dead_letter).toEqual([0, 1, 3, 3, 3, 2]);
    await db.redis.del(list);
    await step(ALL);
    expect((await history('video-render')).dead_letters.oldest_seen_at).toBeNull();
  });

  it('costs Redis nothing: it answers from memory', async () => {
    const { step, exporter } = await scenario();
    await step(ALL);
    await step(ALL);
    const stats = db.server.client();
    await stats.config('RESETSTAT');
    for (let i = 0; i < 20; i += 1) {
      for (const name of ALL) {
        const response = await fetch(`${exporter.url}/api/agent-office/nodes/${name}/history`);
        expect(response.status).toBe(200);
      }
    }
    expect(await commandStats(stats)).toEqual({ 'config|resetstat': 1 });
    stats.disconnect();
  });

  it('a forgotten unlisted worker drops its history; an unknown name is 404', async () => {
    const { step, history, exporter } = await scenario({
      unlistedForgetAfterS: 60,
      corsOrigin: ['https://nas.example:5001'],
    });
    await step([...ALL, 'stranger']);
    expect((await history('stranger')).state_changes.map((c) => c.state)).toEqual(['busy']);
    await db.redis.del('worker:stranger:heartbeat');
    await step(ALL, 30_000);
    expect((await history('stranger')).state_changes.map((c) => c.state)).toEqual(['busy', 'down']);
    await step(ALL, 61_000);
    const gone = await fetch(`${exporter.url}/api/agent-office/nodes/stranger/history`);
    expect(gone.status).toBe(404);
    const unknown = await fetch(`${exporter.url}/api/agent-office/nodes/nobody/history`, {
      headers: { origin: 'https://nas.example:5001' },
    });
    expect(unknown.status).toBe(404);
    // The main port's rules: no caching, CORS as the status document, the security headers.
    const known = await fetch(`${exporter.url}/api/agent-office/nodes/ai_trade/history`, {
      headers: { origin: 'https://nas.example:5001' },
    });
    expect(known.headers.get('cache-control')).toBe('no-store');
    expect(known.headers.get('access-control-allow-origin')).toBe('https://nas.example:5001');
    expect(known.headers.get('x-content-type-options')).toBe('nosniff');
    const other = await fetch(`${exporter.url}/api/agent-office/nodes/ai_trade/history`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a Redis outage is recorded as unread, with no samples', async () => {
    const { clock, beat, collect, step, history } = await scenario({ collectTimeoutMs: 300 });
    await step(ALL);
    clock.ms += STEP_MS;
    const outageAt = clock.ms;
    db.server.freeze();
    try {
      await collect();
    } finally {
      db.server.thaw();
    }
    clock.ms += STEP_MS;
    await beat(ALL);
    await eventually(async () => {
      await collect();
      return (await history('music-render')).state_changes.at(-1)?.state === 'busy';
    });
    const music = await history('music-render');
    expect(music.state_changes.map((c) => c.state)).toEqual(['busy', 'unread', 'busy']);
    expect(music.state_changes[1]?.at).toBe(iso(outageAt));
    expect(music.series.at_ms).not.toContain(outageAt);
    expect(music.down_periods).toEqual([]);
  });
});
