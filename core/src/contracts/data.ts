// The contracts without zod or croner, for the browser (`@fleet/core/contracts/data`): the
// tables, URL builders and pure rules, and every schema's type. The types are `export type`, so
// the schemas (and zod's registry calls that no bundler can drop) never reach a panel bundle.
export type * from './fleet.js';
export type * from './heartbeat.js';
export type * from './host-status.js';
export * from './hosts.js';
export * from './iso-utc.js';
export * from './link-status.js';
export type * from './maintenance.js';
export * from './redis-keys.js';
export type * from './status-document.js';
export type * from './worker-history.js';
export * from './worker-history-url.js';
export * from './worker-kinds.js';
