// @fleet/exporter: the exporter as a library, for the demo script and tests.
export { ConfigError, DEFAULTS, type ExporterConfig, loadConfig, SETTINGS } from './config.js';
export { type ExporterOptions, type RunningExporter, startExporter } from './exporter.js';
export { FleetHistory, type FleetHistoryOptions } from './history/fleet-history.js';
export { HISTORY_PATH, STATUS_PATH } from './http-app.js';
