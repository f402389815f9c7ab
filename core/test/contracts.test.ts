import { readFileSync } from 'node:fs';
import {
  alertingKeys,
  beatAge,
  DEFAULT_FLEET,
  FleetConfigError,
  HeartbeatSchema,
  jsonSchemaFiles,
  type LinkStatus,
  type LinkType,
  linkStatus,
  parseFleet,
  parseHeartbeat,
  parseIsoUtc,
  STATES_BY_KIND,
} from '@fleet/core';
import { describe, expect, it } from 'vitest';

const beat = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: 'image-render',
    kind: 'render',
    state: 'idle',
    ts: '2026-11-26T06:00:00.123456Z',
    last_job_at: null,
    jobs_done: 3,
    jobs_failed: 0,
    ...overrides,
  });

describe('parseHeartbeat', () => {
  it.each(
    Object.entries(STATES_BY_KIND).flatMap(([kind, states]) =>
      states.map((state) => ({ kind, state })),
    ),
  )('accepts $kind in state $state', ({ kind, state }) => {
    expect(parseHeartbeat(beat({ kind, state }))).toMatchObject({ ok: true });
  });

  it('a field a worker adds is no error (the contract is additive)', () => {
    expect(parseHeartbeat(beat({ gpu: 'rtx', mode: 'trading' }))).toMatchObject({
      ok: true,
      fields: { mode: 'trading', jobs_done: 3 },
      errors: [],
    });
  });

  it.each([
    ['not JSON', '{"name":', /not valid JSON/],
    ['a JSON array', '[1,2]', /wrong shape/],
    ['a JSON null', 'null', /wrong shape/],
    ['a 1 MB value', beat({ pad: 'x'.repeat(1024 * 1024) }), /too large/],
  ])('rejects %s as a whole, with a reason', (_case, raw, reason) => {
    const parsed = parseHeartbeat(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(reason);
  });

  it.each([
    ['a missing field', beat({ jobs_done: undefined }), 'jobs_done', /^missing$/],
    ['a string counter', beat({ jobs_done: '3' }), 'jobs_done', /^"3": /],
    ['a negative counter', beat({ jobs_failed: -1 }), 'jobs_failed', /negative/],
    ['a fractional counter', beat({ jobs_done: 1.5 }), 'jobs_done', /whole number/],
    ['a counter of 2^53', beat({ jobs_done: 2 ** 53 }), 'jobs_done', /safe integer/],
    ['an unknown kind', beat({ kind: 'miner' }), 'kind', /"miner"/],
    ['a state of another kind', beat({ state: 'market_open' }), 'state', /"market_open"/],
    ['a state in capitals', beat({ state: 'IDLE' }), 'state', /"IDLE" is not one of/],
    ['a ts without Z', beat({ ts: '2026-11-26T06:00:00' }), 'ts', /ISO-8601/],
    ['a ts with an offset', beat({ ts: '2026-11-26T06:00:00+09:00' }), 'ts', /ISO-8601/],
    ['a ts that is not a date', beat({ ts: 'yesterday' }), 'ts', /ISO-8601/],
    ['a ts on 31 April', beat({ ts: '2026-04-31T06:00:00Z' }), 'ts', /not a date/],
    ['a mode that is a number', beat({ mode: 3 }), 'mode', /^3: /],
  ])('keeps the other fields of %s and names the bad one', (_case, raw, field, reason) => {
    const parsed = parseHeartbeat(raw, { name: 'image-render', kind: 'render' });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.errors).toEqual([{ field, error: expect.stringMatching(reason) }]);
    expect(parsed.fields).toMatchObject({ name: 'image-render', [field]: null });
  });

  it('judges the state by the fleet kind, and names a kind the fleet contradicts', () => {
    const parsed = parseHeartbeat(beat({ kind: 'trader', state: 'market_open' }), {
      name: 'image-render',
      kind: 'render',
    });
    expect(parsed.ok && parsed.errors.map((e) => e.field)).toEqual(['kind', 'state']);
  });

  it('ignores a byte order mark before the JSON', () => {
    expect(parseHeartbeat(`\uFEFF${beat()}`)).toMatchObject({ ok: true, errors: [] });
  });
});

