import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the exporter serves the build at /infra/, and it also works from any other path.
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@fleet/core/contracts': fileURLToPath(
        new URL('../core/src/contracts/index.ts', import.meta.url),
      ),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
});
