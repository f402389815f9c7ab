import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { WorkerCardGrid } from './cards/worker-card-grid.js';
import { ConnectionBanner } from './connection-banner.js';
import { WorkerDetail } from './detail/worker-detail.js';
import { WorkerSelectContext } from './detail/worker-select.js';
import { LiveAnnouncer } from './live-announcer.js';
import type { MockState } from './mock-documents.js';
import { PanelHeader } from './panel-header.js';
import { DEFAULT_ENDPOINT, type ViewMode } from './panel-params.js';
import { PANEL_CSS } from './panel-styles.js';
import { SceneErrorBoundary } from './scene-error-boundary.js';
import { useReducedMotion } from './use-reduced-motion.js';
import { useStatusSource } from './use-status-source.js';
import { TOO_NARROW_FOR_3D, useTooNarrowFor3d } from './use-too-narrow-for-3d.js';
import { ViewToggle } from './view-toggle.js';
import { prefersCards, webglAvailable } from './webgl-support.js';

// three.js is a separate chunk: first paint and the 2D view never wait for it.
const FleetScene = lazy(() => import('./scene/fleet-scene.js'));

export interface FleetPanelProps {
  /** URL of the status document. @defaultValue '/api/agent-office/nodes' */
  endpoint?: string;
  /** Show a fixture state instead of polling. @defaultValue null */
  mock?: MockState | null;
  /** The view to start with; null picks 3D when WebGL works and the screen is not a phone. @defaultValue null */
  view?: ViewMode | null;
  /** Milliseconds between polls of `endpoint`. @defaultValue 3000 */
  pollIntervalMs?: number;
  className?: string;
}

const NO_WEBGL = 'WebGL is not available in this browser';

/** The /infra panel: the live 3D pipeline of the fleet, or its 2D cards. */
export function FleetPanel({
  endpoint = DEFAULT_ENDPOINT,
  mock = null,
  view = null,
  pollIntervalMs = 3000,
  className,
}: FleetPanelProps) {
  const store = useStatusSource({ endpoint, mock, intervalMs: pollIntervalMs });
  const reducedMotion = useReducedMotion();
  const [fallbackReason, setFallbackReason] = useState<string | null>(() =>
    webglAvailable() ? null : NO_WEBGL,
  );
  const [chosen, setChosen] = useState<ViewMode>(() => view ?? (prefersCards() ? '2d' : '3d'));
  const panel = useRef<HTMLElement>(null);
  const narrow = useTooNarrowFor3d(panel);
  // A lost context or missing WebGL first; else a panel too narrow for the scene's labels.
  const unavailable3d = fallbackReason ?? (narrow ? TOO_NARROW_FOR_3D : null);
  const active: ViewMode = unavailable3d ? '2d' : chosen;
  const [selected, setSelected] = useState<string | null>(null);
  const closeDetail = useCallback(() => setSelected(null), []);

  const choose = useCallback((next: ViewMode) => {
    if (next === '3d') setFallbackReason(webglAvailable() ? null : NO_WEBGL);
    setChosen(next);
  }, []);

  return (
    <section
      ref={panel}
      className={`fleet-panel ${className ?? ''}`}
      data-view={active}
      aria-label="Fleet monitor"
    >
      <style>{PANEL_CSS}</style>
      <PanelHeader store={store} mock={mock}>
        <ViewToggle view={active} unavailable3d={unavailable3d} onChange={choose} />
      </PanelHeader>
      <WorkerSelectContext.Provider value={setSelected}>
        <div className="fp-body">
          {active === '3d' ? (
            <SceneErrorBoundary onError={setFallbackReason}>
              <Suspense fallback={<p className="fp-empty">Loading the 3D view…</p>}>
                <FleetScene
                  store={store}
                  reducedMotion={reducedMotion}
                  onContextLost={setFallbackReason}
                />
              </Suspense>
            </SceneErrorBoundary>
          ) : (
            <WorkerCardGrid store={store} />
          )}
          <ConnectionBanner
            store={store}
            // Said only when 3D was asked for: a phone starts in the cards anyway.
            fallbackReason={
              fallbackReason ?? (narrow && chosen === '3d' ? TOO_NARROW_FOR_3D : null)
            }
          />
        </div>
      </WorkerSelectContext.Provider>
      {selected !== null && (
        <WorkerDetail
          key={selected}
          worker={selected}
          store={store}
          endpoint={endpoint}
          mock={mock}
          onClose={closeDetail}
        />
      )}
      <LiveAnnouncer store={store} />
    </section>
  );
}