describe('parseIsoUtc: every UTC form of ISO 8601 the contract allows', () => {
  it.each([
    ['2026-12-01T19:27:45Z', '2026-12-01T19:27:45.000Z'],
    ['2026-12-01T19:27:45.5Z', '2026-12-01T19:27:45.500Z'],
    ['2026-12-01T19:27:45,25Z', '2026-12-01T19:27:45.250Z'],
    ['2026-12-01T19:27:45.123456789Z', '2026-12-01T19:27:45.123Z'],
    ['2026-12-01T19:27Z', '2026-12-01T19:27:00.000Z'],
    ['2026-12-01T19:27.5Z', '2026-12-01T19:27:30.000Z'],
    ['2026-12-01T19Z', '2026-12-01T19:00:00.000Z'],
    ['20261201T192745Z', '2026-12-01T19:27:45.000Z'],
    ['20261201T1927Z', '2026-12-01T19:27:00.000Z'],
    ['20261201T192745.5Z', '2026-12-01T19:27:45.500Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(new Date(parseIsoUtc(text) as number).toISOString()).toBe(iso);
    expect(HeartbeatSchema.shape.ts.safeParse(text).success).toBe(true);
  });

  it.each([
    '2026-12-01T19:27:45',
    '2026-12-01T19:27:45+00:00',
    '2026-12-01 19:27:45Z',
    '2026-12-01t19:27:45z',
    '2026-13-01T19:27:45Z',
    '2027-02-29T19:27:45Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T19:60Z',
    '2026-12-01',
    '',
  ])('not %j', (text) => {
    expect(parseIsoUtc(text)).toBeNull();
  });
});

describe('linkStatus (docs/spec.md §3, first match wins)', () => {
  it.each<[LinkType, boolean, string | null, number, LinkStatus]>([
    ['redis-queue', false, null, 0, 'down'],
    ['redis-queue', false, 'paused', 5, 'down'],
    ['redis-queue', true, 'paused', 5, 'paused'],
    ['redis-queue', true, 'busy', 2, 'degraded'],
    ['redis-queue', true, 'idle', 0, 'healthy'],
    ['redis-queue', true, 'busy', 0, 'healthy'],
    ['http-pull', true, 'market_closed', 3, 'healthy'],
    ['http-pull', false, null, 0, 'down'],
  ])('%s alive=%s state=%s dead_letter=%i → %s', (type, alive, state, deadLetter, expected) => {
    const kind = type === 'http-pull' ? 'trader' : 'render';
    expect(linkStatus(type, { alive, kind, state, dead_letter: deadLetter })).toBe(expected);
  });
});

describe('beatAge', () => {
  const now = Date.parse('2026-11-26T06:00:10.000Z');
  it.each([
    ['a beat 3.9 s old', '2026-11-26T06:00:06.100Z', 3],
    ['a beat this instant', '2026-11-26T06:00:10.000Z', 0],
    ['a beat 0.5 s ahead', '2026-11-26T06:00:10.500Z', 0],
    ['a beat 90 s ahead', '2026-11-26T06:01:40.000Z', 0],
  ])('%s', (_case, ts, expected) => {
    expect(beatAge(Date.parse(ts), now)).toBe(expected);
  });
});

describe('parseFleet', () => {
  it('the default fleet is the six workers of docs/spec.md §1 with their links', () => {
    expect(
      DEFAULT_FLEET.workers.map((w) => [
        w.name,
        w.kind,
        w.queue,
        w.link && `${w.link.from}>${w.link.to}:${w.link.type}`,
      ]),
    ).toEqual([
      ['music-render', 'render', 'queue:music-render', 'nas>music-render:redis-queue'],
      ['video-render', 'render', 'queue:video-render', 'nas>video-render:redis-queue'],
      ['image-render', 'render', 'queue:image-render', 'nas>image-render:redis-queue'],
      ['insta-render', 'render', 'queue:insta-render', 'nas>insta-render:redis-queue'],
      ['task-watcher', 'watcher', null, null],
      ['ai_trade', 'trader', null, 'ai_trade>nas-stock:http-pull'],
    ]);
  });

  it.each([
    ['no workers', { workers: [] }, /workers: at least one worker/],
    ['an unknown kind', { workers: [{ name: 'a', kind: 'miner' }] }, /workers\.0\.kind/],
    ['a bad name', { workers: [{ name: 'a b', kind: 'render' }] }, /workers\.0\.name/],
    [
      'an unknown host',
      { workers: [{ name: 'a', kind: 'render', host: 'mac' }] },
      /workers\.0\.host/,
    ],
    [
      'a duplicate name',
      {
        workers: [
          { name: 'a', kind: 'render' },
          { name: 'a', kind: 'trader' },
        ],
      },
      /workers\.1\.name: duplicate worker "a"/,
    ],
    ['a typo in a field', { workers: [{ name: 'a', kind: 'render', queu: 'q' }] }, /queu/],
  ])('rejects %s, naming the field', (_case, input, message) => {
    expect(() => parseFleet(input, 'fleet.yml')).toThrow(FleetConfigError);
    expect(() => parseFleet(input, 'fleet.yml')).toThrow(message);
  });
});

describe('JSON Schema files', () => {
  it.each(Object.entries(jsonSchemaFiles()))(
    'core/schema/%s is the committed output of `npm run schemas -w core`',
    (file, generated) => {
      const committed = readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8');
      expect(committed).toBe(generated);
    },
  );
});

describe('alertingKeys', () => {
  // Called with the widest arguments any builder takes; the extra ones are ignored.
  const keys = Object.entries(alertingKeys).map(([name, build]) => ({
    name,
    key: (build as (...args: unknown[]) => string)('team-a:', 'chat', 7),
  }));

  it.each(keys)('$name is under the prefix (one ACL pattern covers it)', ({ key }) => {
    expect(key.startsWith('team-a:')).toBe(true);
  });

  it('no two builders make the same key', () => {
    expect(new Set(keys.map(({ key }) => key)).size).toBe(keys.length);
  });
});
