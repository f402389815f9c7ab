import { type KeyboardEvent, useId, useState } from 'react';
import {
  BUSY_CUE,
  type DrawnStatus,
  MAINTENANCE_LABEL,
  SILENCED_CUE,
  STALE_LABEL,
  STATUS_VISUALS,
  STUCK_BADGE,
} from './status-visuals.js';

export interface LegendEntry {
  /** What is shown: an icon, an abbreviation or a label. */
  sign: string;
  meaning: string;
}

const STATUS_MEANINGS: Readonly<Record<DrawnStatus, string>> = {
  healthy: 'healthy: solid pipe, particles flowing',
  paused: 'paused: dashed pipe, particles crawling (render work paused for trading)',
  degraded: 'dead letters: the pipe still flows, the count is on a ❌ badge',
  down: 'down: no heartbeat, the pipe is cut; "last beat Ns ago"',
  unknown: 'unknown: no live reading (Redis lost, or a stale heartbeat)',
};

/** Every icon and abbreviation the cards, the header and the 3D HUDs use, and what it means. */
export const LEGEND_ENTRIES: readonly LegendEntry[] = [
  ...(Object.keys(STATUS_VISUALS) as DrawnStatus[]).map((status) => ({
    sign: STATUS_VISUALS[status].icon,
    meaning: STATUS_MEANINGS[status],
  })),
  {
    sign: `${BUSY_CUE.icon} ${BUSY_CUE.text}`,
    meaning: 'working a job now: a light bar sweeps up the edge of its card and of its 3D blade',
  },
  { sign: `${BUSY_CUE.icon} N`, meaning: 'N jobs in flight (taken from the queue, not done yet)' },
  { sign: 'queue N', meaning: 'jobs waiting in its queue' },
  { sign: 'DL N / ❌ N', meaning: 'dead letters: failed jobs kept for a person to look at' },
  { sign: STUCK_BADGE, meaning: 'its job has not moved for its stuck time' },
  { sign: STALE_LABEL, meaning: "its heartbeat key exists but the beat's time stopped moving" },
  { sign: MAINTENANCE_LABEL, meaning: 'in a maintenance window: alerts are held back' },
  {
    sign: `${SILENCED_CUE.icon} ${SILENCED_CUE.text}`,
    meaning: 'silenced (/silence or the alert button): its alerts are muted until the time shown',
  },
  { sign: '⏸ 렌더 일시정지', meaning: 'render work is paused (queue:paused), e.g. while trading' },
];

/** A "Legend" button in the header that shows and hides what every icon and abbreviation means. */
export function PanelLegend() {
  const [open, setOpen] = useState(false);
  const id = useId();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      setOpen(false);
    }
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the legend from its button or itself
    <div className="fp-legend" onKeyDown={onKeyDown}>
      <button
        type="button"
        className="fp-legend-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">ⓘ</span> Legend
      </button>
      <section id={id} className="fp-legend-panel" aria-label="Legend" hidden={!open}>
        <dl>
          {LEGEND_ENTRIES.map((entry) => (
            <div key={entry.sign} data-legend={entry.sign}>
              <dt>{entry.sign}</dt>
              <dd>{entry.meaning}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
