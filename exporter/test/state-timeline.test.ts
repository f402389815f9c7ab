import { describe, expect, it } from 'vitest';
import { SampleRing } from '../src/history/sample-ring.js';
import {
  type Change,
  downPeriods,
  historyState,
  recordState,
  trackOldestDeadLetter,
  withinWindow,
} from '../src/history/state-timeline.js';

const BOUNDS = { retentionMs: 60_000, maxChanges: 100 };
const iso = (ms: number) => new Date(ms).toISOString();

describe('historyState', () => {
  const worker = {
    alive: true,
    heartbeat_stale: false,
    job_stuck: false,
    state: 'busy' as string | null,
  };
  it.each([
    [{ alive: false }, 'down'],
    [{ alive: false, heartbeat_stale: true }, 'down'],
    [{ heartbeat_stale: true, job_stuck: true }, 'stale'],
    [{ job_stuck: true }, 'stuck'],
    [{}, 'busy'],
    [{ state: null }, 'unknown'],
  ])('%j → %s', (change, expected) => {
    // Only the fields historyState reads matter here.
    expect(historyState({ ...worker, ...change } as never)).toBe(expected);
  });
});

describe('recordState', () => {
  const run = (steps: [number, string][], bounds = BOUNDS) =>
    steps.reduce<readonly Change[]>(
      (changes, [at, state]) => recordState(changes, state, at, bounds),
      [],
    );

  it.each<[string, [number, string][], Change[], typeof BOUNDS?]>([
    [
      'a repeated state is one change',
      [
        [0, 'idle'],
        [5, 'idle'],
        [9, 'idle'],
      ],
      [{ atMs: 0, state: 'idle' }],
    ],
    [
      'each change is kept, oldest first',
      [
        [0, 'idle'],
        [5, 'busy'],
        [9, 'down'],
      ],
      [
        { atMs: 0, state: 'idle' },
        { atMs: 5, state: 'busy' },
        { atMs: 9, state: 'down' },
      ],
    ],
    [
      'changes past the window go, but the one the window starts in stays',
      [
        [0, 'idle'],
        [10_000, 'busy'],
        [20_000, 'idle'],
        [75_000, 'down'],
      ],
      [
        { atMs: 10_000, state: 'busy' },
        { atMs: 20_000, state: 'idle' },
        { atMs: 75_000, state: 'down' },
      ],
    ],
    [
      'a flapping worker is bounded by count',
      [
        [0, 'a'],
        [1, 'b'],
        [2, 'a'],
        [3, 'b'],
        [4, 'a'],
      ],
      [
        { atMs: 2, state: 'a' },
        { atMs: 3, state: 'b' },
        { atMs: 4, state: 'a' },
      ],
      { retentionMs: 60_000, maxChanges: 3 },
    ],
  ])('%s', (_name, steps, expected, bounds) => {
    expect(run(steps, bounds)).toEqual(expected);
  });

  it('returns the same array when nothing changed (no copy per collection)', () => {
    const changes = recordState([], 'idle', 0, BOUNDS);
    expect(recordState(changes, 'idle', 1000, BOUNDS)).toBe(changes);
  });
});

describe('withinWindow', () => {
  const changes: Change[] = [
    { atMs: 0, state: 'idle' },
    { atMs: 10, state: 'busy' },
    { atMs: 20, state: 'idle' },
  ];
  it.each([
    [-5, changes],
    [0, changes],
    [10, changes.slice(1)],
    [15, changes.slice(1)],
    [25, changes.slice(2)],
  ])('cutoff %d', (cutoff, expected) => {
    expect(withinWindow(changes, cutoff)).toEqual(expected);
  });
});

describe('downPeriods', () => {
  it.each<[string, Change[], ReturnType<typeof downPeriods>]>([
    ['never down', [{ atMs: 0, state: 'idle' }], []],
    [
      'down then back',
      [
        { atMs: 0, state: 'idle' },
        { atMs: 10_000, state: 'down' },
        { atMs: 40_000, state: 'idle' },
      ],
      [{ from: iso(10_000), to: iso(40_000), duration_s: 30 }],
    ],
    [
      'still down: ends at null, lasts until now',
      [
        { atMs: 0, state: 'busy' },
        { atMs: 50_000, state: 'down' },
      ],
      [{ from: iso(50_000), to: null, duration_s: 50 }],
    ],
    [
      'two periods, a Redis outage in between ends the first',
      [
        { atMs: 0, state: 'down' },
        { atMs: 5_000, state: 'unread' },
        { atMs: 8_000, state: 'down' },
        { atMs: 20_000, state: 'idle' },
      ],
      [
        { from: iso(0), to: iso(5_000), duration_s: 5 },
        { from: iso(8_000), to: iso(20_000), duration_s: 12 },
      ],
    ],
  ])('%s', (_name, changes, expected) => {
    expect(downPeriods(changes, 100_000)).toEqual(expected);
  });
});

describe('trackOldestDeadLetter', () => {
  const A = { digest: 'A', seenAtMs: 1000 };
  it.each([
    ['an empty list has no oldest item', A, 0, 'A', 5000, null],
    ['first seen now', null, 2, 'A', 5000, { digest: 'A', seenAtMs: 5000 }],
    ['the same item keeps its time', A, 3, 'A', 5000, A],
    ['not read this time: keeps what is known', A, 3, null, 5000, A],
    [
      'another item (the oldest was requeued) is dated now',
      A,
      1,
      'B',
      5000,
      { digest: 'B', seenAtMs: 5000 },
    ],
  ])('%s', (_name, previous, count, digest, at, expected) => {
    expect(trackOldestDeadLetter(previous, count, digest, at)).toEqual(expected);
  });
});

describe('SampleRing', () => {
  const sample = (atMs: number, n = atMs / 1000) => ({
    atMs,
    queueDepth: n,
    deadLetter: n * 2,
    processing: n * 3,
  });

  it('keeps samples in order while growing, and drops those past the cutoff', () => {
    const ring = new SampleRing(100);
    for (let s = 0; s < 40; s += 1) ring.push(sample(s * 1000), 1000, s * 1000 - 30_000);
    const columns = ring.columns(0);
    expect(columns.at_ms).toEqual(Array.from({ length: 31 }, (_, i) => (i + 9) * 1000));
    expect(columns.queue_depth[0]).toBe(9);
    expect(columns.dead_letter[0]).toBe(18);
    expect(columns.processing.at(-1)).toBe(39 * 3);
  });

  it('never holds more than its capacity: the oldest is overwritten', () => {
    const ring = new SampleRing(5);
    for (let s = 0; s < 12; s += 1) ring.push(sample(s * 1000), 1000, 0);
    expect(ring.length).toBe(5);
    expect(ring.columns(0).at_ms).toEqual([7000, 8000, 9000, 10_000, 11_000]);
    expect(ring.bytes).toBe(5 * 8 + 5 * 3 * 4);
  });

  it('a sample closer than the spacing to the newest adds nothing', () => {
    const ring = new SampleRing(10);
    for (const at of [0, 400, 900, 1000, 1500, 2100]) ring.push(sample(at, at), 1000, 0);
    expect(ring.columns(0)).toEqual({
      at_ms: [0, 1000, 2100],
      queue_depth: [0, 1000, 2100],
      dead_letter: [0, 2000, 4200],
      processing: [0, 3000, 6300],
    });
  });

  it('columns() leaves out what is older than asked', () => {
    const ring = new SampleRing(10);
    for (let s = 0; s < 5; s += 1) ring.push(sample(s * 1000), 1000, 0);
    expect(ring.columns(3000).at_ms).toEqual([3000, 4000]);
  });
});
