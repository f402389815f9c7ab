import type { ReactNode } from 'react';
import { PanelLegend } from './panel-legend.js';
import type { StatusStore } from './status-store.js';
import { BUSY_CUE, type DrawnStatus, STATUS_VISUALS } from './status-visuals.js';
import { useNow } from './use-now.js';
import { usePanelSnapshot } from './use-panel-snapshot.js';
import { workerViews } from './worker-views.js';

export interface PanelHeaderProps {
  store: StatusStore;
  /** Shown as a badge: the data is a fixture. */
  mock: string | null;
  /** The view switch. */
  children: ReactNode;
}

const ORDER: DrawnStatus[] = ['healthy', 'paused', 'degraded', 'down', 'unknown'];

function secondsSince(then: number | null, now: number): number | null {
  return then === null ? null : Math.max(0, Math.round((now - then) / 1000));
}

/** Title, fleet-wide counts by status, Redis and pause state, data freshness, the view switch. */
export function PanelHeader({ store, mock, children }: PanelHeaderProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const doc = snapshot.doc;
  const counts = new Map<DrawnStatus, number>();
  let busy = 0;
  for (const view of workerViews(snapshot).values()) {
    counts.set(view.status, (counts.get(view.status) ?? 0) + 1);
    if (view.busy) busy += 1;
  }
  const age = secondsSince(snapshot.receivedAt, now);

  return (
    <header className="fp-header">
      <div className="fp-title">
        <span className="fp-logo" aria-hidden="true">
          ◆
        </span>
        <h1>Fleet monitor</h1>
        <span className="fp-route">/infra</span>
        {mock && <span className="fp-pill fp-pill-mock">mock: {mock}</span>}
      </div>
      <ul className="fp-summary" aria-label="Workers by status">
        {ORDER.filter((status) => counts.get(status)).map((status) => (
          <li
            key={status}
            className="fp-pill"
            data-summary={status}
            style={{ '--fp-status': STATUS_VISUALS[status].color } as React.CSSProperties}
          >
            <span aria-hidden="true">{STATUS_VISUALS[status].icon}</span> {counts.get(status)}{' '}
            {STATUS_VISUALS[status].text}
          </li>
        ))}
        {/* Busy is a part of the live ones, not a status of its own: counted beside them. */}
        {busy > 0 && (
          <li className="fp-pill fp-pill-busy" data-summary="busy" title="working a job now">
            <span aria-hidden="true">{BUSY_CUE.icon}</span> {busy} {BUSY_CUE.text}
          </li>
        )}
      </ul>
      <div className="fp-meta">
        {doc && (
          <span
            className={`fp-pill ${doc.redis_ok ? 'fp-pill-ok' : 'fp-pill-bad'}`}
            data-redis={doc.redis_ok ? 'ok' : 'lost'}
          >
            {doc.redis_ok ? '✓ Redis' : '✖ Redis lost'}
          </span>
        )}
        {doc?.paused && (
          <span className="fp-pill fp-pill-paused" data-paused="true">
            ⏸ 렌더 일시정지 · {doc.paused_reason ?? 'trading'}
          </span>
        )}
        <span
          className={`fp-fresh ${snapshot.stale ? 'fp-fresh-stale' : ''}`}
          data-stale={snapshot.stale}
        >
          {mock
            ? 'fixture · no network'
            : age === null
              ? 'waiting for data…'
              : snapshot.error
                ? `⚠ stale · ${age}s old`
                : doc?.stale
                  ? '⚠ collector serving old data'
                  : `updated ${age}s ago`}
        </span>
        <PanelLegend />
        {children}
      </div>
    </header>
  );
}
