import { HeartbeatSchema, STATES_BY_KIND, type WorkerKind } from '@fleet/core/contracts';
import { HeartbeatWriter, HeartbeatWriterError } from '@fleet/simulator';
import { commandStats, TestRedisServer } from '@fleet/testing';
import { useTestRedis } from '@fleet/testing/vitest';
import { describe, expect, it, vi } from 'vitest';

const T0 = Date.parse('2026-11-26T06:00:00.000Z');
const KEY = 'worker:w:heartbeat';

const db = useTestRedis();

async function storedBeat() {
  const raw = await db.redis.get(KEY);
  expect(raw, `${KEY} should exist`).not.toBeNull();
  return HeartbeatSchema.parse(JSON.parse(raw as string));
}

const everyKindAndState = Object.entries(STATES_BY_KIND).flatMap(([kind, states]) =>
  states.map((state) => ({ kind: kind as WorkerKind, state })),
);

describe('HeartbeatWriter payload (docs/spec.md §1)', () => {
  it.each(everyKindAndState)(
    'writes a schema-valid $kind beat in state $state with EX 45',
    async ({ kind, state }) => {
      let now = T0;
      const writer = new HeartbeatWriter({
        redis: db.redis,
        name: 'w',
        kind,
        state,
        mode: kind === 'watcher' ? 'trading' : undefined,
        now: () => now,
      });
      writer.recordJob(true);
      now += 1_500;
      writer.recordJob(false);
      now += 1_000;
      await db.redis.config('RESETSTAT');
      await writer.beatNow();

      const raw = JSON.parse((await db.redis.get(KEY)) as string);
      expect(HeartbeatSchema.safeParse(raw).success).toBe(true);
      expect(raw).toEqual({
        name: 'w',
        kind,
        state,
        ts: '2026-11-26T06:00:02.500Z',
        last_job_at: '2026-11-26T06:00:01.500Z',
        jobs_done: 1,
        jobs_failed: 1,
        ...(kind === 'watcher' ? { mode: 'trading' } : {}),
      });
      // One atomic SET ... EX 45: no separate EXPIRE a crash could skip.
      const pttl = await db.redis.pttl(KEY);
      expect(pttl).toBeGreaterThan(44_000);
      expect(pttl).toBeLessThanOrEqual(45_000);
      const stats = await commandStats(db.redis);
      expect(stats.set).toBe(1);
      expect(stats.expire ?? 0).toBe(0);
      await writer.close();
    },
  );

  it('defaults to the contract schedule: every 15 s, EX 45', () => {
    const writer = new HeartbeatWriter({
      redis: db.redis,
      name: 'w',
      kind: 'render',
      state: 'idle',
    });
    expect(writer.intervalMs).toBe(15_000);
    expect(writer.ttlS).toBe(45);
    expect(writer.key).toBe(KEY);
  });

  it('starts with zero counters and a null last_job_at; ts is UTC ending in Z', async () => {
    const writer = new HeartbeatWriter({
      redis: db.redis,
      name: 'w',
      kind: 'trader',
      state: 'market_closed',
    });
    await writer.beatNow();
    const beat = await storedBeat();
    expect(beat).toMatchObject({ jobs_done: 0, jobs_failed: 0, last_job_at: null });
    expect(beat.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(beat).not.toHaveProperty('mode');
  });

  it.each([
    ['a state of another kind', { kind: 'render', state: 'trading' }, /state "trading"/],
    ['a watcher without mode', { kind: 'watcher', state: 'free' }, /carries a mode/],
    ['a mode on a render worker', { kind: 'render', state: 'idle', mode: 'x' }, /only the watcher/],
    ['an interval as long as the TTL', { intervalMs: 45_000 }, /intervalMs/],
    ['a fractional TTL', { ttlS: 1.5 }, /ttlS/],
  ] as const)('refuses %s', (_case, overrides, message) => {
    const options = {
      redis: db.redis,
      name: 'w',
      kind: 'render',
      state: 'idle',
      ...overrides,
    } as never;
    expect(() => new HeartbeatWriter(options)).toThrow(HeartbeatWriterError);
    expect(() => new HeartbeatWriter(options)).toThrow(message);
  });

  it('refuses a state change to a state of another kind', () => {
    const writer = new HeartbeatWriter<WorkerKind>({
      redis: db.redis,
      name: 'w',
      kind: 'render',
      state: 'idle',
    });
    expect(() => writer.setState('market_open')).toThrow(HeartbeatWriterError);
    expect(writer.state).toBe('idle');
  });
});

describe('HeartbeatWriter schedule and lifecycle', () => {
  it('beats again every interval with a fresh ts', async () => {
    let now = T0;
    const writer = new HeartbeatWriter({
      redis: db.redis,
      name: 'w',
      kind: 'render',
      state: 'idle',
      intervalMs: 40,
      ttlS: 1,
      now: () => now,
    });
    writer.start();
    await vi.waitFor(async () => expect((await storedBeat()).ts).toBe('2026-11-26T06:00:00.000Z'));
    now += 15_000;
    await vi.waitFor(async () => expect((await storedBeat()).ts).toBe('2026-11-26T06:00:15.000Z'));
    await writer.close();
  });

  it('writes a state change at once, and the watcher mode with it', async () => {
    const writer = new HeartbeatWriter({
      redis: db.redis,
      name: 'w',
      kind: 'watcher',
      state: 'free',
      mode: 'free',
      intervalMs: 60_000,
      ttlS: 120,
    });
    writer.start();
    await vi.waitFor(async () => expect((await storedBeat()).state).toBe('free'));
    writer.setState('trading', 'trading');
    await vi.waitFor(async () =>
      expect(await storedBeat()).toMatchObject({ state: 'trading', mode: 'trading' }),
    );
    await writer.close();
  });

  it('dies like a real worker: close() leaves the key, which then expires', async () => {
    const writer = new HeartbeatWriter({
      redis: db.redis,
      name: 'w',
      kind: 'render',
      state: 'busy',
      intervalMs: 100,
      ttlS: 1,
    });
    writer.start();
    await vi.waitFor(async () => expect(await db.redis.exists(KEY)).toBe(1));
    await writer.close();
    await writer.close(); // safe twice
    expect(await db.redis.exists(KEY)).toBe(1);
    await vi.waitFor(async () => expect(await db.redis.exists(KEY)).toBe(0), { timeout: 3_000 });
    await expect(writer.beatNow()).rejects.toThrow(HeartbeatWriterError);
    expect(() => writer.start()).toThrow(HeartbeatWriterError);
  });

  it('reports a failed beat and beats again once Redis is back', async () => {
    const outage = await TestRedisServer.start();
    const client = outage.client();
    client.on('error', () => {}); // the outage is the point; errors are asserted via onError
    const errors: unknown[] = [];
    const writer = new HeartbeatWriter({
      redis: client,
      name: 'w',
      kind: 'render',
      state: 'idle',
      intervalMs: 50,
      ttlS: 5,
      onError: (error) => errors.push(error),
    });
    try {
      writer.start();
      await vi.waitFor(async () => expect(await client.exists(KEY)).toBe(1));
      await outage.kill();
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 5_000 });
      await outage.restart();
      await vi.waitFor(async () => expect(await client.exists(KEY)).toBe(1), { timeout: 10_000 });
    } finally {
      await writer.close();
      client.disconnect();
      await outage.stop();
    }
  });
});
