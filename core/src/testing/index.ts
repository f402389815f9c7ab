// Test support shared by every workspace's tests and benchmarks; not used in production code.
export * from './redis-server.js';
