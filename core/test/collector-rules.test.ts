import { Collector, DEFAULT_FLEET, type StatusDocument, StatusDocumentSchema } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { heartbeat, NOW, useCollectorRedis } from './fixtures.js';

/** What a case writes into Redis: heartbeats by worker (overrides) and list lengths by key. */
interface Seed {
  beats?: Record<string, Record<string, unknown>>;
  lists?: Record<string, number>;
  strings?: Record<string, string>;
}

const KIND = Object.fromEntries(DEFAULT_FLEET.workers.map((spec) => [spec.name, spec.kind]));

const db = useCollectorRedis();

async function collectAfter(seed: Seed, nowMs = NOW): Promise<StatusDocument> {
  const pipeline = db.seeder.pipeline();
  for (const [name, overrides] of Object.entries(seed.beats ?? {})) {
    const { secondsAgo, ...fields } = overrides;
    const kind = KIND[name] ?? 'render';
    const value = heartbeat(name, kind, fields, typeof secondsAgo === 'number' ? secondsAgo : 3);
    pipeline.set(`worker:${name}:heartbeat`, value, 'EX', 45);
  }
  for (const [key, length] of Object.entries(seed.lists ?? {})) {
    pipeline.rpush(key, ...Array.from({ length }, (_, i) => `job-${i}`));
  }
  for (const [key, value] of Object.entries(seed.strings ?? {})) pipeline.set(key, value);
  await pipeline.exec();
  const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => nowMs });
  const document = await collector.collect();
  await collector.close();
  expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
  return document;
}

const worker = (document: StatusDocument, name: string) =>
  document.workers.find((entry) => entry.name === name);
const link = (document: StatusDocument, name: string) =>
  document.links.find((entry) => entry.worker === name);

describe('docs/spec.md §3 link status', () => {
  it.each<{ rule: string; worker: string; seed: Seed; status: string | undefined }>([
    {
      rule: 'render alive, idle, no dead letters → healthy',
      worker: 'image-render',
      seed: { beats: { 'image-render': {} } },
      status: 'healthy',
    },
    {
      rule: 'render alive and busy with a queue → healthy',
      worker: 'image-render',
      seed: { beats: { 'image-render': { state: 'busy' } }, lists: { 'queue:image-render': 4 } },
      status: 'healthy',
    },
    {
      rule: 'render not alive → down, before paused and dead letters',
      worker: 'image-render',
      seed: { lists: { 'dead_letter:queue:image-render': 2 }, strings: { 'queue:paused': '1' } },
      status: 'down',
    },
    {
      rule: 'render paused → paused, before dead letters',
      worker: 'video-render',
      seed: {
        beats: { 'video-render': { state: 'paused' } },
        lists: { 'dead_letter:queue:video-render': 3 },
      },
      status: 'paused',
    },
    {
      rule: 'render with dead letters → degraded',
      worker: 'music-render',
      seed: {
        beats: { 'music-render': { state: 'busy' } },
        lists: { 'dead_letter:queue:music-render': 1 },
      },
      status: 'degraded',
    },
    {
      rule: 'trader alive (market open) → healthy',
      worker: 'ai_trade',
      seed: { beats: { ai_trade: { state: 'market_open' } } },
      status: 'healthy',
    },
    {
      rule: 'trader alive (market closed) → healthy',
      worker: 'ai_trade',
      seed: { beats: { ai_trade: { state: 'market_closed' } } },
      status: 'healthy',
    },
    { rule: 'trader not alive → down', worker: 'ai_trade', seed: {}, status: 'down' },
    {
      rule: 'the watcher has no link',
      worker: 'task-watcher',
      seed: { beats: { 'task-watcher': { state: 'trading', mode: 'trading' } } },
      status: undefined,
    },
  ])('$rule', async ({ worker: name, seed, status }) => {
    const document = await collectAfter(seed);
    expect(link(document, name)?.status).toBe(status);
  });

  it('draws render links nas → worker (redis-queue) and ai_trade → nas-stock (http-pull)', async () => {
    const document = await collectAfter({});
    expect(document.links.map(({ from, to, type }) => `${from}>${to}:${type}`)).toEqual([
      'nas>music-render:redis-queue',
      'nas>video-render:redis-queue',
      'nas>image-render:redis-queue',
      'nas>insta-render:redis-queue',
      'ai_trade>nas-stock:http-pull',
    ]);
  });
});

