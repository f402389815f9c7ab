import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { workspaceAliases } from '../vitest.shared.js';

/**
 * Three builds of the panel, one per `--mode` (`npm run build` runs them all):
 * - default: the standalone app in `dist/` (index.html + assets), served by the exporter at /infra/;
 * - `lib`: the React component in `dist/lib/` for React 19 hosts; React, three.js and
 *   react-three-fiber stay imports (the host's copies, peerDependencies);
 * - `element`: `<fleet-panel>` in `dist/element/`, with its own React and three.js bundled.
 */
const PEERS = [/^react(\/.*)?$/, /^react-dom(\/.*)?$/, /^three(\/.*)?$/, /^@react-three\/fiber$/];

/** The CSS must ride inside the JS (panel-styles.ts) to reach a shadow root or a host app. */
function noCssFiles(): Plugin {
  return {
    name: 'fleet-panel-no-css-files',
    generateBundle(_options, bundle) {
      const css = Object.keys(bundle).filter((file) => file.endsWith('.css'));
      if (css.length > 0) {
        this.error(`CSS emitted as files (${css.join(', ')}): import styles via panel-styles.ts`);
      }
    },
  };
}

const LIBRARIES: Record<string, { entry: string; outDir: string; external: RegExp[] }> = {
  lib: { entry: 'src/index.ts', outDir: 'dist/lib', external: PEERS },
  element: { entry: 'src/fleet-panel-element.tsx', outDir: 'dist/element', external: [] },
};

export default defineConfig(({ mode }): UserConfig => {
  const shared: UserConfig = {
    plugins: [react()],
    resolve: { alias: workspaceAliases },
  };
  const library = LIBRARIES[mode];
  if (!library) {
    return {
      ...shared,
      // Relative asset URLs: the exporter serves the build at /infra/, and it also works from any other path.
      base: './',
      build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1200 },
    };
  }
  return {
    ...shared,
    plugins: [react(), noCssFiles()],
    // Library mode leaves process.env in place for the host's bundler; the bundled React of the
    // element must not ask a plain page for `process`. The component has nothing to replace.
    define: mode === 'element' ? { 'process.env.NODE_ENV': '"production"' } : {},
    build: {
      outDir: library.outDir,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1200,
      // The element is served as is; the component is minified by the host's own build.
      minify: mode === 'element',
      lib: {
        entry: fileURLToPath(new URL(library.entry, import.meta.url)),
        formats: ['es'],
        fileName: () => `${mode === 'lib' ? 'index' : 'fleet-panel-element'}.js`,
      },
      rolldownOptions: { external: library.external },
    },
  };
});
