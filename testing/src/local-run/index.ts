// Running the services on this machine, for `npm run demo` / `npm start` and their tests.
export * from './format-log-line.js';
export * from './port-check.js';
export * from './private-redis.js';
export * from './service-process.js';
export * from './wait-for-http.js';
