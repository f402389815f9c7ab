// The panel's CSS as a string, rendered by FleetPanel itself: the same styles then reach the
// standalone page, a React host (no CSS import to remember) and the custom element's shadow root.
// Put new panel styles in fleet-panel.css; the library builds fail on any other CSS import.
import css from './fleet-panel.css?inline';

/** Every rule of the panel, scoped under `.fleet-panel`. */
export const PANEL_CSS: string = css;
