// Browser-safe contracts: schemas, types and pure rules shared by every service and the panel.
export * from './fleet.js';
export * from './heartbeat.js';
export * from './hosts.js';
export * from './iso-utc.js';
export * from './link-status.js';
export * from './maintenance.js';
export * from './redis-keys.js';
export * from './status-document.js';
export * from './worker-history.js';
export * from './worker-kinds.js';
