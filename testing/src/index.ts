// @fleet/testing: what tests, benchmarks and the fault suite share. Not used in production code;
// the heavier pieces (`/alerting`, `/live-fleet`, `/local-run`) are subpaths of their own.
export * from './child-process.js';
export * from './eventually.js';
export * from './exporter-process.js';
export * from './fake-telegram-server.js';
export * from './loaded-machine-slack.js';
export * from './markdown-table.js';
export * from './process-probe.js';
export * from './redis-server.js';
export * from './service-main.js';
export * from './tls-redis-server.js';
