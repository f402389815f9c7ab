import type { DrawnStatus } from '../status-visuals.js';
import type { WorkerView } from '../worker-views.js';

/** What a group node says about its members. */
export interface GroupTally {
  total: number;
  busy: number;
  /** Jobs waiting in the members' queues, together. */
  queued: number;
  /** The members' shared status (they are all calm): healthy, paused with the fleet, or unknown. */
  status: DrawnStatus;
  /** The members' kind when they share one, else null. */
  kind: string | null;
}

/** Counts a group's members in one pass: how many, how many busy, their queues. */
export function groupTally(
  views: ReadonlyMap<string, WorkerView>,
  members: readonly string[],
): GroupTally {
  let busy = 0;
  let queued = 0;
  let status: DrawnStatus | null = null;
  let kind: string | null | undefined;
  for (const member of members) {
    const view = views.get(member);
    if (!view) continue;
    if (view.busy) busy += 1;
    queued += view.worker.queue_depth;
    status ??= view.status;
    kind = kind === undefined || kind === view.worker.kind ? view.worker.kind : null;
  }
  return { total: members.length, busy, queued, status: status ?? 'unknown', kind: kind ?? null };
}
