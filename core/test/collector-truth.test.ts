import { Collector, DEFAULT_FLEET, parseFleet, StatusDocumentSchema } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { useCollectorRedis } from './fixtures.js';

// These tests compare the heartbeat `ts` with Redis's own clock (TIME), so beats are written in
// real time; the monitor's clock is real time plus `advance`, moved forward to skip waiting.
const db = useCollectorRedis();

const KEY = 'worker:image-render:heartbeat';

function beat(tsMs: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'image-render',
    kind: 'render',
    state: 'idle',
    ts: new Date(tsMs).toISOString(),
    last_job_at: null,
    jobs_done: 5,
    jobs_failed: 0,
    ...overrides,
  });
}

function monitor(fleet = DEFAULT_FLEET, options: Record<string, number> = {}) {
  let advanceMs = 0;
  const collector = new Collector({
    redis: db.redis,
    fleet,
    now: () => Date.now() + advanceMs,
    ...options,
  });
  return {
    collector,
    advance: (seconds: number) => {
      advanceMs += seconds * 1000;
    },
    /** Monitor time now. */
    at: () => Date.now() + advanceMs,
    image: async () => {
      const document = await collector.collect();
      expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
      return {
        document,
        worker: document.workers.find((w) => w.name === 'image-render'),
        link: document.links.find((l) => l.worker === 'image-render'),
      };
    },
  };
}

describe('stale heartbeats and clock skew', () => {
  it('a key without TTL whose ts stops moving is stale after 3 TTLs, still alive (SPEC §2)', async () => {
    await db.seeder.set(KEY, beat(Date.now())); // no EX: a worker that forgot it
    const m = monitor();
    const first = await m.image();
    expect(first.worker).toMatchObject({ alive: true, heartbeat_stale: false, clock_skew_s: null });
    const seenAt = first.worker?.last_beat_seen_at;
    expect(Math.abs(Date.parse(seenAt as string) - Date.now())).toBeLessThan(5000);

    m.advance(120);
    expect((await m.image()).worker?.heartbeat_stale).toBe(false);
    m.advance(16);
    const stale = await m.image();
    await m.collector.close();
    expect(stale.document.heartbeat_stale_after_s).toBe(135);
    expect(stale.worker).toMatchObject({
      alive: true,
      state: 'idle',
      heartbeat_stale: true,
      clock_skew_s: null,
      last_beat_seen_at: seenAt,
    });
    // The locked link rule knows only `alive`; consumers read heartbeat_stale beside it.
    expect(stale.link?.status).toBe('healthy');
  });

  it('just after start, an old ts that stays put for a TTL is stale (no EX 45 key can)', async () => {
    await db.seeder.set(KEY, beat(Date.now() - 3_600_000));
    await db.seeder.persist(KEY);
    const m = monitor();
    expect((await m.image()).worker?.heartbeat_stale).toBe(false); // stale, or a slow clock?
    m.advance(46);
    const { worker } = await m.image();
    await m.collector.close();
    expect(worker).toMatchObject({ heartbeat_stale: true, clock_skew_s: null });
  });

  it('a clock ten minutes behind: ts moves with every beat, far behind TIME → negative skew', async () => {
    const behindMs = 600_000;
    await db.seeder.set(KEY, beat(Date.now() - behindMs), 'EX', 45);
    const m = monitor();
    expect((await m.image()).worker).toMatchObject({ heartbeat_stale: false, clock_skew_s: null });
    for (let i = 0; i < 12; i += 1) {
      m.advance(15);
      await db.seeder.set(KEY, beat(Date.now() - behindMs + i), 'EX', 45);
      const { worker } = await m.image();
      expect(worker).toMatchObject({ alive: true, heartbeat_stale: false });
      expect(worker?.clock_skew_s).toBeGreaterThanOrEqual(-601);
      expect(worker?.clock_skew_s).toBeLessThanOrEqual(-599);
    }
    await m.collector.close();
  });

  it('a clock running ahead → positive skew; the age stays 0, never negative', async () => {
    await db.seeder.set(KEY, beat(Date.now() + 90_000), 'EX', 45);
    const m = monitor();
    const { worker } = await m.image();
    await m.collector.close();
    expect(worker?.last_beat_age_s).toBe(0);
    expect(worker?.clock_skew_s).toBeGreaterThanOrEqual(88);
    expect(worker?.clock_skew_s).toBeLessThanOrEqual(90);
  });

  it('a healthy worker is neither stale nor skewed, and last_beat_seen_at follows each new ts', async () => {
    const m = monitor();
    const seen: (string | null | undefined)[] = [];
    for (let i = 0; i < 4; i += 1) {
      await db.seeder.set(KEY, beat(Date.now() - 2000 + i), 'EX', 45);
      const { worker } = await m.image();
      expect(worker).toMatchObject({ heartbeat_stale: false, clock_skew_s: null });
      seen.push(worker?.last_beat_seen_at);
      m.advance(60);
    }
    await m.collector.close();
    expect(new Set(seen).size).toBe(4);
  });
});

