// The pure half of a worker's history: which state a collection saw, the bounded list of state
// changes, down periods derived from it, and how long the oldest dead letter has been seen.
import type { DownPeriod, WorkerStatus } from '@fleet/core/contracts';

/** A state change as kept in memory (times in ms; rendered as ISO strings when served). */
export interface Change {
  atMs: number;
  state: string;
}

/** Bounds of a timeline: a time window and a count (a flapping worker cannot grow it past it). */
export interface TimelineBounds {
  retentionMs: number;
  maxChanges: number;
}

/** The state the history records for one worker of a document (see HISTORY_STATES). */
export function historyState(worker: WorkerStatus): string {
  if (!worker.alive) return 'down';
  if (worker.heartbeat_stale) return 'stale';
  if (worker.job_stuck) return 'stuck';
  return worker.state ?? 'unknown';
}

/**
 * `changes` after seeing `state` at `atMs`: the same array when nothing changed, else a new one
 * with the change appended and what fell out of the window dropped, except the last change
 * before it (the state the window starts in).
 */
export function recordState(
  changes: readonly Change[],
  state: string,
  atMs: number,
  bounds: TimelineBounds,
): readonly Change[] {
  if (changes.at(-1)?.state === state) return changes;
  const next = withinWindow([...changes, { atMs, state }], atMs - bounds.retentionMs);
  return next.length > bounds.maxChanges ? next.slice(next.length - bounds.maxChanges) : next;
}

/**
 * The changes that tell the story from `cutoffMs` on: those after it, and the last one at or
 * before it (the state the window starts in).
 */
export function withinWindow(changes: readonly Change[], cutoffMs: number): readonly Change[] {
  let first = 0;
  while (first + 1 < changes.length && (changes[first + 1]?.atMs ?? 0) <= cutoffMs) first += 1;
  return first === 0 ? changes : changes.slice(first);
}

/** Runs of `down` in `changes` (oldest first); one still running ends at null. */
export function downPeriods(changes: readonly Change[], nowMs: number): DownPeriod[] {
  const periods: DownPeriod[] = [];
  changes.forEach((change, index) => {
    if (change.state !== 'down') return;
    const endMs = changes[index + 1]?.atMs ?? null;
    periods.push({
      from: new Date(change.atMs).toISOString(),
      to: endMs === null ? null : new Date(endMs).toISOString(),
      duration_s: Math.max(0, Math.round(((endMs ?? nowMs) - change.atMs) / 1000)),
    });
  });
  return periods;
}

/** The oldest dead letter as the exporter knows it: its digest and when it was first seen. */
export interface OldestDeadLetter {
  digest: string;
  seenAtMs: number;
}

/**
 * The oldest dead letter after a collection read the list's length and (maybe) its oldest item's
 * digest. An item first seen now is dated now: it was in the list at least since then, which is
 * all the list can tell (items carry no enqueue time the exporter may rely on). A collection that
 * did not read the item keeps what was known while the list is not empty.
 */
export function trackOldestDeadLetter(
  previous: OldestDeadLetter | null,
  count: number,
  digest: string | null,
  atMs: number,
): OldestDeadLetter | null {
  if (count === 0) return null;
  if (digest === null) return previous;
  if (previous?.digest === digest) return previous;
  return { digest, seenAtMs: atMs };
}
