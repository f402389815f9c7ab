import {
  DEFAULT_HOSTS,
  hostsOf,
  type MaintenanceWindow,
  type StatusDocument,
  type WorkerStatus,
} from '@fleet/core/contracts';

/** A worker as a test describes it: only what the case is about. */
export interface WorkerSketch {
  name: string;
  alive: boolean;
  deadLetter?: number;
  depth?: number;
  jobsDone?: number;
  state?: string;
  inFleet?: boolean;
  lastBeatAt?: string;
  /** The document flags the heartbeat stale. */
  stale?: boolean;
  /** The document flags a stuck job, stuck since this ISO time. */
  jobStuckSince?: string;
  /** The maintenance window the worker is under. */
  maintenance?: MaintenanceWindow;
}

export function workerStatus(sketch: WorkerSketch): WorkerStatus {
  return {
    name: sketch.name,
    kind: 'render',
    alive: sketch.alive,
    state: sketch.alive ? (sketch.state ?? 'idle') : null,
    last_beat_age_s: sketch.alive ? 1 : null,
    queue_depth: sketch.depth ?? 0,
    dead_letter: sketch.deadLetter ?? 0,
    processing: 0,
    jobs_done: sketch.jobsDone ?? 0,
    jobs_failed: 0,
    last_job_at: null,
    host: 'windows',
    queue: `queue:${sketch.name}`,
    in_fleet: sketch.inFleet ?? true,
    last_beat_at: sketch.alive ? (sketch.lastBeatAt ?? '2024-01-01T00:00:00Z') : null,
    mode: null,
    heartbeat_error: null,
    queue_error: null,
    clock_skew_s: null,
    heartbeat_invalid_fields: [],
    last_beat_seen_at: null,
    heartbeat_stale: sketch.stale ?? false,
    job_stuck: sketch.jobStuckSince !== undefined,
    busy_since: null,
    stuck_since: sketch.jobStuckSince ?? null,
    stuck_after_s: 1800,
    maintenance: sketch.maintenance ?? null,
    silenced_until: null,
  };
}

export function statusDocument(
  workers: WorkerSketch[],
  options: {
    redisOk?: boolean;
    paused?: boolean;
    redisError?: string;
    evicting?: boolean;
    /** Running maintenance windows (by default those the workers are under). */
    maintenance?: MaintenanceWindow[];
  } = {},
): StatusDocument {
  const redisOk = options.redisOk ?? true;
  const statuses = workers.map(workerStatus);
  return {
    redis_ok: redisOk,
    paused: options.paused ?? false,
    paused_reason: options.paused ? 'trading' : null,
    generated_at: '2024-01-01T00:00:00Z',
    workers: statuses,
    links: [],
    redis_error: redisOk ? null : (options.redisError ?? 'connect ECONNREFUSED'),
    stale: !redisOk,
    last_ok_at: null,
    collect_duration_ms: 1,
    scan: null,
    heartbeat_stale_after_s: 135,
    redis_evicted_keys: null,
    redis_maxmemory_policy: options.evicting ? 'allkeys-lru' : null,
    redis_maxmemory_bytes: null,
    redis_evicting: options.evicting ?? false,
    redis_last_eviction_at: null,
    hosts: hostsOf(DEFAULT_HOSTS, statuses),
    unlisted_workers: {
      count: 0,
      limit: 1000,
      forget_after_s: 3600,
      name_max_bytes: 200,
      dropped: { too_many: 0, too_long: 0, unshowable: 0 },
      unshowable_names: [],
      forgotten: 0,
    },
    maintenance_windows:
      options.maintenance ??
      workers.flatMap((worker) => (worker.maintenance ? [worker.maintenance] : [])),
  };
}
