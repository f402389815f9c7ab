import { beatAgeAt, type StatusStore } from '../status-store.js';
import { useNow } from '../use-now.js';
import { usePanelSnapshot } from '../use-panel-snapshot.js';
import { workerViews } from '../worker-views.js';
import { WorkerCard } from './worker-card.js';

export interface WorkerCardGridProps {
  store: StatusStore;
}

/** The 2D view: a card per worker, for phones and browsers without WebGL. */
export function WorkerCardGrid({ store }: WorkerCardGridProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const views = [...workerViews(snapshot).values()];
  if (!snapshot.doc) return <p className="fp-empty">Waiting for the first status document…</p>;
  return (
    <ul className="fp-cards" aria-label="Workers">
      {views.map((view) => (
        <WorkerCard
          key={view.worker.name}
          view={view}
          beatAgeS={beatAgeAt(snapshot, view.worker.name, now)}
        />
      ))}
    </ul>
  );
}
