export * from './collector.js';
export * from './config-options.js';
export * from './contracts/index.js';
export * from './fleet-file.js';
export * from './json-schemas.js';
export * from './keyspace-scan.js';
export * from './logger.js';
export * from './redis-client.js';
export { TimeoutError } from './timeout.js';
