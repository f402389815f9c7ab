import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared.js';

export default defineConfig({
  test: {
    projects: [
      ...['core', 'exporter', 'alerting', 'simulator', 'dashboards', 'testing', 'bench'].map(
        (name) => ({
          resolve: { alias: workspaceAliases },
          test: {
            name,
            root: `./${name}`,
            include: ['test/**/*.test.ts'],
            environment: 'node',
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        }),
      ),
      './panel/vitest.config.ts',
      './faults/vitest.config.ts',
      './python/vitest.config.ts',
    ],
  },
});
