import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'panel',
    root: './panel',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    // The browser tests (test/browser, node environment) load the built panel: build it first when stale.
    globalSetup: ['./test/support/build-panel.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
