import { useWorkerSelect } from '../detail/worker-select.js';
import {
  cardStatus,
  lastBeatText,
  STATUS_VISUALS,
  STUCK_BADGE,
  workerStateLabel,
} from '../status-visuals.js';
import type { WorkerView } from '../worker-views.js';

export interface WorkerCardProps {
  view: WorkerView;
  /** Seconds since the last known beat, null when none was seen. */
  beatAgeS: number | null;
}

function pipeText(view: WorkerView): string {
  if (!view.link) return 'no pipe';
  return view.link.type === 'http-pull'
    ? `${view.worker.name} ⇄ NAS stock`
    : 'NAS → Redis bus → worker';
}

/** One worker in the 2D view: name, state label, queue depth, dead letters, last beat age. */
export function WorkerCard({ view, beatAgeS }: WorkerCardProps) {
  const { worker, status } = view;
  const visual = STATUS_VISUALS[status];
  const select = useWorkerSelect();
  return (
    <li
      className={`fp-card fp-status-${status}`}
      data-worker={worker.name}
      data-status={cardStatus(worker, view.link)}
      style={{ '--fp-status': visual.color } as React.CSSProperties}
    >
      <div className="fp-card-head">
        <span className="fp-card-icon" aria-hidden="true">
          {visual.icon}
        </span>
        <h2 className="fp-card-name">
          {select ? (
            // Stretched over the whole card (CSS): a click anywhere, or Enter/Space on it, opens.
            <button
              type="button"
              className="fp-card-open"
              aria-haspopup="dialog"
              aria-label={`${worker.name}: details of the last hour`}
              onClick={() => select(worker.name)}
            >
              {worker.name}
            </button>
          ) : (
            worker.name
          )}
        </h2>
        <span className="fp-card-kind">{worker.kind}</span>
      </div>
      <p className="fp-card-state">{workerStateLabel(worker)}</p>
      <dl className="fp-card-figures">
        <div>
          <dt>queue</dt>
          <dd>{worker.queue === null ? '—' : worker.queue_depth}</dd>
        </div>
        <div className={worker.dead_letter > 0 ? 'fp-figure-bad' : undefined}>
          <dt>dead letters</dt>
          <dd>
            {worker.dead_letter > 0 && <span aria-hidden="true">❌ </span>}
            {worker.queue === null ? '—' : worker.dead_letter}
          </dd>
        </div>
        <div>
          <dt>last beat</dt>
          <dd>{beatAgeS === null ? 'never' : `${beatAgeS}s`}</dd>
        </div>
      </dl>
      <p className="fp-card-pipe">
        <span className="fp-card-pipe-status">
          {visual.icon} {visual.text}
        </span>
        <span>{pipeText(view)}</span>
      </p>
      {!worker.alive && <p className="fp-card-warning">⚠ {lastBeatText(beatAgeS)}</p>}
      {worker.alive && worker.heartbeat_stale && (
        <p className="fp-card-warning">⚠ heartbeat stale: {lastBeatText(beatAgeS)}</p>
      )}
      {worker.job_stuck && (
        <p className="fp-card-warning fp-card-stuck" data-stuck-since={worker.stuck_since ?? ''}>
          {STUCK_BADGE}
        </p>
      )}
      {worker.heartbeat_error && (
        <p className="fp-card-warning">heartbeat unreadable: {worker.heartbeat_error}</p>
      )}
    </li>
  );
}
