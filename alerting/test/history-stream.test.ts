import { alertingKeys } from '@fleet/core/contracts';
import { useTestRedis } from '@fleet/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { initialAlertState } from '../src/alert-state.js';
import { AlertStore } from '../src/alert-store.js';
import type { HistoryEvent } from '../src/history/history-event.js';
import { HistoryStream } from '../src/history/history-stream.js';

const db = useTestRedis();
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function clock(start = T0) {
  const time = { now: start };
  return { time, now: () => time.now };
}

function down(worker: string, at: number): HistoryEvent {
  return { type: 'down', at, worker, since: at, atBoot: false, quiet: false };
}

function stream(now: () => number, retention = { retentionMs: 90 * DAY, maxLength: 100_000 }) {
  return new HistoryStream(db.redis, 'h:', retention, now);
}

describe('history stream', () => {
  it('reads back in time order, by worker and time range, fleet-wide events for every worker', async () => {
    const { now } = clock();
    const history = stream(now);
    const events: HistoryEvent[] = [
      down('a', T0),
      { type: 'redis_lost', at: T0 + 1000, since: T0 + 500, error: 'ECONNREFUSED' },
      down('b', T0 + 2000),
      { type: 'recovered', at: T0 + 3000, worker: 'a', downForMs: 3000, quiet: true },
      {
        type: 'maintenance_start',
        at: T0 + 4000,
        window: 'w1',
        target: 'nas',
        workers: ['b', 'c'],
        until: T0 + 60_000,
        source: 'schedule',
        by: null,
      },
    ];
    for (const event of events) expect(await history.append(event)).toBe(true);
    expect(await history.read()).toEqual(events);
    expect((await history.read({ worker: 'a' })).map((e) => e.type)).toEqual([
      'down',
      'redis_lost',
      'recovered',
    ]);
    expect((await history.read({ worker: 'c' })).map((e) => e.type)).toEqual([
      'redis_lost',
      'maintenance_start',
    ]);
    expect(await history.read({ since: T0 + 2000, until: T0 + 3000 })).toEqual(events.slice(2, 4));
    expect((await history.latest('a', 2)).map((e) => e.type)).toEqual(['recovered', 'redis_lost']);
  });

  it('reads past one page, and keeps order when a replica clock runs behind', async () => {
    const { now } = clock();
    const history = stream(now);
    const many = Array.from({ length: 1203 }, (_, index) => down(`w${index % 3}`, T0 + index));
    await history.append(many);
    // A second replica whose clock is 10 s behind still appends after the newest entry.
    await history.append(down('late', T0 - 10_000));
    const read = await history.read();
    expect(read).toHaveLength(1204);
    expect(read.at(-1)).toMatchObject({ worker: 'late' });
    expect(await history.latest('w1', 1000)).toHaveLength(401);
  });

  it('trims by age on the monitor clock and caps the length (the retention cap)', async () => {
    // Stream nodes of 4 entries (a day here), so that the approximate trims (~) drop whole days.
    await db.redis.config('SET', 'stream-node-max-entries', '4');
    onTestFinished(() => db.redis.config('SET', 'stream-node-max-entries', '100').then(() => {}));
    const { time, now } = clock();
    const history = stream(now, { retentionMs: 7 * DAY, maxLength: 50 });
    for (let day = 0; day < 10; day += 1) {
      time.now = T0 + day * DAY;
      await history.append(Array.from({ length: 4 }, (_, i) => down('a', time.now + i)));
    }
    // 40 events over 10 days, 7 days back from day 9 kept: days 0 and 1 are gone from Redis.
    expect(await db.redis.xlen(history.key)).toBe(32);
    const kept = await history.read();
    expect(kept).toHaveLength(32);
    expect(kept[0]?.at).toBe(T0 + 2 * DAY);
    // Reads never show what is past the retention, even before a trim took it.
    time.now += DAY / 2;
    expect((await history.read())[0]?.at).toBe(T0 + 3 * DAY);
    expect(await history.latest('a', 100)).toHaveLength(28);
    // The length cap holds whatever the age.
    await history.append(Array.from({ length: 300 }, (_, i) => down('b', time.now + 10 + i)));
    expect(await db.redis.xlen(history.key)).toBeLessThanOrEqual(54);
    expect((await history.read()).at(-1)?.at).toBe(time.now + 309);
  });

  it('an append with a once id records once (a retried press, two replicas)', async () => {
    const { now } = clock();
    const history = stream(now);
    const ack: HistoryEvent = {
      type: 'acknowledged',
      at: T0,
      worker: 'a',
      by: { id: 7, name: 'kim' },
    };
    const results = await Promise.all([
      history.append(ack, { onceId: 'ack:a:1' }),
      stream(now).append(ack, { onceId: 'ack:a:1' }),
      history.append(ack, { onceId: 'ack:a:1' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await history.read()).toEqual([ack]);
    expect(await db.redis.pttl(`${alertingKeys.historyOncePrefix('h:')}ack:a:1`)).toBeGreaterThan(
      89 * DAY,
    );
  });

  it('skips entries it cannot read instead of failing', async () => {
    const { now } = clock();
    const history = stream(now);
    await db.redis.xadd(history.key, `${T0}-0`, 'e', '{not json');
    await db.redis.xadd(
      history.key,
      `${T0}-1`,
      'e',
      JSON.stringify({ type: 'from_the_future', at: T0 }),
    );
    await db.redis.xadd(history.key, `${T0}-2`, 'other', 'x');
    await history.append(down('a', T0 + 1));
    expect(await history.read()).toEqual([down('a', T0 + 1)]);
  });

  it("the check's commit records its transitions with its state, and a refused commit none", async () => {
    const { now } = clock();
    const history = stream(now);
    const store = new AlertStore(db.redis, 'h:');
    const next = { ...initialAlertState(T0), rev: 1 };
    expect(await store.commitCheck(0, next, [], history.batch([down('a', T0)]))).toBe(true);
    // A second writer still on revision 0 lost the race: nothing of it is recorded.
    expect(await store.commitCheck(0, next, [], history.batch([down('a', T0)]))).toBe(false);
    expect(await history.read()).toEqual([down('a', T0)]);
    expect((await store.loadState()).rev).toBe(1);
  });
});
