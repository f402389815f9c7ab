/** Redis key names written by the workers (docs/spec.md §1–2, LOCKED). */
export const redisKeys = {
  heartbeat: (worker: string) => `worker:${worker}:heartbeat`,
  queuePaused: 'queue:paused',
  defaultQueue: (worker: string) => `queue:${worker}`,
  deadLetter: (queue: string) => `dead_letter:${queue}`,
  processingPrefix: (queue: string) => `processing:${queue}:`,
} as const;

/** Heartbeat TTL the workers set (docs/spec.md §1): a key older than this has vanished. */
export const HEARTBEAT_TTL_S = 45;
/** How often the workers beat (docs/spec.md §1). */
export const HEARTBEAT_INTERVAL_S = 15;

/** The alerting service's key prefix when ALERT_KEY_PREFIX is not set. */
export const DEFAULT_ALERT_KEY_PREFIX = 'fleet-alerting:';

/** Keys of the alerting service that another service reads (the exporter, read-only). */
export const alertingKeys = {
  /** Hash: one-off maintenance window id → JSON (`StoredMaintenanceSchema`). */
  maintenance: (prefix: string) => `${prefix}maintenance`,
  /** Hash: silence target (a worker name or `SILENCE_ALL`) → until when (epoch ms, a decimal string). */
  silences: (prefix: string) => `${prefix}silences`,
} as const;

/** The silence target that covers every worker and Redis. */
export const SILENCE_ALL = 'all';
