import { z } from 'zod';
import { HostStatusSchema } from './host-status.js';
import { MaintenanceWindowSchema } from './maintenance.js';
import { LINK_STATUSES, LINK_TYPES, WORKER_KINDS } from './worker-kinds.js';

/**
 * One worker in the status document (docs/spec.md §3, LOCKED). The fields after `last_job_at`
 * are additive: consumers that only know the LOCKED ones keep working.
 */
export const WorkerStatusSchema = z
  .object({
    name: z.string(),
    kind: z.enum(WORKER_KINDS),
    alive: z.boolean(),
    state: z.string().nullable(),
    last_beat_age_s: z.number().int().nonnegative().nullable(),
    queue_depth: z.number().int().nonnegative(),
    dead_letter: z.number().int().nonnegative(),
    processing: z.number().int().nonnegative(),
    jobs_done: z.number().int().nonnegative(),
    jobs_failed: z.number().int().nonnegative(),
    last_job_at: z.string().nullable(),
    // Additive fields.
    host: z
      .string()
      .describe(
        'Where the worker runs: the name of one of `hosts` (the fleet file; unlisted workers: windows).',
      ),
    queue: z
      .string()
      .nullable()
      .describe('Pending-job list key, null for workers without a queue.'),
    in_fleet: z.boolean().describe('False for a worker that beats but is not in the fleet file.'),
    last_beat_at: z.string().nullable().describe('The heartbeat `ts`, when readable.'),
    mode: z.string().nullable().describe('The heartbeat `mode` (task-watcher only).'),
    heartbeat_error: z
      .string()
      .nullable()
      .describe(
        'Why a present heartbeat could not be read (bad JSON, wrong shape, WRONGTYPE, too large).',
      ),
    queue_error: z
      .string()
      .nullable()
      .describe('Why a queue figure could not be read (e.g. WRONGTYPE).'),
    clock_skew_s: z
      .number()
      .int()
      .nullable()
      .describe(
        "Signed seconds between the heartbeat `ts` and Redis's own clock (TIME) when the worker clock is off: positive = ahead (ts in the future, by 1 s or more), negative = behind (a ts that keeps moving with every beat yet sits more than a heartbeat TTL in the past). null when the clock looks right or cannot be judged (no ts, or a stale heartbeat).",
      ),
    heartbeat_invalid_fields: z
      .array(z.string())
      .describe(
        'Heartbeat fields that are missing or invalid; every other field is still used. heartbeat_error says why, field by field.',
      ),
    last_beat_seen_at: z
      .string()
      .nullable()
      .describe(
        'When the monitor (by its own clock) first saw the current `ts`: durations such as "last beat N ago" or "down for N" are measured from it, not from the worker clock.',
      ),
    heartbeat_stale: z
      .boolean()
      .describe(
        'The key exists (so `alive` stays true, docs/spec.md §3) but its `ts` has not moved for heartbeat_stale_after_s: a key without a TTL, or PERSISTed, whose worker stopped beating. Not drawn healthy.',
      ),
    job_stuck: z
      .boolean()
      .describe(
        'Busy for stuck_after_s with jobs_done/jobs_failed unchanged, or an in-flight list unchanged (head item and length) for stuck_after_s.',
      ),
    busy_since: z
      .string()
      .nullable()
      .describe('When the monitor first saw the current run of state `busy`; null when not busy.'),
    stuck_since: z
      .string()
      .nullable()
      .describe(
        'When job_stuck: since when nothing has moved (the start of the busy run without progress, or the last change of the in-flight list). Else null.',
      ),
    stuck_after_s: z
      .number()
      .int()
      .positive()
      .describe(
        'The stuck threshold of this worker (fleet file `stuck_after_s`, else the default).',
      ),
    maintenance: MaintenanceWindowSchema.nullable().describe(
      'The maintenance window this worker is under now (by its name, its host or `all`; the one that ends last), else null. Nothing is alerted for it meanwhile.',
    ),
    silenced_until: z
      .string()
      .nullable()
      .describe(
        "Until when (UTC) the worker's alerts are silenced (`/silence <worker|all>`, the 🔕 button; of the two, the one ending last), read from the alerting service's hash `<ALERT_KEY_PREFIX>silences`; null when no silence runs now.",
      ),
  })
  .meta({ id: 'WorkerStatus' });

export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export const LinkSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    type: z.enum(LINK_TYPES),
    status: z.enum(LINK_STATUSES),
    // Additive.
    worker: z.string().describe('The worker whose state decides this link.'),
  })
  .meta({ id: 'Link' });

export type Link = z.infer<typeof LinkSchema>;

