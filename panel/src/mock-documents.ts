import {
  DEFAULT_HOSTS,
  defaultLinkOf,
  type HostSpec,
  hostsOf,
  type Link,
  linkStatus,
  redisKeys,
  type StatusDocument,
  WORKER_KIND_TABLE,
  type WorkerStatus,
} from '@fleet/core/contracts/data';

/** The fixture states `?mock=` can show, for demos and tests, with no network. */
export const MOCK_STATES = [
  'healthy',
  'paused',
  'down',
  'degraded',
  'redis-down',
  'fleet-50',
  'fleet-500',
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
    silenced_until: null,
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

/** `fleet-500` (the 3D view at scale): the six on windows and 494 render workers over three hosts. */
export const SCALE_FLEET_SIZE = 500;
export const SCALE_FLEET_HOSTS: readonly HostSpec[] = [
  ...DEFAULT_HOSTS,
  { name: 'gpu-1', label: 'GPU box 1', role: 'render farm' },
  { name: 'gpu-2', label: 'GPU box 2', role: 'render farm' },
];
/** The extra workers fill the render hosts in this order, a third each (busy and idle mixed). */
const SCALE_FLEET_RENDER_HOSTS = ['windows', 'gpu-1', 'gpu-2'];
/**
 * Its problem workers, three on each host (windows up to render-171, gpu-1 to render-336): the
 * 3D view draws these one by one.
 */
export const SCALE_FLEET_DOWN = ['render-042', 'render-250', 'render-377'];
export const SCALE_FLEET_DEGRADED = ['render-101', 'render-333', 'render-424'];
const SCALE_FLEET_PATCHES = (now: Date): Record<string, Partial<WorkerStatus>> => ({
  'render-200': { state: 'paused', processing: 0 },
  'render-150': {
    maintenance: {
      id: '1',
      source: 'command',
      target: 'render-150',
      started_at: ago(now, 600),
      until: new Date(now.getTime() + 3_000_000).toISOString(),
      reason: 'driver update',
    },
  },
  'render-460': {
    state: 'busy',
    processing: 1,
    job_stuck: true,
    busy_since: ago(now, 2400),
    stuck_since: ago(now, 600),
  },
});

function scaleFleet(now: Date): WorkerStatus[] {
  const patches = SCALE_FLEET_PATCHES(now);
  const baseSize = baseWorkers(now).length;
  const perHost = (SCALE_FLEET_SIZE - baseSize) / SCALE_FLEET_RENDER_HOSTS.length;
  return largeFleet(
    now,
    SCALE_FLEET_SIZE,
    (name) => SCALE_FLEET_DOWN.includes(name),
    (name) => SCALE_FLEET_DEGRADED.includes(name),
  ).map((w, i) => ({
    ...w,
    host:
      i < baseSize
        ? w.host
        : (SCALE_FLEET_RENDER_HOSTS[Math.floor((i - baseSize) / perHost)] ?? w.host),
    ...patches[w.name],
  }));
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
    case 'fleet-500': {
      const fleet = scaleFleet(now);
      return document(now, fleet, { hosts: hostsOf(SCALE_FLEET_HOSTS, fleet) });
    }
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
