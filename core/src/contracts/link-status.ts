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

/** Whole seconds from `ts` to `now`, never negative (docs/spec.md §3); a `ts` ahead counts as 0. */
export function beatAge(tsMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - tsMs) / 1000));
}
