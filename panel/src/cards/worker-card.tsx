import { useWorkerSelect } from '../detail/worker-select.js';
import {
  BUSY_CUE,
  cardStatus,
  lastBeatText,
  SILENCED_CUE,
  STATUS_VISUALS,
  STUCK_BADGE,
  silencedLabel,
  workerStateLabel,
} from '../status-visuals.js';
import type { WorkerView } from '../worker-views.js';

export interface WorkerCardProps {
  view: WorkerView;
  /** Seconds since the last known beat, null when none was seen. */
  beatAgeS: number | null;
  /** Its place in the whole list (1-based) and the list's length: the list renders only some cards. */
  position: number;
  total: number;
}

function pipeText(view: WorkerView): string {
  if (!view.link) return 'no pipe';
  return view.link.type === 'http-pull'
    ? `${view.worker.name} ⇄ NAS stock`
    : 'NAS → Redis bus → worker';
}

/** What the worker is doing beyond its label, for the kinds whose figures say little. */
function doingText(view: WorkerView): string | null {
  const { worker } = view;
  if (!worker.alive) return null;
  if (worker.kind === 'watcher')
    return `mode: ${worker.mode ?? worker.state ?? 'unknown'}${worker.state === 'trading' ? ' · render work paused' : ''}`;
  if (worker.kind === 'trader')
    return worker.state === 'market_open'
      ? 'market open · trading'
      : worker.state === 'market_closed'
        ? 'market closed'
        : null;
  if (view.busy) return `${BUSY_CUE.text} · ${worker.processing} in flight`;
  return null;
}

/** One worker in the 2D view: name, state label, queue depth, dead letters, last beat age. */
export function WorkerCard({ view, beatAgeS, position, total }: WorkerCardProps) {
  const { worker, status } = view;
  const visual = STATUS_VISUALS[status];
  const doing = doingText(view);
  const silenced = silencedLabel(worker.silenced_until);
  const select = useWorkerSelect();
  return (
    // A div, not an li: the virtualised list wraps each row of cards in a positioned box.
    // biome-ignore lint/a11y/useSemanticElements: see above
    <div
      role="listitem"
      aria-posinset={position}
      aria-setsize={total}
      className={`fp-card fp-status-${status}${view.busy ? ' fp-card-busy' : ''}`}
      data-worker={worker.name}
      data-status={cardStatus(worker, view.link)}
      data-busy={view.busy ? 'true' : undefined}
      style={{ '--fp-status': visual.color } as React.CSSProperties}
    >
      {view.busy && <span className="fp-card-busy-bar" aria-hidden="true" />}
      <div className="fp-card-head">
        <span className="fp-card-icon" role="img" aria-label={visual.text} title={visual.text}>
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
        {view.busy && (
          <span className="fp-card-busy-chip" title="busy: working a job now">
            <span aria-hidden="true">{BUSY_CUE.icon}</span> {BUSY_CUE.text}
          </span>
        )}
        <span className="fp-card-kind">{worker.kind}</span>
      </div>
      <p className="fp-card-state">{workerStateLabel(worker)}</p>
      {doing && <p className="fp-card-doing">{doing}</p>}
      {silenced && (
        <p
          className="fp-card-silenced"
          data-silenced-until={worker.silenced_until ?? undefined}
          title={SILENCED_CUE.title}
        >
          {silenced}
        </p>
      )}
      <dl className="fp-card-figures">
        <div title="jobs waiting in its queue">
          <dt>queue</dt>
          <dd>{worker.queue === null ? '—' : worker.queue_depth}</dd>
        </div>
        <div
          className={worker.dead_letter > 0 ? 'fp-figure-bad' : undefined}
          title="dead letters (DL): failed jobs kept for a person to look at"
        >
          <dt>dead letters</dt>
          <dd>
            {worker.dead_letter > 0 && <span aria-hidden="true">❌ </span>}
            {worker.queue === null ? '—' : worker.dead_letter}
          </dd>
        </div>
        <div title="seconds since its last heartbeat">
          <dt>last beat</dt>
          <dd>{beatAgeS === null ? 'never' : `${beatAgeS}s`}</dd>
        </div>
      </dl>
      <p className="fp-card-pipe">
        <span className="fp-card-pipe-status">
          <span aria-hidden="true">{visual.icon}</span> {visual.text}
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
    </div>
  );
}
