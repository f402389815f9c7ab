import { unlistedWorker } from './contracts/fleet.js';
import {
  describeFieldErrors,
  type HeartbeatFields,
  MAX_HEARTBEAT_BYTES,
  parseHeartbeat,
} from './contracts/heartbeat.js';
import { beatAge } from './contracts/link-status.js';
import type { WorkerStatus } from './contracts/status-document.js';
import type { WorkerReading } from './pipeline-plan.js';

/** A worker busy this long without progress is stuck, unless its fleet entry says otherwise. */
export const DEFAULT_STUCK_AFTER_S = 30 * 60;

export interface WorkerOutcome {
  status: WorkerStatus;
  /** The heartbeat's valid fields, when one was present and a JSON object. */
  heartbeat: HeartbeatFields | null;
}

/**
 * docs/spec.md §3 for one worker, from what one collection read. `alive` means a string heartbeat key
 * exists (the worker is SETting it), even when its content is unreadable; a key of another type
 * is not a heartbeat any worker wrote. `lastBeatAt` is the `ts` of the last valid heartbeat seen,
 * kept so a dead worker still says when it last beat.
 */
export function workerStatus(
  reading: WorkerReading,
  nowMs: number,
  lastBeatAt: string | null,
): WorkerOutcome {
  const { spec, inFleet } = reading.target;
  const base: WorkerStatus = {
    name: spec.name,
    kind: spec.kind,
    alive: false,
    state: null,
    last_beat_age_s: null,
    queue_depth: reading.queueDepth,
    dead_letter: reading.deadLetter,
    processing: reading.processing,
    jobs_done: 0,
    jobs_failed: 0,
    last_job_at: null,
    host: spec.host,
    queue: spec.queue,
    in_fleet: inFleet,
    last_beat_at: lastBeatAt,
    mode: null,
    heartbeat_error: null,
    queue_error: reading.queueErrors.length > 0 ? reading.queueErrors.join('; ') : null,
    clock_skew_s: null,
    heartbeat_invalid_fields: [],
    last_beat_seen_at: null,
    heartbeat_stale: false,
    job_stuck: false,
    busy_since: null,
    stuck_since: null,
    stuck_after_s: spec.stuckAfterS ?? DEFAULT_STUCK_AFTER_S,
    // Filled in by the collector, which knows the windows and the silences.
    maintenance: null,
    silenced_until: null,
  };
  const beat = reading.heartbeat;
  switch (beat.status) {
    case 'missing':
      return { status: base, heartbeat: null };
    case 'unreadable':
      return { status: { ...base, heartbeat_error: beat.error }, heartbeat: null };
    case 'too_large':
      return {
        status: {
          ...base,
          alive: true,
          heartbeat_error: `value too large (over ${MAX_HEARTBEAT_BYTES} bytes)`,
        },
        heartbeat: null,
      };
    case 'present':
      break;
  }
  const parsed = parseHeartbeat(beat.raw, {
    name: spec.name,
    kind: inFleet ? spec.kind : null,
  });
  if (!parsed.ok) {
    return { status: { ...base, alive: true, heartbeat_error: parsed.error }, heartbeat: null };
  }
  const { fields, errors } = parsed;
  const age = fields.tsMs === null ? null : beatAge(fields.tsMs, nowMs);
  const kind = inFleet ? spec.kind : (fields.kind ?? spec.kind);
  // An unlisted worker was read as its provisional kind; its heartbeat may say another, whose
  // queue is another (none for a watcher or trader).
  const queue = kind === spec.kind ? spec.queue : unlistedWorker(spec.name, kind).queue;
  return {
    status: {
      ...base,
      kind,
      queue,
      ...(queue === null ? { queue_depth: 0, dead_letter: 0, queue_error: null } : {}),
      alive: true,
      state: fields.state,
      last_beat_age_s: age,
      jobs_done: fields.jobs_done ?? 0,
      jobs_failed: fields.jobs_failed ?? 0,
      last_job_at: fields.last_job_at,
      last_beat_at: fields.tsMs === null ? lastBeatAt : fields.ts,
      mode: fields.mode,
      heartbeat_error: describeFieldErrors(errors),
      heartbeat_invalid_fields: errors.map((e) => e.field),
    },
    heartbeat: fields,
  };
}
