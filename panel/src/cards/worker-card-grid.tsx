import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useState } from 'react';
import { beatAgeAt, type StatusStore } from '../status-store.js';
import { useNow } from '../use-now.js';
import { usePanelSnapshot } from '../use-panel-snapshot.js';
import { workerViews } from '../worker-views.js';
import { WorkerCard } from './worker-card.js';

export interface WorkerCardGridProps {
  store: StatusStore;
}

/** The grid's geometry; fleet-panel.css's `.fp-cards` padding and gap must match. */
export const CARD_GRID = {
  /** A card is never narrower than this; the columns share what is left. */
  minCardWidthPx: 250,
  gapPx: 14,
  paddingXPx: 20,
  paddingTopPx: 18,
  paddingBottomPx: 24,
  /** A first guess of a row's height, before the row is measured. */
  estimatedRowPx: 190,
  /** Rows rendered beyond the visible ones, so Tab always finds the next card's button in the DOM. */
  overscanRows: 3,
} as const;

/** How many cards fit side by side in a list this wide. */
export function columnsFor(widthPx: number): number {
  const inner = widthPx - 2 * CARD_GRID.paddingXPx;
  return Math.max(
    1,
    Math.floor((inner + CARD_GRID.gapPx) / (CARD_GRID.minCardWidthPx + CARD_GRID.gapPx)),
  );
}

/** The list's width in columns, following its size. */
function useColumns(element: HTMLElement | null): number {
  const [columns, setColumns] = useState(1);
  useLayoutEffect(() => {
    if (!element) return;
    const update = () => setColumns(columnsFor(element.clientWidth));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return columns;
}

/**
 * The 2D view: a card per worker, for phones and browsers without WebGL. Only the rows in sight
 * (and a few around them) are in the DOM, so 1,000 workers cost what 30 do.
 */
export function WorkerCardGrid({ store }: WorkerCardGridProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const views = [...workerViews(snapshot).values()];
  // State, not a ref: the list appears only once the first document has come.
  const [list, setList] = useState<HTMLDivElement | null>(null);
  const columns = useColumns(list);
  const rows = Math.ceil(views.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => list,
    estimateSize: () => CARD_GRID.estimatedRowPx,
    overscan: CARD_GRID.overscanRows,
    gap: CARD_GRID.gapPx,
    paddingStart: CARD_GRID.paddingTopPx,
    paddingEnd: CARD_GRID.paddingBottomPx,
  });
  if (!snapshot.doc) return <p className="fp-empty">Waiting for the first status document…</p>;
  return (
    // A div, not a ul: its children are the positioned rows (role none), each holding cards.
    // biome-ignore lint/a11y/useSemanticElements: see above
    <div
      className="fp-cards"
      ref={setList}
      role="list"
      aria-label="Workers"
      data-columns={columns}
      style={{ '--fp-columns': columns } as React.CSSProperties}
    >
      <div className="fp-cards-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            role="none"
            className="fp-card-row"
            data-index={row.index}
            ref={virtualizer.measureElement}
            style={{ transform: `translateY(${row.start}px)` }}
          >
            {views.slice(row.index * columns, (row.index + 1) * columns).map((view, i) => (
              <WorkerCard
                key={view.worker.name}
                view={view}
                beatAgeS={beatAgeAt(snapshot, view.worker.name, now)}
                position={row.index * columns + i + 1}
                total={views.length}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