/** The background SCAN pass that counts in-flight lists and finds unknown workers. */
export const ScanInfoSchema = z
  .object({
    complete: z.boolean().describe('False when the pass stopped at its deadline or key cap.'),
    stopped_by: z.enum(['deadline', 'key_cap']).nullable(),
    keys_scanned: z.number().int().nonnegative(),
    duration_ms: z.number().nonnegative(),
    finished_at: z.string().nullable(),
    age_s: z.number().int().nonnegative().nullable().describe('Seconds since the pass finished.'),
  })
  .meta({ id: 'ScanInfo' });

export type ScanInfo = z.infer<typeof ScanInfoSchema>;

/** Workers that beat without being in the fleet file, and what was left out of the document. */
export const UnlistedInfoSchema = z
  .object({
    count: z.number().int().nonnegative().describe('Unlisted workers in this document.'),
    limit: z.number().int().nonnegative().describe('At most this many are remembered.'),
    forget_after_s: z
      .number()
      .int()
      .positive()
      .describe('An unlisted worker without a heartbeat key for this long is forgotten.'),
    name_max_bytes: z.number().int().positive().describe('Longer names are dropped.'),
    dropped: z
      .object({
        too_many: z.number().int().nonnegative(),
        too_long: z.number().int().nonnegative(),
        unshowable: z.number().int().nonnegative(),
      })
      .describe(
        'Heartbeat keys the last SCAN pass left out of the document, by reason: past the limit (and no gone worker to replace), a name longer than name_max_bytes, or a name that cannot be shown (control characters, line/paragraph separators, invalid UTF-8).',
      ),
    unshowable_names: z
      .array(z.string())
      .describe(
        'A few of the unshowable names, escaped (\\xNN for a bad byte, \\uNNNN for a control character or separator), so they can be found and fixed.',
      ),
    forgotten: z
      .number()
      .int()
      .nonnegative()
      .describe(
        'Unlisted workers forgotten since the monitor started: gone for forget_after_s, or replaced by a live one while the limit was full.',
      ),
  })
  .meta({ id: 'UnlistedInfo' });

export type UnlistedInfo = z.infer<typeof UnlistedInfoSchema>;

/** `GET /api/agent-office/nodes` (docs/spec.md §3, LOCKED; fields after `links` are additive). */
export const StatusDocumentSchema = z
  .object({
    redis_ok: z.boolean(),
    paused: z.boolean(),
    paused_reason: z.string().nullable(),
    generated_at: z.string(),
    workers: z.array(WorkerStatusSchema),
    links: z.array(LinkSchema),
    // Additive.
    redis_error: z
      .string()
      .nullable()
      .describe('Why Redis could not be read, when redis_ok is false.'),
    stale: z
      .boolean()
      .describe('True when workers/links are the last good data because Redis cannot be read now.'),
    last_ok_at: z.string().nullable().describe('When Redis was last read successfully.'),
    collect_duration_ms: z.number().nonnegative(),
    scan: ScanInfoSchema.nullable(),
    heartbeat_stale_after_s: z
      .number()
      .int()
      .positive()
      .describe('A heartbeat whose `ts` has not moved for this long is stale.'),
    redis_evicted_keys: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('INFO evicted_keys: keys Redis has evicted under maxmemory since it started.'),
    redis_maxmemory_policy: z
      .string()
      .nullable()
      .describe(
        'INFO maxmemory_policy; with maxmemory set, an allkeys-* policy can evict heartbeats.',
      ),
    redis_maxmemory_bytes: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('INFO maxmemory (0 = no limit).'),
    redis_evicting: z
      .boolean()
      .describe(
        'True while Redis is evicting keys: evicted_keys rose within the last few minutes (the collector evicting hold, default 120 s). A heartbeat that vanishes now may have been evicted, not its worker dead.',
      ),
    redis_last_eviction_at: z
      .string()
      .nullable()
      .describe('When the monitor last saw evicted_keys rise (its own clock).'),
    unlisted_workers: UnlistedInfoSchema,
    maintenance_windows: z
      .array(MaintenanceWindowSchema)
      .describe(
        'Every maintenance window running now: the fleet file schedules and the /maintenance windows (read from the alerting service keys).',
      ),
    hosts: z
      .array(HostStatusSchema)
      .describe(
        "The hosts workers run on, in the fleet file's order (default nas, windows), then any other host a worker names; every workers[].host is one of them.",
      ),
  })
  .meta({
    id: 'StatusDocument',
    title: 'Fleet status document',
    description: 'GET /api/agent-office/nodes',
  });

export type StatusDocument = z.infer<typeof StatusDocumentSchema>;
