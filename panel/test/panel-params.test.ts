import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, parsePanelParams } from '../src/panel-params.js';

describe('query parameters', () => {
  it.each([
    ['', { view: null, mock: null, endpoint: DEFAULT_ENDPOINT }],
    ['?view=2d', { view: '2d', mock: null, endpoint: DEFAULT_ENDPOINT }],
    ['?view=3d&mock=down', { view: '3d', mock: 'down', endpoint: DEFAULT_ENDPOINT }],
    ['?mock=redis-down', { view: null, mock: 'redis-down', endpoint: DEFAULT_ENDPOINT }],
    ['?view=4d&mock=chaos', { view: null, mock: null, endpoint: DEFAULT_ENDPOINT }],
    [
      '?endpoint=http%3A%2F%2Fnas%3A8790%2Fapi%2Fagent-office%2Fnodes',
      { view: null, mock: null, endpoint: 'http://nas:8790/api/agent-office/nodes' },
    ],
    ['?endpoint=', { view: null, mock: null, endpoint: DEFAULT_ENDPOINT }],
  ])('%s', (search, expected) => {
    expect(parsePanelParams(search)).toEqual(expected);
  });
});
