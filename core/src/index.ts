export * from './contracts/index.js';
export * from './fleet-file.js';
export * from './json-schemas.js';
export * from './logger.js';
