import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../src/history/history-event.js';
import { reliabilityReport, type WorkerReliability } from '../src/history/reliability-report.js';

const H = 3_600_000;
const FROM = Date.UTC(2026, 0, 5);
const TO = FROM + 100 * H;

const down = (worker: string, since: number, at = since + 60_000): HistoryEvent => ({
  type: 'down',
  at,
  worker,
  since,
  atBoot: false,
  quiet: false,
});
const up = (worker: string, at: number, downForMs: number): HistoryEvent => ({
  type: 'recovered',
  at,
  worker,
  downForMs,
  quiet: false,
});
const dl = (worker: string, at: number, count: number, previous: number): HistoryEvent => ({
  type: 'dead_letters',
  at,
  worker,
  count,
  previous,
  quiet: false,
});
const maintenance = (window: string, workers: string[], at: number, until: number) => [
  {
    type: 'maintenance_start',
    at,
    window,
    target: workers.join(','),
    workers,
    until,
    source: 'schedule',
    by: null,
  } as HistoryEvent,
];
const maintenanceEnd = (window: string, workers: string[], at: number): HistoryEvent => ({
  type: 'maintenance_end',
  at,
  window,
  target: workers.join(','),
  workers,
  by: null,
});
const t = (hours: number) => FROM + hours * H;

// Each case: a scripted timeline over a 100-hour period, and the figures it must give.
const CASES: [string, HistoryEvent[], Partial<WorkerReliability>][] = [
  ['no event at all: up the whole period', [], { uptimePct: 100, incidents: 0, mttrMs: null }],
  [
    'two outages of 1 h and 3 h: 96 % up, MTTR 2 h',
    [down('a', t(10)), up('a', t(11), H), down('a', t(50)), up('a', t(53), 3 * H)],
    { uptimePct: 96, incidents: 2, downtimeMs: 4 * H, longestMs: 3 * H, mttrMs: 2 * H },
  ],
  [
    'down since before the period: only its part inside counts, and it ended in the period',
    [down('a', t(-5)), up('a', t(5), 10 * H)],
    { uptimePct: 95, incidents: 1, downtimeMs: 5 * H, mttrMs: 5 * H, down: false },
  ],
  [
    'still down at the end: counted to the end, no MTTR',
    [down('a', t(90))],
    { uptimePct: 90, incidents: 1, downtimeMs: 10 * H, mttrMs: null, down: true },
  ],
  [
    'a recovery whose down is older than the history',
    [up('a', t(2), 4 * H)],
    { uptimePct: 98, incidents: 1, downtimeMs: 2 * H },
  ],
  [
    'maintenance left out: a 10 h window with a 4 h outage inside it is no incident',
    [...maintenance('m1', ['a'], t(20), t(30)), down('a', t(22)), up('a', t(26), 4 * H)],
    { uptimePct: 100, observedMs: 90 * H, incidents: 0, maintenanceMs: 10 * H },
  ],
  [
    'an outage running past its maintenance window: only the part outside counts',
    [
      ...maintenance('m1', ['a'], t(20), t(30)),
      maintenanceEnd('m1', ['a'], t(25)),
      down('a', t(24)),
      up('a', t(34), 10 * H),
    ],
    { observedMs: 95 * H, downtimeMs: 9 * H, incidents: 1, maintenanceMs: 5 * H },
  ],
  [
    "another worker's maintenance does not count",
    [...maintenance('m1', ['b'], t(0), t(50)), down('a', t(10)), up('a', t(20), 10 * H)],
    { uptimePct: 90, maintenanceMs: 0 },
  ],
  [
    'Redis lost for 10 h: neither up nor down',
    [
      down('a', t(0)),
      { type: 'redis_lost', at: t(40), since: t(40), error: null },
      { type: 'redis_back', at: t(50), downForMs: 10 * H },
      up('a', t(60), 60 * H),
    ],
    { observedMs: 90 * H, downtimeMs: 50 * H, uptimePct: (40 / 90) * 100 },
  ],
  [
    'dead letters: the growth of each alert, inside the period only',
    [dl('a', t(-1), 3, 0), dl('a', t(1), 5, 3), dl('a', t(2), 2, 5), dl('a', t(3), 12, 2)],
    { deadLetters: 12 },
  ],
];

describe('reliability report (a scripted timeline with known uptime)', () => {
  it.each(CASES)('%s', (_name, timeline, expected) => {
    const report = reliabilityReport(timeline, { from: FROM, to: TO, workers: ['a'] });
    const [figures] = report.workers;
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === 'number')
        expect(figures?.[key as keyof WorkerReliability]).toBeCloseTo(value, 6);
      else expect(figures?.[key as keyof WorkerReliability]).toEqual(value);
    }
  });

  it('takes recurring windows given from outside, and counts Redis outages of the period', () => {
    const report = reliabilityReport(
      [
        down('a', t(10)),
        up('a', t(12), 2 * H),
        { type: 'redis_lost', at: t(-3), since: t(-3), error: null },
        { type: 'redis_back', at: t(1), downForMs: 4 * H },
      ],
      {
        from: FROM,
        to: TO,
        workers: ['a', 'b'],
        maintenance: (worker) => (worker === 'a' ? [{ start: t(11), end: t(21) }] : []),
      },
    );
    expect(report.redisOutages).toBe(1);
    expect(report.redisDownMs).toBe(H);
    expect(report.workers.map((w) => [w.worker, w.downtimeMs, w.observedMs])).toEqual([
      ['a', H, 89 * H],
      ['b', 0, 99 * H],
    ]);
  });
});
