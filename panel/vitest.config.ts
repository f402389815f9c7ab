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
    setupFiles: ['./test/support/jsdom-layout.ts'],
    // Above waitForScene's 45 s: SwiftShader draws the 50-worker scene slowly on a loaded CI box.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
