import {
  DEFAULT_HOSTS,
  defaultLinkOf,
  hostsOf,
  type Link,
  linkStatus,
  redisKeys,
  type StatusDocument,
  WORKER_KIND_TABLE,
  type WorkerStatus,
} from '@fleet/core/contracts';

/** The fixture states `?mock=` can show, for demos and tests, with no network. */
export const MOCK_STATES = [
  'healthy',
  'paused',
  'down',
  'degraded',
  'redis-down',
  'fleet-50',
  'fleet-1000',
] as const;
export type MockState = (typeof MOCK_STATES)[number];

export function isMockState(value: string): value is MockState {
  return (MOCK_STATES as readonly string[]).includes(value);
}

type WorkerOverrides = Partial<WorkerStatus> & Pick<WorkerStatus, 'name' | 'kind'>;

function worker(now: Date, overrides: WorkerOverrides): WorkerStatus {
  const age = overrides.last_beat_age_s ?? 4;
  const alive = overrides.alive ?? true;
  return {
    alive,
    state: null,
    last_beat_age_s: alive ? age : null,
    queue_depth: 0,
    dead_letter: 0,
    processing: 0,
    jobs_done: 0,
    jobs_failed: 0,
    last_job_at: null,
    host: 'windows',
    queue: WORKER_KIND_TABLE[overrides.kind].queue ? redisKeys.defaultQueue(overrides.name) : null,
    in_fleet: true,
    last_beat_at: alive ? new Date(now.getTime() - age * 1000).toISOString() : null,
    mode: null,
    heartbeat_error: null,
    queue_error: null,
    clock_skew_s: null,
    heartbeat_invalid_fields: [],
    last_beat_seen_at: null,
    heartbeat_stale: false,
    job_stuck: false,
    busy_since: null,
    stuck_since: null,
    stuck_after_s: 1800,
    maintenance: null,
    ...overrides,
  };
}

function ago(now: Date, seconds: number): string {
  return new Date(now.getTime() - seconds * 1000).toISOString();
}

function baseWorkers(now: Date): WorkerStatus[] {
  return [
    worker(now, {
      name: 'music-render',
      kind: 'render',
      state: 'busy',
      queue_depth: 7,
      processing: 1,
      jobs_done: 128,
      jobs_failed: 2,
      last_job_at: ago(now, 12),
    }),
    worker(now, {
      name: 'video-render',
      kind: 'render',
      state: 'busy',
      queue_depth: 3,
      processing: 1,
      jobs_done: 41,
      last_job_at: ago(now, 30),
      last_beat_age_s: 9,
    }),
    worker(now, {
      name: 'image-render',
      kind: 'render',
      state: 'idle',
      jobs_done: 312,
      jobs_failed: 1,
      last_job_at: ago(now, 240),
      last_beat_age_s: 2,
    }),
    worker(now, {
      name: 'insta-render',
      kind: 'render',
      state: 'idle',
      queue_depth: 0,
      jobs_done: 57,
      last_job_at: ago(now, 900),
      last_beat_age_s: 11,
    }),
    worker(now, {
      name: 'task-watcher',
      kind: 'watcher',
      state: 'free',
      mode: 'free',
      last_beat_age_s: 6,
    }),
    worker(now, { name: 'ai_trade', kind: 'trader', state: 'market_closed', last_beat_age_s: 3 }),
  ];
}

/** `fleet-50`: the six and 44 render workers, two of them dead, one with dead letters. */
export const LARGE_FLEET_DOWN = ['render-13', 'render-29'];
export const LARGE_FLEET_DEGRADED = 'render-21';

/** `fleet-1000` (the 2D view's virtualised list): the six and 994 render workers. */
export const HUGE_FLEET_SIZE = 1000;
/** Every 97th extra worker of `fleet-1000` is dead and every 89th has dead letters. */
const HUGE_FLEET_DOWN_EVERY = 97;
const HUGE_FLEET_DEGRADED_EVERY = 89;

/** The six and render workers up to `size`, named `render-07` … with as many digits as `size` has. */
function largeFleet(
  now: Date,
  size: number,
  isDown: (name: string, i: number) => boolean,
  isDegraded: (name: string, i: number) => boolean,
): WorkerStatus[] {
  const base = baseWorkers(now);
  const digits = String(size).length;
  const extra = Array.from({ length: size - base.length }, (_, i) => {
    const name = `render-${String(i + base.length + 1).padStart(digits, '0')}`;
    if (isDown(name, i))
      return worker(now, { name, kind: 'render', alive: false, queue_depth: 4 + (i % 40) });
    return worker(now, {
      name,
      kind: 'render',
      state: i % 3 === 0 ? 'idle' : 'busy',
      queue_depth: i % 5,
      processing: i % 3 === 0 ? 0 : 1,
      dead_letter: isDegraded(name, i) ? 5 : 0,
      jobs_done: 10 * i,
      last_job_at: ago(now, 20 + i),
      last_beat_age_s: 1 + (i % 13),
    });
  });
  return [...base, ...extra];
}

