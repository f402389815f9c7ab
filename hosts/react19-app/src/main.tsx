import { FleetPanel } from '@fleet/panel';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

// The exporter's URL, from the app's build-time env (the test builds it against a live exporter).
const endpoint = import.meta.env.VITE_FLEET_ENDPOINT ?? 'http://nas:8790/api/agent-office/nodes';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <header className="app-header">team web UI</header>
      <main>
        <FleetPanel endpoint={endpoint} pollIntervalMs={1000} />
      </main>
    </StrictMode>,
  );
}
