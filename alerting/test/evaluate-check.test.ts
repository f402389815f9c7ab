import type { MaintenanceWindow } from '@fleet/core/contracts';
import { describe, expect, it } from 'vitest';
import { type AlertState, initialAlertState, mergeAlertStates } from '../src/alert-state.js';
import { type AlertEvent, type CheckRules, evaluateCheck } from '../src/evaluate-check.js';
import { statusDocument, type WorkerSketch } from './support/status-documents.js';

const RULES: CheckRules = {
  deadLetterThreshold: 1,
  deadLetterWindowMs: 0,
  bootGraceMs: 90_000,
  stuckAfterMs: 600_000,
  repeatMs: 0,
  holdForMs: 0,
  redisConfirmMs: 10_000,
};

/**
 * One check: when (seconds after start), what was observed, the events the chat is told, and
 * the silences running (target → until, in seconds after start).
 */
type Step = [
  atS: number,
  observed: WorkerSketch[] | 'redis-down' | { evicting: WorkerSketch[] },
  expected: string[],
  silences?: Record<string, number>,
];

/** Events in a compact form the table can spell out. */
function summarize(event: AlertEvent): string {
  switch (event.type) {
    case 'worker_down':
      return `down:${event.worker}${event.atBoot ? ':boot' : ''}`;
    case 'worker_recovered':
      return `recovered:${event.worker}:${event.downForMs / 1000}s`;
    case 'worker_still_down':
      return `still_down:${event.worker}:${event.downForMs / 1000}s`;
    case 'silence_over':
      return [
        `silence_over:${event.worker}`,
        ...(event.downSince !== null ? [`down_since:${event.downSince / 1000}s`] : []),
        ...(event.recoveredAfterMs !== null ? [`recovered:${event.recoveredAfterMs / 1000}s`] : []),
        ...(event.deadLetters !== null ? [`dead_letter:${event.deadLetters}`] : []),
        ...(event.maintenance ? ['maintenance'] : []),
      ].join(':');
    case 'maintenance_started':
      return `maintenance_started:${event.id}:${event.target}`;
    case 'maintenance_over':
      return `maintenance_over:${event.id}:${event.lastedMs / 1000}s${event.quiet ? ':quiet' : ''}`;
    case 'dead_letter':
      return `dead_letter:${event.worker}:${event.count}`;
    case 'queue_stuck':
      return `stuck:${event.worker}:${event.depth}`;
    case 'queue_moving':
      return `moving:${event.worker}:${event.depth}`;
    case 'heartbeat_stale':
    case 'heartbeat_fresh':
    case 'job_stuck':
    case 'job_moving':
      return `${event.type}:${event.worker}`;
    case 'redis_evicting':
      return `redis_evicting:${event.policy}`;
    case 'redis_evicting_over':
      return `redis_evicting_over:${event.evictingForMs / 1000}s`;
    case 'redis_down':
      return 'redis_down';
    case 'redis_still_down':
      return `redis_still_down:${event.downForMs / 1000}s`;
    case 'redis_restored':
      return `redis_restored:${event.downForMs / 1000}s`;
  }
}

function run(steps: Step[], rules: CheckRules): { events: string[][]; state: AlertState } {
  let state = initialAlertState(0);
  const events: string[][] = [];
  for (const [atS, observed, , silences = {}] of steps) {
    // A live worker's `ts` moves with every beat, unless the case says otherwise.
    const evicting = typeof observed === 'object' && 'evicting' in observed;
    const sketches = evicting ? observed.evicting : observed;
    const document =
      sketches === 'redis-down'
        ? statusDocument([], { redisOk: false })
        : statusDocument(
            sketches.map((worker) => ({
              lastBeatAt: new Date(atS * 1000).toISOString(),
              ...worker,
            })),
            { evicting },
          );
    const until = Object.fromEntries(
      Object.entries(silences).map(([target, untilS]) => [target, untilS * 1000]),
    );
    const outcome = evaluateCheck(state, document, atS * 1000, rules, until);
    state = outcome.next;
    events.push(outcome.announce.map(summarize));
  }
  return { events, state };
}