/** The links the exporter would serve: each kind's default pipe, under the docs/spec.md §3 rules. */
function linksFor(workers: readonly WorkerStatus[]): Link[] {
  return workers.flatMap((w): Link[] => {
    const link = defaultLinkOf(w.kind, w.name);
    return link ? [{ ...link, status: linkStatus(link.type, w), worker: w.name }] : [];
  });
}

function document(
  now: Date,
  workers: WorkerStatus[],
  extra: Partial<StatusDocument> = {},
): StatusDocument {
  return {
    redis_ok: true,
    paused: false,
    paused_reason: null,
    generated_at: now.toISOString(),
    workers,
    links: linksFor(workers),
    redis_error: null,
    stale: false,
    last_ok_at: now.toISOString(),
    collect_duration_ms: 3.2,
    scan: null,
    heartbeat_stale_after_s: 135,
    redis_evicted_keys: null,
    redis_maxmemory_policy: null,
    redis_maxmemory_bytes: null,
    redis_evicting: false,
    redis_last_eviction_at: null,
    unlisted_workers: {
      count: 0,
      limit: 1000,
      forget_after_s: 3600,
      name_max_bytes: 200,
      dropped: { too_many: 0, too_long: 0, unshowable: 0 },
      unshowable_names: [],
      forgotten: 0,
    },
    maintenance_windows: [],
    hosts: hostsOf(DEFAULT_HOSTS, workers),
    ...extra,
  };
}

/** A status document showing `state`, as the exporter would serve it at `now`. */
export function mockDocument(state: MockState, now: Date): StatusDocument {
  const workers = baseWorkers(now);
  const set = (name: string, patch: Partial<WorkerStatus>) => {
    const index = workers.findIndex((w) => w.name === name);
    const current = workers[index];
    if (current) workers[index] = { ...current, ...patch };
  };
  switch (state) {
    case 'healthy':
      return document(now, workers);
    case 'paused': {
      for (const w of workers)
        if (w.kind === 'render') Object.assign(w, { state: 'paused', processing: 0 });
      set('task-watcher', { state: 'trading', mode: 'trading' });
      set('ai_trade', { state: 'market_open' });
      return document(now, workers, { paused: true, paused_reason: 'trading' });
    }
    case 'down':
      // The heartbeat key has expired: no age in the document; the panel remembers the last beat.
      set('video-render', {
        alive: false,
        state: null,
        last_beat_age_s: null,
        last_beat_at: null,
        processing: 0,
        queue_depth: 14,
        jobs_done: 0,
      });
      set('ai_trade', { alive: false, state: null, last_beat_age_s: null, last_beat_at: null });
      return document(now, workers);
    case 'degraded':
      set('image-render', { dead_letter: 3, jobs_failed: 4 });
      set('insta-render', {
        dead_letter: 12,
        jobs_failed: 12,
        state: 'busy',
        queue_depth: 5,
        processing: 1,
      });
      return document(now, workers);
    case 'fleet-50':
      return document(
        now,
        largeFleet(
          now,
          50,
          (name) => LARGE_FLEET_DOWN.includes(name),
          (name) => name === LARGE_FLEET_DEGRADED,
        ),
      );
    case 'fleet-1000':
      return document(
        now,
        largeFleet(
          now,
          HUGE_FLEET_SIZE,
          (_, i) => i % HUGE_FLEET_DOWN_EVERY === HUGE_FLEET_DOWN_EVERY - 1,
          (_, i) => i % HUGE_FLEET_DEGRADED_EVERY === HUGE_FLEET_DEGRADED_EVERY - 1,
        ),
      );
    case 'redis-down':
      return document(now, workers, {
        redis_ok: false,
        stale: true,
        redis_error: 'connect ECONNREFUSED 127.0.0.1:6379',
        last_ok_at: ago(now, 95),
      });
  }
}

/**
 * What the panel saw before `mockDocument(state)`: for `down`, the last beats of the workers
 * that have since died, so the fixture can say "last beat Ns ago" like a live panel does.
 */
export function mockHistory(state: MockState, now: Date): StatusDocument[] {
  if (state !== 'down') return [];
  // Beats 14 s and 27 s before load: far from the switch to minutes at 120 s, so a slow browser
  // still reads "Ns ago", and far enough apart to tell the two remembered beats apart.
  const before = new Date(now.getTime() - 10_000);
  const workers = baseWorkers(before).map((w) =>
    w.name === 'video-render'
      ? { ...w, last_beat_age_s: 4 }
      : w.name === 'ai_trade'
        ? { ...w, last_beat_age_s: 17 }
        : w,
  );
  return [document(before, workers)];
}
