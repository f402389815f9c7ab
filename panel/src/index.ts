// The embeddable panel: `<FleetPanel endpoint="/api/agent-office/nodes" />`.
export { FleetPanel, type FleetPanelProps } from './fleet-panel.js';
export { MOCK_STATES, type MockState, mockDocument } from './mock-documents.js';
export {
  DEFAULT_ENDPOINT,
  type PanelParams,
  parsePanelParams,
  type ViewMode,
} from './panel-params.js';
export { STATUS_COLORS, workerStateLabel } from './status-visuals.js';
