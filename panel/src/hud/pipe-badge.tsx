import { lastBeatText } from '../status-visuals.js';
import type { WorkerView } from '../worker-views.js';

export interface PipeBadgeProps {
  /** Ref that pins the badge to its pipe's marker point. */
  anchor: (element: HTMLElement | null) => void;
  worker: string;
  /** A crowded grid: icon and count only (the HUD carries the rest). */
  compact: boolean;
  view: WorkerView | undefined;
  /** Seconds since the last known beat, null when none was seen. */
  beatAgeS: number | null;
}

/** The badge on a pipe: ⚠, the last beat and the waiting jobs where a down pipe is cut, ❌ and the dead letters, ⏸. */
export function PipeBadge({ anchor, worker, compact, view, beatAgeS }: PipeBadgeProps) {
  const status = view?.status;
  return (
    <div className="fp-anchor" ref={anchor}>
      {status === 'down' && (
        <div className="fp-badge fp-badge-down" data-badge="down" data-worker={worker}>
          <span aria-hidden="true">⚠</span> {compact ? '' : lastBeatText(beatAgeS)}
          {/* A compact chip leaves the backlog to the HUD over the blade. */}
          {!compact && view?.worker.queue && view.worker.queue_depth > 0 && (
            <span title="jobs waiting in its queue" data-backlog={view.worker.queue_depth}>
              · {view.worker.queue_depth} queued
            </span>
          )}
        </div>
      )}
      {status === 'degraded' && (
        <div
          className="fp-badge fp-badge-degraded"
          data-badge="degraded"
          data-worker={worker}
          title="dead letters"
        >
          <span aria-hidden="true">❌</span> {view?.worker.dead_letter}
        </div>
      )}
      {status === 'paused' && (
        <div className="fp-badge fp-badge-paused" data-badge="paused" data-worker={worker}>
          <span aria-hidden="true">⏸</span>
        </div>
      )}
    </div>
  );
}
