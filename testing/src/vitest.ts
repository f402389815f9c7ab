// Helpers that register vitest hooks (beforeAll / afterAll / …): for test files only.
export * from './temp-dir.js';
export * from './use-test-redis.js';
