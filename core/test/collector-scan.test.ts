import { Collector, DEFAULT_FLEET, SCAN_MATCH } from '@fleet/core';
import { commandStats } from '@fleet/testing';
import { describe, expect, it } from 'vitest';
import { heartbeat, NOW, seedHealthyFleet, useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis(seedHealthyFleet);

/** Unrelated keys, written fast in one pipeline. */
async function fillUnrelated(count: number): Promise<void> {
  const pipeline = db.seeder.pipeline();
  for (let i = 0; i < count; i += 500) {
    const pairs = Array.from({ length: Math.min(500, count - i) }, (_, j) => [
      `other:${i + j}`,
      'v',
    ]);
    pipeline.mset(...pairs.flat());
  }
  await pipeline.exec();
}

/** Collects until `done` holds, as a poller would (background work settles between calls). */
async function collectUntil(
  collector: Collector,
  done: (c: Awaited<ReturnType<Collector['collectSnapshot']>>) => boolean,
) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const snapshot = await collector.collectSnapshot();
    if (done(snapshot)) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('the SCAN pass', () => {
  it('one glob matches every processing and heartbeat key, and trims most others', async () => {
    const wanted = ['processing:queue:a:pc-1', 'worker:x:heartbeat', 'worker:y:z:heartbeat'];
    const others = ['queue:a', 'dead_letter:queue:a', 'proc', 'wor', 'job:processing:1'];
    await db.seeder.mset(...[...wanted, ...others].flatMap((key) => [key, '1']));
    const [, keys] = await db.seeder.scan('0', 'MATCH', SCAN_MATCH, 'COUNT', 10_000);
    expect(
      keys.filter((key) => !key.endsWith(':heartbeat') || wanted.includes(key)).sort(),
    ).toEqual([...wanted].sort());
  });

  it('sums every processing list of a worker queue, and ignores queues outside the fleet', async () => {
    await db.seeder.rpush('processing:queue:music-render:pc-1', 'a', 'b');
    await db.seeder.rpush('processing:queue:music-render:pc-2:thread-7', 'c', 'd', 'e');
    await db.seeder.rpush('processing:queue:unknown:pc-1', 'x');
    await db.seeder.rpush('processing:queue:video-render:pc-1', 'f');
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    const document = await collector.collect();
    await collector.close();
    const processing = Object.fromEntries(document.workers.map((w) => [w.name, w.processing]));
    expect(processing).toMatchObject({ 'music-render': 5, 'video-render': 1, 'image-render': 0 });
    expect(document.scan).toMatchObject({ complete: true, stopped_by: null, age_s: 0 });
  });

  it('reads everything in one pipelined round trip plus one SCAN call, never KEYS or GET', async () => {
    await db.seeder.rpush('processing:queue:music-render:pc-1', 'a');
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => NOW });
    await collector.collect(); // the first collection also measures the keyspace once
    await db.seeder.config('RESETSTAT');
    const { stats } = await collector.collectSnapshot();
    const counted = await commandStats(db.seeder);
    await collector.close();
    delete counted['config|resetstat'];
    expect(stats.roundTrips).toBe(2);
    expect(counted).toEqual({
      scan: 1,
      dbsize: 1,
      time: 1, // Redis's clock, to tell skew from staleness
      info: 1, // evictions and the maxmemory policy
      getrange: 7, // six heartbeats + queue:paused
      llen: 9, // four queues, four dead-letter lists, one processing list
      lindex: 1, // the oldest item of the processing list, to see it move
    });
    expect(stats.commands).toBe(Object.values(counted).reduce((a, b) => a + b, 0));
  });

  it('shows a worker that beats but is not in the fleet, and keeps it as dead once it stops', async () => {
    await db.seeder.set(
      'worker:gpu-9:heartbeat',
      heartbeat('gpu-9', 'trader', { state: 'market_closed' }),
      'EX',
      45,
    );
    let now = NOW;
    const collector = new Collector({ redis: db.redis, fleet: DEFAULT_FLEET, now: () => now });
    const first = await collector.collect();
    expect(first.workers.at(-1)).toMatchObject({
      name: 'gpu-9',
      kind: 'trader',
      in_fleet: false,
      alive: true,
      state: 'market_closed',
      host: 'windows',
      queue: null,
    });
    expect(first.links.some((l) => l.worker === 'gpu-9')).toBe(false);

    await db.seeder.del('worker:gpu-9:heartbeat', 'worker:music-render:heartbeat');
    now += 60_000;
    const later = await collector.collect();
    await collector.close();
    expect(later.workers.at(-1)).toMatchObject({
      name: 'gpu-9',
      kind: 'trader',
      alive: false,
      state: null,
    });
    // A fleet worker that died keeps the time of its last beat (for "last beat Ns ago").
    expect(later.workers[0]).toMatchObject({
      name: 'music-render',
      alive: false,
      last_beat_age_s: null,
      last_beat_at: '2026-11-26T06:00:27.000Z',
    });
  });

  it('stops at its deadline and says so', async () => {
    await fillUnrelated(2000);
    const collector = new Collector({
      redis: db.redis,
      fleet: DEFAULT_FLEET,
      now: () => NOW,
      scanCount: 10,
      scanDeadlineMs: 0,
    });
    const { document, totals } = await collector.collectSnapshot();
    await collector.close();
    expect(document.redis_ok).toBe(true);
    expect(document.scan).toMatchObject({ complete: false, stopped_by: 'deadline' });
    expect(totals.incompleteScanPasses).toBe(1);
  });

  it('stops at its key cap and says so', async () => {
    for (let i = 0; i < 30; i += 1)
      await db.seeder.rpush(`processing:queue:image-render:pc-${i}`, 'j');
    const collector = new Collector({
      redis: db.redis,
      fleet: DEFAULT_FLEET,
      now: () => NOW,
      scanCount: 5,
      scanKeyCap: 10,
    });
    const { document } = await collector.collectSnapshot();
    await collector.close();
    expect(document.scan).toMatchObject({ complete: false, stopped_by: 'key_cap' });
    expect(document.scan?.keys_scanned).toBeGreaterThanOrEqual(10);
    expect(document.scan?.keys_scanned).toBeLessThan(36);
  });

  it('on a large keyspace runs in the background on its own cadence; heartbeats stay fresh', async () => {
    await fillUnrelated(300);
    await db.seeder.rpush('processing:queue:image-render:pc-1', 'a');
    let now = NOW;
    const collector = new Collector({
      redis: db.redis,
      fleet: DEFAULT_FLEET,
      now: () => now,
      scanInlineMaxKeys: 100,
      scanIntervalMs: 30_000,
    });
    const first = await collector.collectSnapshot();
    // No pass has finished yet: the document says so rather than wait for one.
    expect(first.document.scan).toBeNull();
    expect(first.stats.roundTrips).toBe(2); // DBSIZE once, then the pipeline

    const scanned = await collectUntil(collector, (s) => s.document.scan !== null);
    expect(scanned.document.workers.find((w) => w.name === 'image-render')?.processing).toBe(1);

    // Between passes a collection is the pipeline alone, and still sees new heartbeats and lists.
    await db.seeder.rpush('processing:queue:image-render:pc-1', 'b');
    await db.seeder.rpush('processing:queue:image-render:pc-2', 'c');
    await db.seeder.del('worker:ai_trade:heartbeat');
    now += 20_000;
    const between = await collector.collectSnapshot();
    expect(between.stats.roundTrips).toBe(1);
    expect(between.document.scan?.age_s).toBe(20);
    expect(between.document.workers.find((w) => w.name === 'ai_trade')?.alive).toBe(false);
    // pc-2 is new: the next pass finds it.
    expect(between.document.workers.find((w) => w.name === 'image-render')?.processing).toBe(2);

    now += 15_000;
    const rescanned = await collectUntil(collector, (s) => s.document.scan?.age_s === 0);
    await collector.close();
    expect(rescanned.document.workers.find((w) => w.name === 'image-render')?.processing).toBe(3);
    expect(rescanned.totals.scanPasses).toBe(2);
  });
});