describe('docs/spec.md §3 paused and paused_reason', () => {
  it.each<{ rule: string; seed: Seed; paused: boolean; reason: string | null }>([
    {
      rule: 'no queue:paused, no watcher → not paused, no reason',
      seed: {},
      paused: false,
      reason: null,
    },
    {
      rule: 'queue:paused "1" and watcher mode → paused, the mode',
      seed: {
        strings: { 'queue:paused': '1' },
        beats: { 'task-watcher': { state: 'trading', mode: 'market-hours' } },
      },
      paused: true,
      reason: 'market-hours',
    },
    {
      rule: 'queue:paused "1" and no watcher heartbeat → paused, "trading"',
      seed: { strings: { 'queue:paused': '1' } },
      paused: true,
      reason: 'trading',
    },
    {
      rule: 'queue:paused "1" and a watcher without mode → paused, "trading"',
      seed: { strings: { 'queue:paused': '1' }, beats: { 'task-watcher': { state: 'trading' } } },
      paused: true,
      reason: 'trading',
    },
    {
      rule: 'not paused but the watcher says a mode → the mode',
      seed: { beats: { 'task-watcher': { state: 'free', mode: 'trading' } } },
      paused: false,
      reason: 'trading',
    },
    {
      rule: 'queue:paused "0" → not paused',
      seed: { strings: { 'queue:paused': '0' } },
      paused: false,
      reason: null,
    },
    {
      rule: 'queue:paused "10" (only exactly "1" counts) → not paused',
      seed: { strings: { 'queue:paused': '10' } },
      paused: false,
      reason: null,
    },
  ])('$rule', async ({ seed, paused, reason }) => {
    const document = await collectAfter(seed);
    expect({ paused: document.paused, reason: document.paused_reason }).toEqual({ paused, reason });
  });
});

describe('docs/spec.md §3 workers', () => {
  it('a worker without a heartbeat: alive false, state/age null, counters 0, queue figures read', async () => {
    const document = await collectAfter({
      lists: {
        'queue:insta-render': 5,
        'dead_letter:queue:insta-render': 2,
        'processing:queue:insta-render:pc-1': 1,
      },
    });
    expect(worker(document, 'insta-render')).toMatchObject({
      alive: false,
      state: null,
      last_beat_age_s: null,
      jobs_done: 0,
      jobs_failed: 0,
      last_job_at: null,
      queue_depth: 5,
      dead_letter: 2,
      processing: 1,
      heartbeat_error: null,
    });
  });

  it('copies the heartbeat fields of a live worker', async () => {
    const document = await collectAfter({
      beats: {
        'image-render': {
          state: 'busy',
          jobs_done: 42,
          jobs_failed: 1,
          last_job_at: '2026-11-26T05:59:00Z',
        },
      },
    });
    expect(worker(document, 'image-render')).toMatchObject({
      name: 'image-render',
      kind: 'render',
      alive: true,
      state: 'busy',
      last_beat_age_s: 3,
      jobs_done: 42,
      jobs_failed: 1,
      last_job_at: '2026-11-26T05:59:00Z',
      host: 'windows',
      queue: 'queue:image-render',
      in_fleet: true,
      last_beat_at: '2026-11-26T06:00:27.000Z',
    });
    expect(document).toMatchObject({ redis_ok: true, stale: false, redis_error: null });
    expect(document.generated_at).toBe(new Date(NOW).toISOString());
  });

  it.each<{ rule: string; secondsAgo: number; age: number; skew: number | null }>([
    { rule: 'whole seconds', secondsAgo: 7, age: 7, skew: null },
    { rule: 'rounded down', secondsAgo: 2.9, age: 2, skew: null },
    { rule: 'zero', secondsAgo: 0, age: 0, skew: null },
    { rule: 'ts in the future → 0', secondsAgo: -12, age: 0, skew: null },
  ])('last_beat_age_s: $rule', async ({ secondsAgo, age, skew }) => {
    const document = await collectAfter({ beats: { 'video-render': { secondsAgo } } });
    expect(worker(document, 'video-render')).toMatchObject({
      alive: true,
      last_beat_age_s: age,
      clock_skew_s: skew,
      heartbeat_error: null,
    });
  });

  it('lists every fleet worker in fleet order, then workers that beat but are not in it', async () => {
    const document = await collectAfter({ beats: { 'zz-extra': {}, 'aa-extra': {} } });
    // The unlisted ones are found by the SCAN pass of the first collection.
    expect(document.workers.map((entry) => [entry.name, entry.in_fleet])).toEqual([
      ['music-render', true],
      ['video-render', true],
      ['image-render', true],
      ['insta-render', true],
      ['task-watcher', true],
      ['ai_trade', true],
      ['aa-extra', false],
      ['zz-extra', false],
    ]);
  });
});
