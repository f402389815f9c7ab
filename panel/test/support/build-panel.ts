import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** Vitest global setup: runs `vite build` when panel/dist is missing or older than its sources. */
export default function buildPanelWhenStale(): void {
  const built = join(DIST_DIR, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', '../core/src/contracts'].map((path) =>
    newestMtime(join(PANEL_DIR, path)),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: PANEL_DIR,
    stdio: 'inherit',
  });
}

/**
 * Where browser tests save screenshots: a scratch folder, so a test run leaves the tree clean;
 * `UPDATE_SCREENSHOTS=1 npx vitest run --project panel` refreshes the README's pictures instead.
 */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(PANEL_DIR, 'docs', 'screenshots')
  : join(PANEL_DIR, 'test-results', 'screenshots');
