import type { StatusStore } from '../status-store.js';
import { useStoreValue } from '../use-panel-snapshot.js';

export interface BusLabelProps {
  anchor: (element: HTMLElement | null) => void;
  store: StatusStore;
}

/** The Redis bus's name and what it is doing: flowing, paused (and why), or unreachable. */
export function BusLabel({ anchor, store }: BusLabelProps) {
  const mood = useStoreValue(store, ({ doc }) =>
    !doc
      ? 'waiting'
      : !doc.redis_ok
        ? 'lost'
        : doc.paused
          ? `paused:${doc.paused_reason ?? 'trading'}`
          : 'ok',
  );
  const detail =
    mood === 'lost'
      ? '✖ connection lost'
      : mood.startsWith('paused:')
        ? `⏸ queues paused · ${mood.slice('paused:'.length)}`
        : mood === 'ok'
          ? 'queues flowing'
          : '…';
  return (
    <div className="fp-anchor" ref={anchor}>
      <div
        className={`fp-label fp-label-bus fp-bus-${mood.split(':')[0]}`}
        data-bus={mood.split(':')[0]}
      >
        <span className="fp-label-title">Redis queue bus</span>
        <span className="fp-label-detail">{detail}</span>
      </div>
    </div>
  );
}
