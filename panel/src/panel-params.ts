import { isMockState, type MockState } from './mock-documents.js';

export type ViewMode = '2d' | '3d';

/** Settings the standalone page takes from its query string. */
export interface PanelParams {
  /** `?view=2d|3d`; null lets the panel choose (3D when WebGL works). */
  view: ViewMode | null;
  /** `?mock=<state>`: fixture data, no network. */
  mock: MockState | null;
  /** `?endpoint=<url>`: where the status document is polled. */
  endpoint: string;
}

/** Same origin as the page: the exporter serves both. */
export const DEFAULT_ENDPOINT = '/api/agent-office/nodes';

/** Reads the page's query string; unknown values fall back to the defaults. */
export function parsePanelParams(search: string): PanelParams {
  const query = new URLSearchParams(search);
  const view = query.get('view');
  const mock = query.get('mock');
  return {
    view: view === '2d' || view === '3d' ? view : null,
    mock: mock !== null && isMockState(mock) ? mock : null,
    endpoint: query.get('endpoint') || DEFAULT_ENDPOINT,
  };
}
