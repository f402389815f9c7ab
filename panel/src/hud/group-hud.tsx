import type { GroupTally } from '../scene/group-tally.js';
import type { GroupSlot } from '../scene/scene-layout.js';
import { BUSY_CUE, STATUS_VISUALS } from '../status-visuals.js';

export interface GroupHudProps {
  /** Ref that pins the HUD over the group's node. */
  anchor: (element: HTMLElement | null) => void;
  group: GroupSlot;
  tally: GroupTally;
}

/** The HUD over a group node: how many calm workers it stands for, how many busy, their queues. */
export function GroupHud({ anchor, group, tally }: GroupHudProps) {
  const { total, busy, queued, status, kind } = tally;
  const idle = total - busy;
  const known = status !== 'unknown';
  return (
    <div className="fp-anchor" ref={anchor}>
      <div
        className={`fp-hud fp-hud-group fp-status-${status}`}
        data-group={group.id}
        data-host={group.host}
        data-count={total}
        data-busy-count={busy}
        data-status={status}
        title={`${total} ${kind ?? ''} workers on ${group.host} with nothing wrong: ${busy} busy, ${idle} idle. Any worker with a problem is drawn on its own.`}
        style={{ '--fp-status': STATUS_VISUALS[status].color } as React.CSSProperties}
      >
        <div className="fp-hud-head">
          <span className="fp-hud-name">
            {total} × {kind ?? 'workers'}
          </span>
          <span className="fp-hud-kind">group</span>
        </div>
        <div className="fp-hud-state">
          {known ? `${total} ${STATUS_VISUALS[status].text}` : 'last known'} · {BUSY_CUE.icon}{' '}
          {busy} {BUSY_CUE.text}
        </div>
        <div className="fp-hud-figures">
          <span title="jobs waiting in their queues, together">
            queue <b>{queued}</b>
          </span>
          <span title="idle workers">
            idle <b>{idle}</b>
          </span>
        </div>
      </div>
    </div>
  );
}
