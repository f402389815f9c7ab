import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'faults',
    root: './faults',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The exporter runs as the real CLI (a crash must show as an exit): build it when stale.
    globalSetup: ['./test/support/build-exporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
