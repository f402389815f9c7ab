import type { WorkerStatus } from './contracts/status-document.js';
import type { ProcessingListReading } from './pipeline-plan.js';

/**
 * What the monitor remembers of one worker between collections, measured by its own clock: a
 * heartbeat says what the worker claims, this says what the monitor saw, and when.
 */
export interface WorkerTrack {
  /** The last valid `ts` seen, and when the monitor first saw it. */
  ts: string | null;
  tsSeenAtMs: number | null;
  /** Whether the monitor has seen `ts` change: until then, an old `ts` may be stale or skewed. */
  tsMoved: boolean;
  /** `ts` minus Redis's clock when the current `ts` was first seen. */
  tsGapMs: number | null;
  /** Start of the current run of `busy`, and of its last progress (a counter changing). */
  busySinceMs: number | null;
  progressAtMs: number | null;
  counters: string | null;
  /** Per in-flight list (by key bytes): its fingerprint and since when it has held it. */
  inflight: ReadonlyMap<string, { fingerprint: string; sinceMs: number }>;
  /** The last collection that found the heartbeat key. */
  lastAliveAtMs: number | null;
}

export const NEW_TRACK: WorkerTrack = {
  ts: null,
  tsSeenAtMs: null,
  tsMoved: false,
  tsGapMs: null,
  busySinceMs: null,
  progressAtMs: null,
  counters: null,
  inflight: new Map(),
  lastAliveAtMs: null,
};

export interface TrackingInput {
  /** The worker as this collection read it (docs/spec.md §3 fields filled in). */
  status: WorkerStatus;
  /** Its heartbeat `ts` in ms, when valid. */
  tsMs: number | null;
  processingLists: readonly ProcessingListReading[];
  stuckAfterMs: number;
}

export interface TrackingClock {
  /** The monitor's clock. */
  nowMs: number;
  /** Redis's clock (TIME) of the same collection; the monitor's when unknown. */
  redisNowMs: number | null;
}

export interface TrackingRules {
  /** A `ts` unmoved for this long is stale. */
  staleAfterMs: number;
  /** The heartbeat TTL: an EX-45 key cannot keep one `ts` longer, nor hold a `ts` older. */
  ttlMs: number;
}

/** Sub-second lead is ordinary jitter between two hosts' clocks, not skew worth reporting. */
const AHEAD_TOLERANCE_MS = 1000;

/**
 * One collection's step for one worker: the additive fields that need memory (last_beat_seen_at,
 * heartbeat_stale, clock_skew_s, busy_since, job_stuck, stuck_since), and the memory for the next.
 *
 * Stale and skewed differ in whether `ts` moves. Stale: the key exists but its `ts` has not
 * changed for `staleAfterMs` of the monitor's time — or, before the monitor has seen it change
 * at all (just after start), it has stayed put for a TTL while already older than `staleAfterMs`,
 * which no key written with EX 45 can do. Skewed: `ts` keeps changing but sits ahead of Redis's
 * clock, or more than a TTL behind it (measured when each new `ts` is first seen).
 */
export function trackWorker(
  previous: WorkerTrack,
  input: TrackingInput,
  clock: TrackingClock,
  rules: TrackingRules,
): { track: WorkerTrack; status: WorkerStatus } {
  const { status, tsMs } = input;
  const { nowMs } = clock;
  const referenceMs = clock.redisNowMs ?? nowMs;

  let { ts, tsSeenAtMs, tsMoved, tsGapMs } = previous;
  if (status.alive && tsMs !== null && status.last_beat_at !== ts) {
    tsMoved = ts !== null;
    ts = status.last_beat_at;
    tsSeenAtMs = nowMs;
    tsGapMs = tsMs - referenceMs;
  }
  const beating = status.alive && tsMs !== null && tsSeenAtMs !== null;
  const unchangedMs = beating ? nowMs - (tsSeenAtMs as number) : 0;
  const ageMs = beating ? referenceMs - (tsMs as number) : 0;
  const stale =
    beating &&
    (unchangedMs >= rules.staleAfterMs ||
      (!tsMoved && unchangedMs >= rules.ttlMs && ageMs >= rules.staleAfterMs));

  let skewS: number | null = null;
  if (beating && !stale && tsGapMs !== null) {
    if (tsGapMs >= AHEAD_TOLERANCE_MS) skewS = Math.floor(tsGapMs / 1000);
    else if (tsMoved && -tsGapMs > rules.ttlMs) skewS = -Math.floor(-tsGapMs / 1000);
  }

  // Busy without progress: the run starts when busy is first seen, and again at each change of
  // jobs_done/jobs_failed.
  const busy = status.alive && status.state === 'busy';
  const counters = `${status.jobs_done}/${status.jobs_failed}`;
  const busySinceMs = busy ? (previous.busySinceMs ?? nowMs) : null;
  const progressAtMs = !busy
    ? null
    : previous.progressAtMs === null || previous.counters !== counters
      ? nowMs
      : previous.progressAtMs;

  const inflight = new Map<string, { fingerprint: string; sinceMs: number }>();
  for (const list of input.processingLists) {
    if (list.fingerprint === null) continue;
    const before = previous.inflight.get(list.id);
    inflight.set(list.id, {
      fingerprint: list.fingerprint,
      sinceMs: before?.fingerprint === list.fingerprint ? before.sinceMs : nowMs,
    });
  }

  const stuckSince = [progressAtMs, ...[...inflight.values()].map((list) => list.sinceMs)]
    .filter((since): since is number => since !== null && nowMs - since >= input.stuckAfterMs)
    .reduce<number | null>((earliest, since) => Math.min(earliest ?? since, since), null);

  return {
    track: {
      ts,
      tsSeenAtMs,
      tsMoved,
      tsGapMs,
      busySinceMs,
      progressAtMs,
      counters: busy ? counters : null,
      inflight,
      lastAliveAtMs: status.alive ? nowMs : previous.lastAliveAtMs,
    },
    status: {
      ...status,
      last_beat_at: status.last_beat_at ?? ts,
      last_beat_seen_at: iso(tsSeenAtMs),
      heartbeat_stale: stale,
      clock_skew_s: skewS,
      busy_since: iso(busySinceMs),
      job_stuck: stuckSince !== null,
      stuck_since: iso(stuckSince),
      stuck_after_s: Math.round(input.stuckAfterMs / 1000),
    },
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
