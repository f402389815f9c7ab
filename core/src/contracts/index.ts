// The contracts shared by every service: data.ts (browser-safe) plus the zod schemas, which
// validate at the edges (fleet file, heartbeat, maintenance, documents) and feed the JSON Schemas.
export * from './data.js';
export * from './fleet.js';
export * from './heartbeat.js';
export * from './host-status.js';
export * from './maintenance.js';
export * from './status-document.js';
export * from './worker-history.js';
