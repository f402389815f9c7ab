import {
  alertingKeys,
  Collector,
  DEFAULT_ALERT_KEY_PREFIX,
  parseFleet,
  parseSilences,
  StatusDocumentSchema,
  silencedUntil,
} from '@fleet/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NOW, seedHealthyFleet, useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis(seedHealthyFleet);
const KEY = alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX);
const MAINTENANCE_KEY = alertingKeys.maintenance(DEFAULT_ALERT_KEY_PREFIX);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const fleet = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render', host: 'nas' },
    { name: 'video-render', kind: 'render' },
    { name: 'ai_trade', kind: 'trader' },
  ],
});

describe('parseSilences', () => {
  it.each<{ hash: Record<string, string>; silences: Record<string, number>; invalid: string[] }>([
    { hash: {}, silences: {}, invalid: [] },
    { hash: { a: String(NOW) }, silences: { a: NOW }, invalid: [] },
    { hash: { a: '', b: 'soon', c: '1e400' }, silences: {}, invalid: ['a', 'b', 'c'] },
    // Beyond what a Date holds: it could not be shown as a time.
    { hash: { a: '9e15' }, silences: {}, invalid: ['a'] },
  ])('$hash → $silences, invalid $invalid', ({ hash, silences, invalid }) => {
    expect(parseSilences(hash)).toEqual({ silences, invalid });
  });
});

describe('silencedUntil', () => {
  it.each<{ silences: Record<string, number>; until: number | null }>([
    { silences: {}, until: null },
    { silences: { w: NOW + HOUR }, until: NOW + HOUR },
    { silences: { w: NOW }, until: null }, // ends now: over
    { silences: { w: NOW - 1 }, until: null },
    { silences: { other: NOW + HOUR }, until: null },
    { silences: { all: NOW + HOUR }, until: NOW + HOUR },
    { silences: { w: NOW + HOUR, all: NOW + 2 * HOUR }, until: NOW + 2 * HOUR },
    { silences: { w: NOW + 2 * HOUR, all: NOW + HOUR }, until: NOW + 2 * HOUR },
    { silences: { w: NOW - 1, all: NOW + HOUR }, until: NOW + HOUR },
  ])('$silences → $until', ({ silences, until }) => {
    expect(silencedUntil('w', silences, NOW)).toBe(until);
  });
});

describe('silences in the status document', () => {
  it('reads the hash in the same pipeline as the maintenance hash, and never writes it', async () => {
    await db.seeder.hset(KEY, 'video-render', String(NOW + HOUR), 'ai_trade', String(NOW - 1));
    const collector = new Collector({
      redis: db.redis,
      fleet,
      now: () => NOW,
      maintenanceKey: MAINTENANCE_KEY,
      silencesKey: KEY,
    });
    const { document, stats } = await collector.collectSnapshot();
    await collector.close();
    const without = new Collector({
      redis: db.redis,
      fleet,
      now: () => NOW,
      maintenanceKey: MAINTENANCE_KEY,
    });
    const before = (await without.collectSnapshot()).stats;
    await without.close();
    expect(StatusDocumentSchema.parse(document)).toEqual(document);
    expect(document.workers.map((w) => [w.name, w.silenced_until])).toEqual([
      ['music-render', null],
      ['video-render', iso(NOW + HOUR)],
      ['ai_trade', null], // expired: ignored
      ['image-render', null],
      ['insta-render', null],
      ['task-watcher', null],
    ]);
    expect(stats.silencesError).toBeNull();
    // One HGETALL in the same pipeline: no round trip of its own.
    expect([stats.commands - before.commands, stats.roundTrips]).toEqual([1, before.roundTrips]);
    // Read-only: the expired entry is the alerting service's to remove.
    expect(await db.seeder.hgetall(KEY)).toEqual({
      'video-render': String(NOW + HOUR),
      ai_trade: String(NOW - 1),
    });
  });

  it('`all` covers every worker, unlisted ones too, and ends with the clock', async () => {
    await db.seeder.hset(KEY, 'all', String(NOW + HOUR), 'music-render', String(NOW + 2 * HOUR));
    let now = NOW;
    const collector = new Collector({ redis: db.redis, fleet, now: () => now, silencesKey: KEY });
    const first = await collector.collect();
    expect(first.workers.map((w) => w.silenced_until)).toEqual([
      iso(NOW + 2 * HOUR),
      ...Array(5).fill(iso(NOW + HOUR)),
    ]);
    now = NOW + HOUR;
    const later = await collector.collect();
    await collector.close();
    expect(later.workers.map((w) => w.silenced_until)).toEqual([
      iso(NOW + 2 * HOUR),
      ...Array(5).fill(null),
    ]);
  });

  it('reads no hash without a key', async () => {
    await db.seeder.hset(KEY, 'all', String(NOW + HOUR));
    const collector = new Collector({ redis: db.redis, fleet, now: () => NOW });
    const { document, stats } = await collector.collectSnapshot();
    await collector.close();
    expect(document.workers.every((w) => w.silenced_until === null)).toBe(true);
    expect(stats.silencesError).toBeNull();
  });

  it('an unreadable hash is a logged problem that keeps the last silences, not a failed collection', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    await db.seeder.hset(KEY, 'video-render', String(NOW + HOUR), 'music-render', 'soon');
    const collector = new Collector({
      redis: db.redis,
      fleet,
      now: () => NOW,
      silencesKey: KEY,
      logger,
    });
    const bad = await collector.collectSnapshot();
    expect(bad.stats.silencesError).toBe('unreadable silences: music-render');
    expect(bad.document.workers[1]?.silenced_until).toBe(iso(NOW + HOUR));

    await db.seeder.del(KEY);
    await db.seeder.set(KEY, 'not a hash');
    const wrong = await collector.collectSnapshot();
    expect(wrong.document.redis_ok).toBe(true);
    expect(wrong.stats.silencesError).toMatch(/^WRONGTYPE/);
    expect(wrong.document.workers[1]?.silenced_until).toBe(iso(NOW + HOUR));
    expect(wrong.totals.errors - bad.totals.errors).toBe(1);

    await db.seeder.del(KEY);
    const fixed = await collector.collectSnapshot();
    await collector.close();
    expect(fixed.stats.silencesError).toBeNull();
    expect(fixed.document.workers[1]?.silenced_until).toBeNull();
    const problems = lines
      .map((line) => JSON.parse(line) as { worker?: string; error?: string; msg: string })
      .filter((line) => line.worker === KEY)
      .map(({ msg, error }) => [msg, error?.replace(/ .*/s, '')]);
    expect(problems).toEqual([
      ['unreadable input', 'unreadable'],
      ['unreadable input', 'WRONGTYPE'],
      ['input readable again', undefined],
    ]);
  });
});
