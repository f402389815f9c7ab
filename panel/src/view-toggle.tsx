import type { ViewMode } from './panel-params.js';

export interface ViewToggleProps {
  view: ViewMode;
  /** Why 3D cannot be shown right now, or null when it can. */
  unavailable3d: string | null;
  onChange: (view: ViewMode) => void;
}

/** Switches between the 3D pipeline and the 2D cards. */
export function ViewToggle({ view, unavailable3d, onChange }: ViewToggleProps) {
  return (
    <fieldset className="fp-toggle" aria-label="View">
      <button
        type="button"
        aria-pressed={view === '3d'}
        disabled={unavailable3d !== null}
        title={unavailable3d ?? '3D pipeline'}
        onClick={() => onChange('3d')}
      >
        3D
      </button>
      <button
        type="button"
        aria-pressed={view === '2d'}
        title="Cards"
        onClick={() => onChange('2d')}
      >
        2D
      </button>
    </fieldset>
  );
}
