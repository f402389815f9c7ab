import { isPausedState, type LinkStatus, type LinkType, type WorkerKind } from './worker-kinds.js';

/** What decides a link's status: the worker it leads to, and its dead letters. */
export interface LinkInput {
  alive: boolean;
  kind: WorkerKind;
  state: string | null;
  dead_letter: number;
}

/**
 * docs/spec.md §3. A `redis-queue` link, first match wins: not alive → down; a pausing state (the render
 * worker's `paused`, see `WORKER_KIND_TABLE`) → paused; dead letters → degraded; else healthy.
 * An `http-pull` link is healthy while its worker is alive.
 */
export function linkStatus(type: LinkType, worker: LinkInput): LinkStatus {
  if (!worker.alive) return 'down';
  if (type === 'http-pull') return 'healthy';
  if (isPausedState(worker.kind, worker.state)) return 'paused';
  if (worker.dead_letter > 0) return 'degraded';
  return 'healthy';
}

/** Whole seconds from `ts` to `now`, never negative; the excess is reported as clock skew. */
export function beatAge(
  tsMs: number,
  nowMs: number,
): { age_s: number; clock_skew_s: number | null } {
  const deltaMs = nowMs - tsMs;
  if (deltaMs >= 0) return { age_s: Math.floor(deltaMs / 1000), clock_skew_s: null };
  // Sub-second lead is ordinary jitter between two hosts' clocks, not skew worth reporting.
  const skew = Math.floor(-deltaMs / 1000);
  return { age_s: 0, clock_skew_s: skew > 0 ? skew : null };
}
