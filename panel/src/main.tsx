import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FleetPanel } from './fleet-panel.js';
import { parsePanelParams } from './panel-params.js';

const params = parsePanelParams(window.location.search);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <FleetPanel endpoint={params.endpoint} mock={params.mock} view={params.view} />
    </StrictMode>,
  );
}