describe('a job that never ends', () => {
  const fleet = parseFleet({
    workers: [{ name: 'image-render', kind: 'render', stuck_after_s: 60 }],
  });

  it('busy past stuck_after_s with jobs_done/jobs_failed unchanged → job_stuck, until a counter moves', async () => {
    const m = monitor(fleet);
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    const start = await m.image();
    const busySince = start.worker?.busy_since;
    expect(start.worker).toMatchObject({ job_stuck: false, stuck_after_s: 60, stuck_since: null });
    expect(busySince).not.toBeNull();
    m.advance(59);
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    expect((await m.image()).worker?.job_stuck).toBe(false);
    m.advance(2);
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    expect((await m.image()).worker).toMatchObject({
      job_stuck: true,
      busy_since: busySince,
      stuck_since: busySince,
    });
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy', jobs_done: 6 }), 'EX', 45);
    expect((await m.image()).worker).toMatchObject({ job_stuck: false, busy_since: busySince });
    await db.seeder.set(KEY, beat(Date.now(), { state: 'idle', jobs_done: 6 }), 'EX', 45);
    expect((await m.image()).worker).toMatchObject({ job_stuck: false, busy_since: null });
    await m.collector.close();
  });

  it('an in-flight list unchanged past stuck_after_s → job_stuck, whatever the state says', async () => {
    const m = monitor(fleet);
    await db.seeder.set(KEY, beat(Date.now()), 'EX', 45);
    await db.seeder.lpush('processing:queue:image-render:pc-1', 'job-1');
    expect((await m.image()).worker).toMatchObject({ processing: 1, job_stuck: false });
    m.advance(61);
    await db.seeder.set(KEY, beat(Date.now()), 'EX', 45);
    const stuck = await m.image();
    expect(stuck.worker).toMatchObject({ state: 'idle', job_stuck: true });
    // The job finishes and the next one starts: the list moved.
    await db.seeder.lpush('processing:queue:image-render:pc-1', 'job-2');
    await db.seeder.lrem('processing:queue:image-render:pc-1', 1, 'job-1');
    expect((await m.image()).worker).toMatchObject({ processing: 1, job_stuck: false });
    await m.collector.close();
  });

  it('the default threshold is 30 minutes', async () => {
    const m = monitor();
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    await m.image();
    m.advance(29 * 60);
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    expect((await m.image()).worker).toMatchObject({ job_stuck: false, stuck_after_s: 1800 });
    m.advance(61);
    await db.seeder.set(KEY, beat(Date.now(), { state: 'busy' }), 'EX', 45);
    expect((await m.image()).worker?.job_stuck).toBe(true);
    await m.collector.close();
  });
});

describe('in-flight lists are counted by their bytes', () => {
  it('14 lists, 6 of them with a consumer id that is not UTF-8 → processing 14', async () => {
    const prefix = Buffer.from('processing:queue:image-render:');
    const ids = [
      ...['pc-1', 'pc-2', 'pc-3', 'gpu-0', 'gpu-1', '서버', 'ü', 'pc 9'].map((id) =>
        Buffer.from(id),
      ),
      ...[[0xff], [0xfe], [0x80], [0xc3], [0xed, 0xa0, 0x80], [0x70, 0xff]].map((b) =>
        Buffer.from(b),
      ),
    ];
    for (const id of ids) await db.seeder.rpush(Buffer.concat([prefix, id]), 'job');
    const m = monitor();
    const { worker } = await m.image();
    await m.collector.close();
    expect(ids).toHaveLength(14);
    expect(worker).toMatchObject({ processing: 14, queue_error: null });
  });
});
