import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

// `npm run test:deploy`: apart from `npm test` (it builds images and runs the compose stack).
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'deploy',
    root: './deploy',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Starts a Docker engine when none runs, and stops it again afterwards.
    globalSetup: ['./test/support/docker-engine.ts'],
    testTimeout: 8 * 60_000,
    hookTimeout: 45 * 60_000,
    // One stack, its steps in order: a failure stops the run (the stack is torn down).
    bail: 1,
    sequence: { concurrent: false },
  },
});
