import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'python',
    root: './python',
    include: ['integration/**/*.test.ts'],
    environment: 'node',
    // The end-to-end test runs the exporter's real CLI: build it when stale.
    globalSetup: ['../faults/test/support/build-exporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
