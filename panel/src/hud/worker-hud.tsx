import { useWorkerSelect } from '../detail/worker-select.js';
import {
  lastBeatText,
  SILENCED_CUE,
  STATUS_VISUALS,
  STUCK_BADGE,
  silencedLabel,
  workerStateLabel,
} from '../status-visuals.js';
import type { WorkerView } from '../worker-views.js';

export interface WorkerHudProps {
  /** Ref that pins the HUD over the worker's blade. */
  anchor: (element: HTMLElement | null) => void;
  name: string;
  view: WorkerView | undefined;
  /** Seconds since the last known beat, null when none was seen. */
  beatAgeS: number | null;
}

/** The HUD over a worker node: name, state label, queue depth and dead letters. */
export function WorkerHud({ anchor, name, view, beatAgeS }: WorkerHudProps) {
  const worker = view?.worker;
  const status = view?.status ?? 'unknown';
  const select = useWorkerSelect();
  return (
    <div className="fp-anchor" ref={anchor}>
      <div
        className={`fp-hud fp-status-${status}`}
        data-hud={name}
        data-status={status}
        data-busy={view?.busy ? 'true' : undefined}
        style={{ '--fp-status': STATUS_VISUALS[status].color } as React.CSSProperties}
      >
        <div className="fp-hud-head">
          {select ? (
            // The canvas is aria-hidden and takes the clicks; this is the keyboard's way in.
            <button
              type="button"
              className="fp-hud-name fp-hud-open"
              aria-haspopup="dialog"
              aria-label={`${name}: details of the last hour`}
              onClick={() => select(name)}
            >
              {name}
            </button>
          ) : (
            <span className="fp-hud-name">{name}</span>
          )}
          <span className="fp-hud-kind">
            {worker?.alive && worker.heartbeat_stale
              ? 'stale'
              : status === 'unknown' && worker
                ? 'last known'
                : (worker?.kind ?? '')}
          </span>
        </div>
        <div className="fp-hud-state">
          {worker ? workerStateLabel(worker) : '—'}
          {worker?.silenced_until && (
            // Only the icon here (the HUD is small); the time is in its title and the detail view.
            <span
              className="fp-hud-silenced"
              data-silenced-until={worker.silenced_until}
              role="img"
              aria-label={silencedLabel(worker.silenced_until) ?? undefined}
              title={`${silencedLabel(worker.silenced_until)} — ${SILENCED_CUE.title}`}
            >
              {' '}
              {SILENCED_CUE.icon}
            </span>
          )}
          {worker?.job_stuck && (
            <span className="fp-hud-bad fp-hud-stuck" data-stuck="true">
              {' '}
              {STUCK_BADGE}
            </span>
          )}
        </div>
        <div className="fp-hud-figures">
          {worker && (!worker.alive || worker.heartbeat_stale) ? (
            <>
              {/* The backlog behind a dead worker is the number that matters then. */}
              {worker.queue && (
                <span
                  title="jobs waiting in its queue"
                  className={worker.queue_depth > 0 ? 'fp-hud-bad' : undefined}
                  data-backlog={worker.queue_depth}
                >
                  queue <b>{worker.queue_depth}</b>
                </span>
              )}
              <span className="fp-hud-warn">⚠ {lastBeatText(beatAgeS)}</span>
            </>
          ) : worker?.queue ? (
            <>
              <span title="queue depth">
                queue <b>{worker.queue_depth}</b>
              </span>
              <span
                title="dead letters"
                className={worker.dead_letter > 0 ? 'fp-hud-bad' : undefined}
              >
                {worker.dead_letter > 0 ? '❌' : 'DL'} <b>{worker.dead_letter}</b>
              </span>
              {worker.processing > 0 && (
                <span title="jobs in flight">
                  ⚙ <b>{worker.processing}</b>
                </span>
              )}
            </>
          ) : (
            <span className="fp-hud-muted">
              {worker?.mode ? `mode ${worker.mode}` : 'no queue'}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
