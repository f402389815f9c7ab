import { HeartbeatSchema } from '@fleet/core/contracts';
import { ScaleSimulator, scaleFleet, scaleWorkerLoad, scaleWorkerName } from '@fleet/simulator';
import { useTestRedis } from '@fleet/testing/vitest';
import { describe, expect, it, vi } from 'vitest';

const db = useTestRedis();

describe('scale mode (--workers N)', () => {
  it('names workers so they sort, and builds their fleet', () => {
    expect(scaleWorkerName(7, 100)).toBe('render-0007');
    expect(scaleWorkerName(7, 12_345)).toBe('render-00007');
    const fleet = scaleFleet(3);
    expect(fleet.workers.map((w) => [w.name, w.kind, w.queue])).toEqual([
      ['render-0001', 'render', 'queue:render-0001'],
      ['render-0002', 'render', 'queue:render-0002'],
      ['render-0003', 'render', 'queue:render-0003'],
    ]);
  });

  it('beats N valid heartbeats, seeds every queue figure, keeps beating, and cleans up', async () => {
    const count = 200;
    const sim = new ScaleSimulator({
      redis: db.redis,
      count,
      beatIntervalMs: 100,
      ttlS: 1,
      consumerId: 'c',
    });
    await sim.start();
    const names = sim.fleet.workers.map((w) => w.name);
    const beats = await db.redis.mget(...names.map((n) => `worker:${n}:heartbeat`));
    beats.forEach((raw, i) => {
      const beat = HeartbeatSchema.parse(JSON.parse(raw as string));
      expect(beat).toMatchObject({
        name: names[i],
        kind: 'render',
        state: scaleWorkerLoad(i + 1).state,
      });
    });
    for (const index of [1, 5, 10, 30, 200]) {
      const name = scaleWorkerName(index, count);
      const load = scaleWorkerLoad(index);
      expect(await db.redis.llen(`queue:${name}`)).toBe(load.queueDepth);
      expect(await db.redis.llen(`dead_letter:queue:${name}`)).toBe(load.deadLetters);
      expect(await db.redis.llen(`processing:queue:${name}:c`)).toBe(load.inFlight);
    }
    // Still alive after several TTLs: the writers keep beating.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await db.redis.exists(...names.map((n) => `worker:${n}:heartbeat`))).toBe(count);

    const deleted = await sim.close({ cleanup: true });
    expect(deleted).toBeGreaterThan(count);
    expect(await db.redis.dbsize()).toBe(0);
    expect(await sim.close({ cleanup: true })).toBe(deleted);
  });

  it('without cleanup, the beats expire by themselves', async () => {
    const sim = new ScaleSimulator({ redis: db.redis, count: 20, beatIntervalMs: 100, ttlS: 1 });
    await sim.start();
    expect(await sim.close({ cleanup: false })).toBe(0);
    await vi.waitFor(async () => expect(await db.redis.keys('worker:*')).toEqual([]), {
      timeout: 3_000,
    });
    await db.redis.flushall();
  });
});
