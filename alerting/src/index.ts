// Programmatic entry: the demo and the tests start the service through `startAlerting`.
export type { AlertState } from './alert-state.js';
export type { AlertingOptions, AlertingService } from './alerting-service.js';
export { startAlerting } from './alerting-service.js';
export type { AlertingConfig, TelegramSettings } from './config.js';
export { ConfigError, DEFAULTS, loadConfig, SETTINGS } from './config.js';
export type { AlertEvent, CheckRules } from './evaluate-check.js';
export type { HistoryActor, HistoryEvent, HistoryEventType } from './history/history-event.js';
export { HistoryStream } from './history/history-stream.js';
