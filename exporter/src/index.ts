// @fleet/exporter: the exporter as a library, for the demo script and tests.
export { ConfigError, configHelp, DEFAULTS, type ExporterConfig, loadConfig } from './config.js';
export { type ExporterOptions, type RunningExporter, startExporter } from './exporter.js';
export { STATUS_PATH } from './http-app.js';
