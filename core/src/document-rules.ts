import type { Fleet, WorkerSpec } from './contracts/fleet.js';
import { linkStatus } from './contracts/link-status.js';
import type { Link, WorkerStatus } from './contracts/status-document.js';
import { WORKER_KIND_TABLE } from './contracts/worker-kinds.js';
import { workerStatus } from './worker-status.js';

/** The links of docs/spec.md §3, one per worker whose spec draws one, in worker order. */
export function linksOf(
  workers: readonly WorkerStatus[],
  specs: ReadonlyMap<string, WorkerSpec>,
): Link[] {
  return workers.flatMap((worker) => {
    const link = specs.get(worker.name)?.link;
    if (!link) return [];
    return [{ ...link, status: linkStatus(link.type, worker), worker: worker.name }];
  });
}

/**
 * docs/spec.md §3: the `mode` of the first worker whose kind reports one (the watcher) when
 * present, else "trading" while paused, else null.
 */
export function pausedReasonOf(paused: boolean, workers: readonly WorkerStatus[]): string | null {
  const mode = workers.find(
    (worker) => WORKER_KIND_TABLE[worker.kind].mode && worker.mode !== null,
  )?.mode;
  return mode ?? (paused ? 'trading' : null);
}

/** The fleet as known before Redis was ever read: every worker listed, none alive. */
export function unreadWorkers(fleet: Fleet): WorkerStatus[] {
  return fleet.workers.map(
    (spec) =>
      workerStatus(
        {
          target: { spec, inFleet: true, processingKeys: [], readDeadLetterHead: false },
          heartbeat: { status: 'missing' },
          queueDepth: 0,
          deadLetter: 0,
          processing: 0,
          processingLists: [],
          deadLetterHead: null,
          queueErrors: [],
        },
        0,
        null,
      ).status,
  );
}
