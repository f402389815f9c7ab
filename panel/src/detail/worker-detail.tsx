import type { WorkerHistory, WorkerStatus } from '@fleet/core/contracts/data';
import { useEffect, useId, useRef } from 'react';
import type { MockState } from '../mock-documents.js';
import type { StatusStore } from '../status-store.js';
import { SILENCED_CUE, silencedLabel, workerStateLabel } from '../status-visuals.js';
import { usePanelSnapshot } from '../use-panel-snapshot.js';
import { deepActiveElement } from './deep-active-element.js';
import { Sparkline } from './sparkline.js';
import { StateTimelineBar, stateColor } from './state-timeline-bar.js';
import { useWorkerHistory } from './use-worker-history.js';

export interface WorkerDetailProps {
  worker: string;
  store: StatusStore;
  endpoint: string;
  mock: MockState | null;
  onClose: () => void;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

/** "4m 10s", "1h 02m", "12s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function ago(isoTime: string | null, nowMs: number): string {
  if (isoTime === null) return 'never';
  const ms = Date.parse(isoTime);
  return `${formatDuration((nowMs - ms) / 1000)} ago (${clock(ms)})`;
}

/**
 * A worker's story over the last hour, as a modal dialog (a drawer on phones): its states and
 * down periods, queue charts, dead letters, last job and heartbeat. Escape or the close button
 * closes it and focus goes back where it was.
 */
/** The three charts of the detail, one per series of the history. */
const SPARKLINES = [
  { label: 'queue depth', field: 'queue_depth', color: '#38bdf8' },
  { label: 'dead letters', field: 'dead_letter', color: '#f87171' },
  { label: 'in flight', field: 'processing', color: '#a3e635' },
] as const;

export function WorkerDetail({ worker, store, endpoint, mock, onClose }: WorkerDetailProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const snapshot = usePanelSnapshot(store);
  const status = snapshot.doc?.workers.find((w) => w.name === worker);
  const { history, error } = useWorkerHistory(worker, endpoint, mock, store);

  useEffect(() => {
    const opener = deepActiveElement();
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => {
      if (element?.open) element.close();
      opener?.focus?.();
    };
  }, []);

  const nowMs = history ? Date.parse(history.generated_at) : Date.now();
  const fromMs = nowMs - (history?.retention_s ?? 3600) * 1000;
  return (
    <dialog
      ref={dialog}
      className="fp-detail"
      aria-modal="true"
      aria-labelledby={titleId}
      data-detail={worker}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes.
        if (event.target === event.currentTarget) onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <div className="fp-detail-body">
        <header className="fp-detail-head">
          <h2 id={titleId}>
            {worker}
            {status && <span className="fp-detail-kind">{status.kind}</span>}
          </h2>
          <button type="button" className="fp-detail-close" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {status && <CurrentState status={status} />}
        {error && !history && (
          <p className="fp-detail-note" role="status">
            History unavailable: {error}
          </p>
        )}
        {!history && !error && <p className="fp-detail-note">Loading the last hour…</p>}
        {history && <HistoryView history={history} fromMs={fromMs} nowMs={nowMs} />}
      </div>
    </dialog>
  );
}

function CurrentState({ status }: { status: WorkerStatus }) {
  const maintenance = status.maintenance;
  const silenced = silencedLabel(status.silenced_until);
  return (
    <div className="fp-detail-now">
      <p className="fp-detail-state">{workerStateLabel(status)}</p>
      {maintenance && (
        <p className="fp-detail-flag" data-maintenance="true">
          🛠 in maintenance until {clock(Date.parse(maintenance.until))}
          {maintenance.reason ? ` — ${maintenance.reason}` : ''}
        </p>
      )}
      {silenced && (
        <p
          className="fp-detail-flag"
          data-silenced-until={status.silenced_until ?? undefined}
          title={SILENCED_CUE.title}
        >
          {silenced}
        </p>
      )}
    </div>
  );
}

function HistoryView({
  history,
  fromMs,
  nowMs,
}: {
  history: WorkerHistory;
  fromMs: number;
  nowMs: number;
}) {
  const { series, dead_letters: dead, last_heartbeat: beat } = history;
  const shown = history.state_changes.filter((_change, i, all) => {
    const next = all[i + 1];
    return !next || Date.parse(next.at) > fromMs;
  });
  return (
    <>
      <section aria-label="States over the last hour" className="fp-detail-section">
        <h3>Last hour</h3>
        <StateTimelineBar changes={shown} fromMs={fromMs} toMs={nowMs} />
        <div className="fp-timeline-axis" aria-hidden="true">
          <span>{clock(fromMs)}</span>
          <span>now</span>
        </div>
        <ol className="fp-detail-changes" aria-label="State changes">
          {shown.map((change) => (
            <li key={`${change.at}-${change.state}`} data-state={change.state}>
              <span className="fp-swatch" style={{ background: stateColor(change.state) }} />
              <time dateTime={change.at}>
                {Date.parse(change.at) < fromMs
                  ? `before ${clock(fromMs)}`
                  : clock(Date.parse(change.at))}
              </time>{' '}
              {change.state}
            </li>
          ))}
        </ol>
        <p className="fp-detail-downs" data-down-periods={history.down_periods.length}>
          {history.down_periods.length === 0
            ? 'No down periods.'
            : history.down_periods
                .map(
                  (period) =>
                    `⚠ down ${clock(Date.parse(period.from))}–${
                      period.to === null ? 'now' : clock(Date.parse(period.to))
                    } (${formatDuration(period.duration_s)}${period.to === null ? ', still down' : ''})`,
                )
                .join(' · ')}
        </p>
      </section>
      <section aria-label="Queue over the last hour" className="fp-detail-section fp-detail-charts">
        {SPARKLINES.map(({ label, field, color }) => (
          <Sparkline
            key={field}
            label={label}
            times={series.at_ms}
            values={series[field]}
            fromMs={fromMs}
            toMs={nowMs}
            color={color}
          />
        ))}
      </section>
      <section aria-label="Details" className="fp-detail-section">
        <dl className="fp-detail-facts">
          <div>
            <dt>dead letters</dt>
            <dd data-dead-letters={dead.count}>
              {dead.count}
              {dead.oldest_age_s !== null &&
                `, oldest seen ${formatDuration(dead.oldest_age_s)} ago or more`}
            </dd>
          </div>
          <div>
            <dt>last job</dt>
            <dd>{ago(history.last_job_at, nowMs)}</dd>
          </div>
          <div>
            <dt>last heartbeat</dt>
            <dd>{beat?.ts ? ago(beat.ts, nowMs) : 'none read'}</dd>
          </div>
        </dl>
        {beat && (
          <details className="fp-detail-beat" open>
            <summary>Last heartbeat payload</summary>
            <dl>
              {Object.entries(beat).map(([field, value]) => (
                <div key={field}>
                  <dt>{field}</dt>
                  <dd>{value === null ? '—' : String(value)}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </section>
    </>
  );
}