const up = (name: string, extra: Partial<WorkerSketch> = {}): WorkerSketch => ({
  name,
  alive: true,
  ...extra,
});
/** A maintenance window from `fromS` to `untilS` (seconds since 0). */
const window = (id: string, target: string, fromS: number, untilS: number): MaintenanceWindow => ({
  id,
  source: id.startsWith('schedule:') ? 'schedule' : 'command',
  target,
  started_at: new Date(fromS * 1000).toISOString(),
  until: new Date(untilS * 1000).toISOString(),
  reason: null,
});
const dead = (name: string, extra: Partial<WorkerSketch> = {}): WorkerSketch => ({
  name,
  alive: false,
  ...extra,
});

describe('evaluateCheck', () => {
  it.each<[string, Partial<CheckRules>, Step[]]>([
    ['first sight of a live worker is a baseline', {}, [[0, [up('a')], []]]],
    ['first sight of a dead worker is a baseline', {}, [[0, [dead('a')], []]]],
    [
      'a worker dead at boot is announced once the boot grace is over',
      {},
      [
        [0, [dead('a')], []],
        [60, [dead('a')], []],
        [90, [dead('a')], ['down:a:boot']],
        [150, [dead('a')], []],
      ],
    ],
    [
      'a worker that comes up within the boot grace is never announced',
      {},
      [
        [0, [dead('a')], []],
        [30, [up('a')], []],
        [200, [up('a')], []],
      ],
    ],
    [
      'alive → dead → alive: down, then recovered, down since the last beat the monitor saw',
      {},
      [
        [0, [up('a')], []],
        [60, [dead('a')], ['down:a']],
        [120, [dead('a')], []],
        [300, [up('a')], ['recovered:a:300s']],
        [360, [up('a')], []],
      ],
    ],
    [
      'a worker dead at boot that recovers reports the time since first seen',
      {},
      [
        [0, [dead('a')], []],
        [90, [dead('a')], ['down:a:boot']],
        [150, [up('a')], ['recovered:a:150s']],
      ],
    ],
    [
      'hold-for: a blip shorter than the hold is not announced',
      { holdForMs: 120_000 },
      [
        [0, [up('a')], []],
        [60, [dead('a')], []],
        [120, [up('a')], []],
        [180, [up('a')], []],
      ],
    ],
    [
      'hold-for: an outage that holds is announced from its start',
      { holdForMs: 120_000 },
      [
        [0, [up('a')], []],
        [60, [dead('a')], []],
        [180, [dead('a')], ['down:a']],
        [240, [up('a')], []],
        [360, [up('a')], ['recovered:a:240s']],
      ],
    ],
    [
      'repeat reminders while an outage lasts',
      { repeatMs: 3_600_000 },
      [
        [0, [up('a')], []],
        [60, [dead('a')], ['down:a']],
        [1800, [dead('a')], []],
        [3660, [dead('a')], ['still_down:a:3660s']],
        [7260, [dead('a')], ['still_down:a:7260s']],
        [7320, [up('a')], ['recovered:a:7320s']],
      ],
    ],
    [
      'dead letters: reaching the threshold, changing above it, re-armed at 0',
      {},
      [
        [0, [up('a')], []],
        [60, [up('a', { deadLetter: 1 })], ['dead_letter:a:1']],
        [120, [up('a', { deadLetter: 1 })], []],
        [180, [up('a', { deadLetter: 4 })], ['dead_letter:a:4']],
        [240, [up('a', { deadLetter: 0 })], []],
        [300, [up('a', { deadLetter: 1 })], ['dead_letter:a:1']],
      ],
    ],
    [
      'the downtime counts from when the ts last moved, not from when the key went',
      {},
      [
        [0, [up('a', { lastBeatAt: '2024-01-01T00:00:00Z' })], []],
        [60, [up('a', { lastBeatAt: '2024-01-01T00:00:00Z' })], []],
        [120, [dead('a')], ['down:a']],
        [180, [up('a')], ['recovered:a:180s']],
      ],
    ],
    [
      'dead letters: a burst is one message, updates wait for the window',
      { deadLetterWindowMs: 900_000 },
      [
        [0, [up('a')], []],
        [60, [up('a', { deadLetter: 1 })], ['dead_letter:a:1']],
        [70, [up('a', { deadLetter: 4 })], []],
        [80, [up('a', { deadLetter: 9 })], []],
        [960, [up('a', { deadLetter: 9 })], ['dead_letter:a:9']],
        [970, [up('a', { deadLetter: 8 })], []],
        [1860, [up('a', { deadLetter: 8 })], ['dead_letter:a:8']],
      ],
    ],
    [
      'dead letters: passing the next step (threshold × 10ⁿ) is told at once',
      { deadLetterWindowMs: 900_000 },
      [
        [0, [up('a')], []],
        [60, [up('a', { deadLetter: 3 })], ['dead_letter:a:3']],
        [70, [up('a', { deadLetter: 12 })], ['dead_letter:a:12']],
        [80, [up('a', { deadLetter: 99 })], []],
        [90, [up('a', { deadLetter: 100 })], ['dead_letter:a:100']],
        [100, [up('a', { deadLetter: 0 })], []],
        [110, [up('a', { deadLetter: 2 })], ['dead_letter:a:2']],
      ],
    ],
    [
      'silence: a recovery of an announced down is told even while silenced',
      {},
      [
        [0, [up('a')], []],
        [60, [dead('a')], ['down:a']],
        [120, [dead('a')], [], { a: 1000 }],
        [180, [up('a')], ['recovered:a:180s'], { a: 1000 }],
        [1200, [up('a')], []],
      ],
    ],
    [
      'silence: died under it, still down when it ends: one line, then reminders from there',
      { repeatMs: 3_600_000 },
      [
        [0, [up('a')], []],
        [60, [dead('a')], [], { a: 600 }],
        [3700, [dead('a')], ['silence_over:a:down_since:0s']],
        [7200, [dead('a')], []],
        [7300, [dead('a')], ['still_down:a:7300s']],
      ],
    ],
    [
      'silence: died and came back under it: told when it ends, with the downtime',
      {},
      [
        [0, [up('a'), up('b')], [], { all: 500 }],
        [60, [dead('a'), up('b', { deadLetter: 3 })], [], { all: 500 }],
        [120, [up('a'), up('b', { deadLetter: 5 })], [], { all: 500 }],
        [
          600,
          [up('a'), up('b', { deadLetter: 5 })],
          ['silence_over:a:recovered:120s', 'silence_over:b:dead_letter:5'],
        ],
        [660, [up('a'), up('b', { deadLetter: 5 })], []],
      ],
    ],
    [
      'maintenance: its start and end told once; under it a worker is silenced, then summed up',
      {},
      [
        [0, [up('a'), up('b')], []],
        [
          60,
          [up('a', { maintenance: window('m1', 'a', 60, 300) }), up('b')],
          ['maintenance_started:m1:a'],
        ],
        [120, [dead('a', { maintenance: window('m1', 'a', 60, 300), deadLetter: 2 }), up('b')], []],
        [
          180,
          [dead('a', { maintenance: window('m1', 'a', 60, 300), deadLetter: 2 }), dead('b')],
          ['down:b'],
        ],
        [
          300,
          [dead('a', { deadLetter: 2 }), dead('b')],
          ['maintenance_over:m1:240s', 'silence_over:a:down_since:60s:dead_letter:2:maintenance'],
        ],
        [360, [dead('a', { deadLetter: 2 }), dead('b')], []],
      ],
    ],
    [
      'maintenance: a window with nothing changed under it ends quietly; a recovery of a told down is told',
      {},
      [
        [0, [up('a'), up('b')], []],
        [60, [up('a'), dead('b')], ['down:b']],
        [
          120,
          [
            up('a', { maintenance: window('s', 'windows', 120, 600) }),
            up('b', { maintenance: window('s', 'windows', 120, 600) }),
          ],
          ['maintenance_started:s:windows', 'recovered:b:120s'],
        ],
        [200, [up('a'), up('b')], ['maintenance_over:s:80s:quiet']],
      ],
    ],
    [
      'silence: nothing changed under it, nothing to say',
      {},
      [
        [0, [up('a')], [], { a: 100 }],
        [60, [up('a')], []],
        [120, [up('a')], []],
      ],
    ],
    [
      'silence: a down announced before it and still down is not told again',
      {},
      [
        [0, [up('a')], []],
        [60, [dead('a')], ['down:a']],
        [120, [dead('a')], [], { a: 150 }],
        [180, [dead('a')], []],
        [240, [up('a')], ['recovered:a:240s']],
      ],
    ],
    [
      'silence all: a Redis outage announced before it is told restored',
      {},
      [
        [0, [up('a')], []],
        [60, 'redis-down', []],
        [70, 'redis-down', ['redis_down']],
        [80, 'redis-down', [], { all: 1000 }],
        [90, [up('a')], ['redis_restored:30s'], { all: 1000 }],
      ],
    ],
    [
      'a stale heartbeat (the key stays, its ts does not move) is told once, and when it moves again',
      {},
      [
        [0, [up('a')], []],
        [60, [up('a', { stale: true })], ['heartbeat_stale:a']],
        [120, [up('a', { stale: true })], []],
        [180, [up('a')], ['heartbeat_fresh:a']],
        [240, [up('a', { stale: true })], ['heartbeat_stale:a']],
        [300, [dead('a')], ['down:a']],
      ],
    ],
    [
      'a stuck job is told once, and when it moves again',
      {},
      [
        [0, [up('a')], []],
        [60, [up('a', { jobStuckSince: new Date(0).toISOString() })], ['job_stuck:a']],
        [120, [up('a', { jobStuckSince: new Date(0).toISOString() })], []],
        [180, [up('a')], ['job_moving:a']],
      ],
    ],
    [
      'Redis evicting keys: one problem, no "down" for the heartbeats it took, resolved once',
      {},
      [
        [0, [up('a'), up('b')], []],
        [60, { evicting: [dead('a'), up('b')] }, ['redis_evicting:allkeys-lru']],
        [120, { evicting: [dead('a'), up('b')] }, []],
        [180, [up('a'), up('b')], ['redis_evicting_over:120s']],
        // Gone after the evictions and their grace: a real death.
        [240, [up('a'), dead('b')], ['down:b']],
      ],
    ],
    [
      'a worker that stays gone after the evictions is announced once the grace is over',
      {},
      [
        [0, [up('a')], []],
        [60, { evicting: [dead('a')] }, ['redis_evicting:allkeys-lru']],
        [120, [dead('a')], ['redis_evicting_over:60s']],
        [140, [dead('a')], []],
        [200, [dead('a')], ['down:a']],
      ],
    ],
    [
      'dead letters below the threshold stay quiet',
      { deadLetterThreshold: 5 },
      [
        [0, [up('a')], []],
        [60, [up('a', { deadLetter: 3 })], []],
        [120, [up('a', { deadLetter: 5 })], ['dead_letter:a:5']],
      ],
    ],
    [
      'dead letters present at first sight are a baseline',
      {},
      [
        [0, [up('a', { deadLetter: 2 })], []],
        [60, [up('a', { deadLetter: 2 })], []],
        [120, [up('a', { deadLetter: 3 })], ['dead_letter:a:3']],
      ],
    ],
    [
      'a queue whose depth does not fall is stuck, and moving again when it falls',
      {},
      [
        [0, [up('a', { depth: 5 })], []],
        [300, [up('a', { depth: 5 })], []],
        [600, [up('a', { depth: 6 })], ['stuck:a:6']],
        [900, [up('a', { depth: 6 })], []],
        [960, [up('a', { depth: 4 })], ['moving:a:4']],
      ],
    ],
    [
      'jobs being done is progress even when new jobs keep the depth up',
      {},
      [
        [0, [up('a', { depth: 5, jobsDone: 1 })], []],
        [400, [up('a', { depth: 5, jobsDone: 9 })], []],
        [800, [up('a', { depth: 5, jobsDone: 20 })], []],
      ],
    ],
    [
      'a stuck queue that drains is moving again',
      {},
      [
        [0, [up('a', { depth: 2 })], []],
        [600, [up('a', { depth: 2 })], ['stuck:a:2']],
        [660, [up('a', { depth: 0 })], ['moving:a:0']],
      ],
    ],
    [
      'a paused worker (trading hours) is not stuck',
      {},
      [
        [0, [up('a', { depth: 5, state: 'paused' })], []],
        [900, [up('a', { depth: 5, state: 'paused' })], []],
      ],
    ],
    [
      'stuck detection can be turned off',
      { stuckAfterMs: 0 },
      [
        [0, [up('a', { depth: 5 })], []],
        [3600, [up('a', { depth: 5 })], []],
      ],
    ],
    [
      'Redis down: one message after the confirmation, not one per worker; one when back',
      {},
      [
        [0, [up('a'), up('b')], []],
        [60, 'redis-down', []],
        [70, 'redis-down', ['redis_down']],
        [130, 'redis-down', []],
        [190, [up('a'), up('b')], ['redis_restored:130s']],
      ],
    ],
    [
      'a Redis blip shorter than the confirmation is not announced',
      {},
      [
        [0, [up('a')], []],
        [60, 'redis-down', []],
        [65, [up('a')], []],
      ],
    ],
    [
      'after Redis returns, workers get the boot grace to beat again',
      {},
      [
        [0, [up('a'), up('b')], []],
        [60, 'redis-down', []],
        [70, 'redis-down', ['redis_down']],
        [80, [dead('a'), dead('b')], ['redis_restored:20s']],
        [120, [up('a'), dead('b')], []],
        [170, [up('a'), dead('b')], ['down:b']],
      ],
    ],
    [
      'Redis down reminders',
      { repeatMs: 600_000 },
      [
        [0, [up('a')], []],
        [60, 'redis-down', []],
        [70, 'redis-down', ['redis_down']],
        [670, 'redis-down', ['redis_still_down:610s']],
      ],
    ],
    [
      'workers outside the fleet are not alerted on',
      {},
      [
        [0, [up('stray', { inFleet: false })], []],
        [200, [dead('stray', { inFleet: false })], []],
      ],
    ],
    [
      'several changes in one check come out together',
      {},
      [
        [0, [up('a'), up('b'), up('c')], []],
        [
          60,
          [dead('a'), dead('b'), up('c', { deadLetter: 2 })],
          ['down:a', 'down:b', 'dead_letter:c:2'],
        ],
      ],
    ],
  ])('%s', (_name, rules, steps) => {
    const { events } = run(steps, { ...RULES, ...rules });
    expect(events).toEqual(steps.map(([, , expected]) => expected));
  });

  it('keeps the worker state frozen while Redis cannot be read', () => {
    const { state } = run(
      [
        [0, [up('a')], []],
        [60, 'redis-down', []],
      ],
      RULES,
    );
    expect(state.workers.a?.status).toBe('up');
    expect(state.redis.failingSince).toBe(60_000);
  });

  it('drops workers that left the fleet', () => {
    const { state } = run(
      [
        [0, [up('a'), up('b')], []],
        [60, [up('a')], []],
      ],
      RULES,
    );
    expect(Object.keys(state.workers)).toEqual(['a']);
  });

  it('says when Redis is failing but not yet confirmed', () => {
    const state = initialAlertState(0);
    const outcome = evaluateCheck(state, statusDocument([], { redisOk: false }), 1000, RULES);
    expect(outcome.redisUnconfirmed).toBe(true);
    expect(outcome.next.rev).toBe(1);
  });
});

describe('mergeAlertStates', () => {
  const stored = run([[0, [up('a'), up('b')], []]], RULES).state;
  const own = run(
    [
      [0, [up('a'), up('b')], []],
      [60, 'redis-down', []],
      [70, 'redis-down', ['redis_down']],
    ],
    RULES,
  ).state;

  it.each<[string, AlertState | null, AlertState | null, (merged: AlertState) => void]>([
    ['nothing anywhere: a fresh state', null, null, (m) => expect(m).toEqual(initialAlertState(5))],
    ['only the store', stored, null, (m) => expect(m).toBe(stored)],
    ['only memory (Redis restarted empty)', null, own, (m) => expect(m).toBe(own)],
    [
      'memory ran ahead during an outage: its Redis notice wins',
      stored,
      own,
      (m) => {
        expect(m.redis.status).toBe('down');
        expect(m.rev).toBe(own.rev);
      },
    ],
    [
      'a stale copy in memory loses to the store',
      own,
      stored,
      (m) => expect(m.redis.status).toBe('down'),
    ],
  ])('%s', (_name, storedState, ownState, check) => {
    check(mergeAlertStates(storedState, ownState, 5));
  });
});
