// `<fleet-panel endpoint="…">`: the panel as a custom element with its own React inside, for any
// host page (React 18, React 19, another framework or none). It renders into an open shadow
// root, so the host's CSS does not reach the panel and the panel's does not reach the host.
import { createRoot, type Root } from 'react-dom/client';
import { FleetPanel } from './fleet-panel.js';
import { parsePanelParams } from './panel-params.js';

/** The tag `import '@fleet/panel/element'` defines. */
export const FLEET_PANEL_TAG = 'fleet-panel';

/** Polls closer than this would only load the exporter; shorter values are raised to it. */
const MIN_POLL_INTERVAL_S = 1;
const DEFAULT_POLL_INTERVAL_S = 3;

// The host's rules still reach the element itself (`* { letter-spacing: 3px }` beats `:host`),
// and what is set there is inherited: `all: initial` on the container inside the shadow root cuts
// that. The host sizes the element like any block: `fleet-panel { height: 80vh }`.
const HOST_CSS = `:host { display: block; position: relative; height: 100%; min-height: 420px; }
:host([hidden]) { display: none; }
.fp-element-root { all: initial; display: block; height: 100%; }`;

/** Seconds between polls from the `poll-interval` attribute; missing or not a number: 3. */
export function parsePollInterval(value: string | null): number {
  const seconds = value === null || value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(seconds)) return DEFAULT_POLL_INTERVAL_S;
  return Math.max(MIN_POLL_INTERVAL_S, seconds);
}

/**
 * The custom element. Attributes (all optional, read again whenever one changes):
 * `endpoint` (status document URL), `view` (`2d` | `3d`), `mock` (a fixture state) and
 * `poll-interval` (seconds). Removing the element unmounts the panel: polling stops and the
 * WebGL context is released.
 */
export class FleetPanelElement extends HTMLElement {
  static readonly observedAttributes = ['endpoint', 'view', 'mock', 'poll-interval'];

  private root: Root | null = null;

  connectedCallback(): void {
    if (this.root) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    shadow.replaceChildren();
    const style = document.createElement('style');
    style.textContent = HOST_CSS;
    const container = document.createElement('div');
    container.className = 'fp-element-root';
    shadow.append(style, container);
    this.root = createRoot(container);
    this.render();
  }

  disconnectedCallback(): void {
    // Unmounting closes the poller and lets react-three-fiber dispose the renderer.
    this.root?.unmount();
    this.root = null;
  }

  attributeChangedCallback(): void {
    this.render();
  }

  private render(): void {
    if (!this.root) return;
    // One parser for the standalone page's query string and these attributes.
    const query = new URLSearchParams();
    for (const name of ['endpoint', 'view', 'mock']) {
      const value = this.getAttribute(name);
      if (value !== null) query.set(name, value);
    }
    const params = parsePanelParams(query.toString());
    this.root.render(
      <FleetPanel
        endpoint={params.endpoint}
        mock={params.mock}
        view={params.view}
        pollIntervalMs={parsePollInterval(this.getAttribute('poll-interval')) * 1000}
      />,
    );
  }
}

if (!customElements.get(FLEET_PANEL_TAG)) customElements.define(FLEET_PANEL_TAG, FleetPanelElement);
