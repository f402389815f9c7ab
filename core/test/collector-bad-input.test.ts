import { Collector, DEFAULT_FLEET, StatusDocumentSchema } from '@fleet/core';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { heartbeat, NOW, seedHealthyFleet, useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis(seedHealthyFleet);

const KEY = 'worker:image-render:heartbeat';
const beat = (overrides: Record<string, unknown>, secondsAgo = 3) =>
  heartbeat('image-render', 'render', overrides, secondsAgo);

interface BadInput {
  input: string;
  write: (client: Redis) => Promise<unknown>;
  /** What image-render shows. */
  expected: Record<string, unknown>;
  /** Is it counted as a heartbeat or queue error? */
  counted: 'heartbeat' | 'queue' | 'none';
}

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
      expected: unreadable(/jobs_done/),
      counted: 'heartbeat',
    },
    {
      input: 'a missing field',
      write: (c) => c.set(KEY, beat({ state: undefined })),
      expected: unreadable(/state/),
      counted: 'heartbeat',
    },
    {
      input: 'a state of another kind',
      write: (c) => c.set(KEY, beat({ state: 'market_open' })),
      expected: unreadable(/market_open/),
      counted: 'heartbeat',
    },
    {
      input: 'a kind the fleet file contradicts',
      write: (c) => c.set(KEY, beat({ kind: 'trader', state: 'market_open' })),
      expected: unreadable(/kind "trader" but the fleet file says render/),
      counted: 'heartbeat',
    },
    {
      input: "another worker's name",
      write: (c) => c.set(KEY, beat({ name: 'video-render' })),
      expected: unreadable(/name "video-render" does not match/),
      counted: 'heartbeat',
    },
    {
      input: 'an unparseable ts',
      write: (c) => c.set(KEY, beat({ ts: 'yesterday' })),
      expected: unreadable(/ts/),
      counted: 'heartbeat',
    },
    {
      input: 'a ts without the Z',
      write: (c) => c.set(KEY, beat({ ts: '2026-11-26T06:00:00' })),
      expected: unreadable(/ts/),
      counted: 'heartbeat',
    },
    {
      input: 'a ts in the future',
      write: (c) => c.set(KEY, beat({}, -3600)),
      expected: { alive: true, state: 'idle', last_beat_age_s: 0, clock_skew_s: 3600 },
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
