import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'panel',
    root: './panel',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
  },
});
