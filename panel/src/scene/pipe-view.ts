import type { WorkerView } from '../worker-views.js';
import type { PipeLayout } from './scene-layout.js';

/**
 * The view a pipe is drawn with: its worker's; for a group's pipe, its busiest member's (every
 * member is calm, so they share a status, and the busiest sets how fast the traffic runs).
 */
export function pipeView(
  views: ReadonlyMap<string, WorkerView>,
  pipe: Pick<PipeLayout, 'worker' | 'members'>,
): WorkerView | undefined {
  if (!pipe.members) return views.get(pipe.worker);
  let busiest: WorkerView | undefined;
  for (const member of pipe.members) {
    const view = views.get(member);
    if (view && (!busiest || view.speed > busiest.speed)) busiest = view;
  }
  return busiest;
}
