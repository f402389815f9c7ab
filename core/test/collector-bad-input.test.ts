import { Collector, DEFAULT_FLEET, StatusDocumentSchema } from '@fleet/core';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { heartbeat, NOW, seedHealthyFleet, useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis(seedHealthyFleet);

const KEY = 'worker:image-render:heartbeat';
const beat = (overrides: Record<string, unknown>, secondsAgo = 3) =>
  heartbeat('image-render', 'render', { jobs_done: 7, ...overrides }, secondsAgo);

interface BadInput {
  input: string;
  write: (client: Redis) => Promise<unknown>;
  /** What image-render shows. */
  expected: Record<string, unknown>;
  /** Is it counted as a heartbeat or queue error? */
  counted: 'heartbeat' | 'queue' | 'none';
}

/** One bad field: reported by name, every other field kept (jobs_done 7 is the valid counter). */
const oneFieldBad = (field: string, error: RegExp, kept: Record<string, unknown> = {}) => ({
  alive: true,
  state: 'idle',
  last_beat_age_s: 3,
  jobs_done: 7,
  heartbeat_invalid_fields: [field],
  heartbeat_error: expect.stringMatching(error),
  ...kept,
});

/** A heartbeat whose `ts` is written in another ISO-8601 form: every field is read. */
const readable = (ageS: number) => ({
  alive: true,
  state: 'idle',
  last_beat_age_s: ageS,
  jobs_done: 7,
  heartbeat_invalid_fields: [],
  heartbeat_error: null,
});

const unreadable = (error: RegExp) => ({
  alive: true,
  state: null,
  last_beat_age_s: null,
  heartbeat_error: expect.stringMatching(error),
});

describe('every bad input is reported on its worker and leaves the rest intact', () => {
  it.each<BadInput>([
    {
      input: 'a missing heartbeat key',
      write: (c) => c.del(KEY),
      expected: { alive: false, state: null, heartbeat_error: null },
      counted: 'none',
    },
    {
      input: 'JSON that does not parse',
      write: (c) => c.set(KEY, '{"name": "image-render", '),
      expected: unreadable(/not valid JSON/),
      counted: 'heartbeat',
    },
    {
      input: 'binary garbage',
      write: (c) => c.set(KEY, Buffer.from([0xff, 0xfe, 0x00, 0x81])),
      expected: unreadable(/not valid JSON/),
      counted: 'heartbeat',
    },
    {
      input: 'a JSON array',
      write: (c) => c.set(KEY, '[1,2,3]'),
      expected: unreadable(/wrong shape/),
      counted: 'heartbeat',
    },
    {
      input: 'a JSON string',
      write: (c) => c.set(KEY, '"alive"'),
      expected: unreadable(/wrong shape/),
      counted: 'heartbeat',
    },
    {
      input: 'a counter of the wrong type',
      write: (c) => c.set(KEY, beat({ jobs_done: '12' })),
      expected: oneFieldBad('jobs_done', /^jobs_done: "12": /, { jobs_done: 0 }),
      counted: 'heartbeat',
    },
    {
      input: 'a missing field',
      write: (c) => c.set(KEY, beat({ state: undefined })),
      expected: oneFieldBad('state', /^state: missing$/, { state: null }),
      counted: 'heartbeat',
    },
    {
      input: 'a state of another kind',
      write: (c) => c.set(KEY, beat({ state: 'market_open' })),
      expected: oneFieldBad('state', /"market_open" is not one of idle, busy, paused/, {
        state: null,
      }),
      counted: 'heartbeat',
    },
    {
      input: 'a kind the fleet file contradicts',
      write: (c) => c.set(KEY, beat({ kind: 'trader', state: 'market_open' })),
      expected: {
        ...oneFieldBad('kind', /kind: "trader" but the fleet file says render/, { state: null }),
        kind: 'render',
        heartbeat_invalid_fields: ['kind', 'state'],
      },
      counted: 'heartbeat',
    },
    {
      input: "another worker's name",
      write: (c) => c.set(KEY, beat({ name: 'video-render' })),
      expected: oneFieldBad('name', /^name: "video-render" does not match its key/),
      counted: 'heartbeat',
    },
    {
      input: 'an unparseable ts',
      write: (c) => c.set(KEY, beat({ ts: 'yesterday' })),
      expected: oneFieldBad('ts', /^ts: "yesterday": not a UTC ISO-8601/, {
        last_beat_age_s: null,
        last_beat_at: null,
      }),
      counted: 'heartbeat',
    },
    {
      input: 'a ts without the Z',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T06:00:00' })),
      expected: oneFieldBad('ts', /^ts: /, { last_beat_age_s: null }),
      counted: 'heartbeat',
    },
    {
      input: 'a ts on a day that does not exist',
      write: (c) => c.set(KEY, beat({ ts: '2026-02-30T06:00:00Z' })),
      expected: oneFieldBad('ts', /^ts: "2026-02-30T06:00:00Z": not a date/, {
        last_beat_age_s: null,
      }),
      counted: 'heartbeat',
    },
    {
      input: 'a state in capitals ("IDLE")',
      write: (c) => c.set(KEY, beat({ state: 'IDLE' })),
      expected: oneFieldBad('state', /^state: "IDLE" is not one of idle, busy, paused/, {
        state: null,
      }),
      counted: 'heartbeat',
    },
    {
      input: 'a state with a trailing space ("idle ")',
      write: (c) => c.set(KEY, beat({ state: 'idle ' })),
      expected: oneFieldBad('state', /^state: "idle " is not one of/, { state: null }),
      counted: 'heartbeat',
    },
    {
      input: 'a counter above 2^53 (not a safe integer)',
      write: (c) =>
        c.set(KEY, beat({}).replace('"jobs_failed":0', '"jobs_failed":9007199254740993')),
      expected: oneFieldBad('jobs_failed', /^jobs_failed: 9007199254740992: not a whole number/, {
        jobs_failed: 0,
      }),
      counted: 'heartbeat',
    },
    {
      input: 'two bad fields at once',
      write: (c) => c.set(KEY, beat({ state: 'IDLE', jobs_failed: -1 })),
      expected: {
        ...oneFieldBad('state', /^state: "IDLE" .*; jobs_failed: -1: negative$/, { state: null }),
        heartbeat_invalid_fields: ['state', 'jobs_failed'],
      },
      counted: 'heartbeat',
    },
    {
      input: 'a UTF-8 byte order mark before the JSON',
      write: (c) =>
        c.set(KEY, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(beat({}))])),
      expected: readable(3),
      counted: 'none',
    },
    {
      input: 'a ts of minute precision (2026-11-26T05:59Z)',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T05:59Z' })),
      expected: { ...readable(90), last_beat_at: '2026-11-26T05:59Z' },
      counted: 'none',
    },
    {
      input: 'a ts in basic format (20261126T060027Z)',
      write: (c) => c.set(KEY, beat({ ts: '20261126T060027Z' })),
      expected: readable(3),
      counted: 'none',
    },
    {
      input: 'a ts in basic format with minute precision (20261126T0559Z)',
      write: (c) => c.set(KEY, beat({ ts: '20261126T0559Z' })),
      expected: readable(90),
      counted: 'none',
    },
    {
      input: 'a ts with a comma fraction (2026-11-26T06:00:27,250Z)',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T06:00:27,250Z' })),
      expected: readable(2),
      counted: 'none',
    },
    {
      input: 'a ts with microseconds (2026-11-26T06:00:27.123456Z)',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T06:00:27.123456Z' })),
      expected: readable(2),
      counted: 'none',
    },
    {
      input: 'a ts of hour precision (2026-11-26T05Z)',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T05Z' })),
      expected: readable(3630),
      counted: 'none',
    },
    {
      input: 'a ts in the future',
      write: (c) => c.set(KEY, beat({}, -3600)),
      expected: { alive: true, state: 'idle', last_beat_age_s: 0, heartbeat_error: null },
      counted: 'none',
    },
    {
      input: 'a 1 MB value',
      write: (c) => c.set(KEY, 'x'.repeat(1024 * 1024)),
      expected: unreadable(/^value too large \(over 65536 bytes\)$/),
      counted: 'heartbeat',
    },
    {
      input: 'a value of exactly 64 KiB (the limit)',
      write: (c) => c.set(KEY, 'x'.repeat(64 * 1024)),
      expected: unreadable(/not valid JSON/),
      counted: 'heartbeat',
    },
    {
      input: 'a value one byte over 64 KiB',
      write: (c) => c.set(KEY, 'x'.repeat(64 * 1024 + 1)),
      expected: unreadable(/^value too large/),
      counted: 'heartbeat',
    },
    {
      input: 'a 64 KiB value of multi-byte characters (more bytes than characters)',
      write: (c) => c.set(KEY, '한'.repeat(22 * 1024)),
      expected: unreadable(/^value too large/),
      counted: 'heartbeat',
    },
    {
      input: 'a 1 MB value that starts as valid JSON',
      write: (c) => c.set(KEY, beat({ padding: 'x'.repeat(1024 * 1024) })),
      expected: unreadable(/too large/),
      counted: 'heartbeat',
    },
    {
      input: 'an empty value',
      write: (c) => c.set(KEY, ''),
      expected: { alive: false, state: null, heartbeat_error: null },
      counted: 'none',
    },
    {
      input: 'a heartbeat key that is a list (WRONGTYPE)',
      write: async (c) => {
        await c.del(KEY);
        await c.rpush(KEY, 'a');
      },
      expected: { alive: false, state: null, heartbeat_error: expect.stringMatching(/WRONGTYPE/) },
      counted: 'heartbeat',
    },
    {
      input: 'a heartbeat key that is a hash (WRONGTYPE)',
      write: async (c) => {
        await c.del(KEY);
        await c.hset(KEY, 'name', 'image-render');
      },
      expected: { alive: false, heartbeat_error: expect.stringMatching(/WRONGTYPE/) },
      counted: 'heartbeat',
    },
    {
      input: 'a queue key that is a string (WRONGTYPE)',
      write: (c) => c.set('queue:image-render', 'oops'),
      expected: {
        alive: true,
        state: 'idle',
        queue_depth: 0,
        queue_error: expect.stringMatching(/^queue:image-render: WRONGTYPE/),
      },
      counted: 'queue',
    },
    {
      input: 'a dead-letter key that is a hash (WRONGTYPE)',
      write: (c) => c.hset('dead_letter:queue:image-render', 'a', '1'),
      expected: {
        alive: true,
        dead_letter: 0,
        queue_error: expect.stringMatching(/^dead_letter:queue:image-render: WRONGTYPE/),
      },
      counted: 'queue',
    },
    {
      input: 'a processing key that is a set (WRONGTYPE)',
      write: async (c) => {
        await c.rpush('processing:queue:image-render:pc-1', 'job');
        await c.sadd('processing:queue:image-render:pc-2', 'job');
      },
      expected: {
        processing: 1,
        queue_error: expect.stringMatching(/^processing:queue:image-render:pc-2: WRONGTYPE/),
      },
      counted: 'queue',
    },
  ])('$input', async ({ write, expected, counted }) => {
    await write(db.seeder);
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    const { document, stats, totals } = await collector.collectSnapshot();
    await collector.close();

    expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
    expect(document.redis_ok).toBe(true);
    expect(document.workers.find((w) => w.name === 'image-render')).toMatchObject(expected);
    for (const other of document.workers.filter((w) => w.name !== 'image-render')) {
      expect(other).toMatchObject({ alive: true, heartbeat_error: null, queue_error: null });
    }
    expect(document.links.filter((l) => l.worker !== 'image-render').map((l) => l.status)).toEqual([
      'healthy',
      'healthy',
      'healthy',
      'healthy',
    ]);
    expect({ heartbeat: stats.heartbeatErrors, queue: stats.queueErrors }).toEqual({
      heartbeat: counted === 'heartbeat' ? 1 : 0,
      queue: counted === 'queue' ? 1 : 0,
    });
    expect(totals.errors).toBe(counted === 'none' ? 0 : 1);
    if (counted === 'heartbeat')
      expect(totals.heartbeatErrorsByWorker).toEqual({ 'image-render': 1 });
    if (counted === 'queue') expect(totals.queueErrorsByWorker).toEqual({ 'image-render': 1 });
  });

  it('never transfers a 1 MB heartbeat whole', async () => {
    await db.seeder.set(KEY, 'x'.repeat(1024 * 1024));
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    await collector.collect();
    const outputBytes = async () =>
      Number(/total_net_output_bytes:(\d+)/.exec(await db.seeder.info('stats'))?.[1]);
    const before = await outputBytes();
    await collector.collect();
    const sent = (await outputBytes()) - before;
    await collector.close();
    expect(sent).toBeGreaterThan(64 * 1024); // the capped GETRANGE is read…
    expect(sent).toBeLessThan(200 * 1024); // …but never the megabyte
  });

  it('a queue:paused of the wrong type reads as not paused and is reported', async () => {
    await db.seeder.rpush('queue:paused', '1');
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    const { document, stats, totals } = await collector.collectSnapshot();
    await collector.close();
    expect(document).toMatchObject({ redis_ok: true, paused: false });
    expect(stats.pausedError).toMatch(/^queue:paused: WRONGTYPE/);
    expect(totals.errors).toBe(1);
    expect(document.workers.every((w) => w.alive && w.heartbeat_error === null)).toBe(true);
  });

  it('keeps counting an error on every collection it persists', async () => {
    await db.seeder.set(KEY, 'nope');
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    await collector.collect();
    await collector.collect();
    const { totals } = await collector.collectSnapshot();
    await collector.close();
    expect(totals).toMatchObject({ errors: 3, heartbeatErrorsByWorker: { 'image-render': 3 } });
  });
});
