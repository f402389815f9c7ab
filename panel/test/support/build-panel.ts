import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PANEL_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_DIR = join(PANEL_DIR, 'dist');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestMtime(join(path, entry))),
  );
}

/** What `npm run build -w panel` writes: the app, the component, the element and the types. */
const OUTPUTS = [
  'index.html',
  'lib/index.js',
  'element/fleet-panel-element.js',
  'types/index.d.ts',
].map((file) => join(DIST_DIR, file));

/** Vitest global setup: builds the panel when one of its outputs is missing or older than its sources. */
export default function buildPanelWhenStale(): void {
  const sources = [
    'src',
    'index.html',
    'vite.config.ts',
    'tsconfig.lib.json',
    'package.json',
    '../core/src/contracts',
    // vite.config.ts takes its aliases from there.
    '../vitest.shared.ts',
  ].map((path) => newestMtime(join(PANEL_DIR, path)));
  const built = OUTPUTS.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0));
  if (Math.min(...built) >= Math.max(...sources)) return;
  const root = join(PANEL_DIR, '..');
  // The type declarations import @fleet/core's (core/dist).
  execFileSync('npx', ['tsc', '-b', 'core'], { cwd: root, stdio: 'inherit' });
  // Vitest sets NODE_ENV=test, which would make Vite build React's development JSX.
  execFileSync('npm', ['run', '--silent', 'build', '-w', 'panel'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * Where browser tests save screenshots: a scratch folder, so a test run leaves the tree clean;
 * `UPDATE_SCREENSHOTS=1 npx vitest run --project panel` refreshes the README's pictures instead.
 */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(PANEL_DIR, 'docs', 'screenshots')
  : join(PANEL_DIR, 'test-results', 'screenshots');
