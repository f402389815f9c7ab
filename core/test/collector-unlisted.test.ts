import { Collector, DEFAULT_FLEET, StatusDocumentSchema } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis();

function beat(name: string, kind = 'render', state = 'idle'): string {
  return JSON.stringify({
    name,
    kind,
    state,
    ts: new Date().toISOString(),
    last_job_at: null,
    jobs_done: 0,
    jobs_failed: 0,
  });
}

function monitor(options: Record<string, number> = {}) {
  let advanceMs = 0;
  const collector = new Collector({
    redis: db.redis,
    fleet: DEFAULT_FLEET,
    now: () => Date.now() + advanceMs,
    scanInlineMaxKeys: 100_000,
    scanKeyCap: 100_000,
    // 50,000 keys scanned inside one collection, on a loaded machine.
    collectTimeoutMs: 30_000,
    scanDeadlineMs: 30_000,
    ...options,
  });
  return {
    collector,
    advance: (seconds: number) => {
      advanceMs += seconds * 1000;
    },
    collect: async () => {
      const document = await collector.collect();
      expect(StatusDocumentSchema.safeParse(document).success).toBe(true);
      return { document, unlisted: document.workers.filter((w) => !w.in_fleet) };
    },
  };
}

describe('workers that beat without being in the fleet file', () => {
  it('50,000 junk keys deleted: a new real worker appears at once, the junk goes after the forget time', {
    timeout: 60_000,
  }, async () => {
    for (let start = 0; start < 50_000; start += 5000) {
      const pipeline = db.seeder.pipeline();
      for (let i = start; i < start + 5000; i += 1) {
        pipeline.set(`worker:junk-${i}:heartbeat`, 'junk', 'EX', 600);
      }
      await pipeline.exec();
    }
    const m = monitor();
    const flooded = await m.collect();
    expect(flooded.unlisted).toHaveLength(1000);
    expect(flooded.document.unlisted_workers).toMatchObject({
      count: 1000,
      limit: 1000,
      forget_after_s: 3600,
      dropped: { too_many: 49_000, too_long: 0, unshowable: 0 },
    });

    await db.seeder.flushall();
    m.advance(60);
    expect((await m.collect()).unlisted.every((w) => !w.alive)).toBe(true);

    await db.seeder.set('worker:gpu-new:heartbeat', beat('gpu-new'), 'EX', 45);
    m.advance(15);
    const arrived = await m.collect();
    expect(arrived.unlisted.find((w) => w.name === 'gpu-new')).toMatchObject({
      alive: true,
      state: 'idle',
      in_fleet: false,
    });
    expect(arrived.document.unlisted_workers).toMatchObject({
      count: 1000,
      forgotten: 1,
      dropped: { too_many: 0 },
    });

    m.advance(3600);
    await db.seeder.set('worker:gpu-new:heartbeat', beat('gpu-new'), 'EX', 45);
    const forgotten = await m.collect();
    await m.collector.close();
    expect(forgotten.unlisted.map((w) => w.name)).toEqual(['gpu-new']);
    expect(forgotten.document.unlisted_workers).toMatchObject({ count: 1, forgotten: 1000 });
  });

  it('names over 200 bytes, and names that cannot be shown, are counted and reported, not shown', async () => {
    const long = 'n'.repeat(201);
    const longest = 'm'.repeat(200);
    const key = (name: Buffer | string) =>
      Buffer.concat([Buffer.from('worker:'), Buffer.from(name), Buffer.from(':heartbeat')]);
    for (const name of [
      long,
      longest,
      'line\nbreak',
      'para\u2029graph',
      'esc\u001b[31m',
      Buffer.from([0x62, 0x61, 0x64, 0xff]),
    ]) {
      await db.seeder.set(key(name), beat(String(name)), 'EX', 45);
    }
    const m = monitor();
    const { document, unlisted } = await m.collect();
    await m.collector.close();
    expect(unlisted.map((w) => w.name)).toEqual([longest]);
    expect(document.unlisted_workers.dropped).toEqual({
      too_many: 0,
      too_long: 1,
      unshowable: 4,
    });
    expect([...document.unlisted_workers.unshowable_names].sort()).toEqual(
      ['bad\\xff', 'esc\\u001b[31m', 'line\\u000abreak', 'para\\u2029graph'].sort(),
    );
  });

  it('an unlisted render worker has its queue read at queue:<name>, a trader none', async () => {
    await db.seeder.set('worker:gpu-7:heartbeat', beat('gpu-7'), 'EX', 45);
    await db.seeder.set('worker:bot-2:heartbeat', beat('bot-2', 'trader', 'market_open'), 'EX', 45);
    await db.seeder.rpush('queue:gpu-7', 'a', 'b', 'c', 'd', 'e');
    await db.seeder.rpush('dead_letter:queue:gpu-7', 'x');
    await db.seeder.rpush('processing:queue:gpu-7:pc-1', 'j');
    const m = monitor();
    const { unlisted } = await m.collect();
    await m.collector.close();
    expect(unlisted).toEqual([
      expect.objectContaining({ name: 'bot-2', kind: 'trader', queue: null, queue_depth: 0 }),
      expect.objectContaining({
        name: 'gpu-7',
        kind: 'render',
        queue: 'queue:gpu-7',
        queue_depth: 5,
        dead_letter: 1,
        processing: 1,
      }),
    ]);
  });
});
