import type { StateChange } from '@fleet/core/contracts/data';
import { STATUS_COLORS } from '../status-visuals.js';

export interface StateTimelineBarProps {
  changes: readonly StateChange[];
  fromMs: number;
  toMs: number;
}

/** Colours of the recorded states (docs/spec.md §7's state colours; red for down). */
const STATE_COLORS: Record<string, string> = {
  down: STATUS_COLORS.down,
  unread: STATUS_COLORS.unknown,
  unknown: STATUS_COLORS.unknown,
  stale: STATUS_COLORS.unknown,
  stuck: '#f59e0b',
  busy: '#3b82f6',
  market_open: '#3b82f6',
  paused: '#f59e0b',
  trading: '#a855f7',
  market_closed: '#64748b',
};

export function stateColor(state: string): string {
  return STATE_COLORS[state] ?? STATUS_COLORS.healthy;
}

/** The window as one bar of coloured runs; down runs are also hatched (not colour alone). */
export function StateTimelineBar({ changes, fromMs, toMs }: StateTimelineBarProps) {
  const span = Math.max(1, toMs - fromMs);
  const runs = changes.map((change, i) => {
    const start = Math.max(fromMs, Date.parse(change.at));
    const next = changes[i + 1];
    const end = next ? Math.min(toMs, Date.parse(next.at)) : toMs;
    return { state: change.state, start, end };
  });
  return (
    <svg
      className="fp-timeline"
      viewBox="0 0 1000 20"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <defs>
        <pattern
          id="fp-hatch"
          width="8"
          height="8"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="4" height="8" fill="rgba(0,0,0,0.45)" />
        </pattern>
      </defs>
      <rect width="1000" height="20" fill="#1e293b" />
      {runs
        .filter((run) => run.end > run.start)
        .map((run) => {
          const x = ((run.start - fromMs) / span) * 1000;
          const w = ((run.end - run.start) / span) * 1000;
          return (
            <g key={`${run.state}-${run.start}`} data-run={run.state}>
              <rect x={x} width={w} height="20" fill={stateColor(run.state)} />
              {run.state === 'down' && <rect x={x} width={w} height="20" fill="url(#fp-hatch)" />}
            </g>
          );
        })}
    </svg>
  );
}
