import type { StatusDocument, WorkerStatus } from '@fleet/core/contracts/data';

/** What the panel knows right now. Replaced (never mutated) on every change. */
export interface PanelSnapshot {
  /** The last good status document, or null before the first one. */
  doc: StatusDocument | null;
  /** The shown data is old: the last poll failed, or the collector itself serves old data. */
  stale: boolean;
  /** Why the last poll failed, null after a success. */
  error: string | null;
  /** Browser time (epoch ms) when `doc` arrived. */
  receivedAt: number | null;
  /**
   * Browser time of each worker's last known heartbeat, remembered across polls so a worker
   * whose key has vanished can still say "last beat Ns ago".
   */
  lastBeatAt: ReadonlyMap<string, number>;
}

export const EMPTY_SNAPSHOT: PanelSnapshot = {
  doc: null,
  stale: false,
  error: null,
  receivedAt: null,
  lastBeatAt: new Map(),
};

function beatTime(worker: WorkerStatus, doc: StatusDocument, receivedAt: number): number | null {
  if (worker.last_beat_age_s !== null) return receivedAt - worker.last_beat_age_s * 1000;
  // Measured against the document's own clock, so browser/server skew does not matter.
  const generated = Date.parse(doc.generated_at);
  const beat = worker.last_beat_at ? Date.parse(worker.last_beat_at) : Number.NaN;
  if (Number.isNaN(generated) || Number.isNaN(beat)) return null;
  return receivedAt - Math.max(0, generated - beat);
}

/**
 * A tiny external store: DOM parts subscribe with `useSyncExternalStore`, the 3D scene reads
 * `getSnapshot()` inside `useFrame`, so a poll never re-renders the scene graph.
 */
export class StatusStore {
  private snapshot: PanelSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(initial: PanelSnapshot = EMPTY_SNAPSHOT) {
    this.snapshot = initial;
  }

  readonly getSnapshot = (): PanelSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A good document arrived at browser time `now`. */
  acceptDocument(doc: StatusDocument, now: number): void {
    const lastBeatAt = new Map(this.snapshot.lastBeatAt);
    for (const worker of doc.workers) {
      const at = beatTime(worker, doc, now);
      if (at !== null) lastBeatAt.set(worker.name, at);
    }
    this.publish({ doc, stale: doc.stale === true, error: null, receivedAt: now, lastBeatAt });
  }

  /** A poll failed: keep the last good document, marked stale. */
  acceptError(message: string): void {
    this.publish({ ...this.snapshot, stale: true, error: message });
  }

  private publish(next: PanelSnapshot): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

/** Seconds since a worker's last known beat at browser time `now`, or null when never seen. */
export function beatAgeAt(snapshot: PanelSnapshot, worker: string, now: number): number | null {
  const at = snapshot.lastBeatAt.get(worker);
  return at === undefined ? null : Math.max(0, Math.floor((now - at) / 1000));
}
