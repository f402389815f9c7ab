// Builds the panel (Vite) only when one of its inputs is newer than panel/dist, and quietly:
// `npm run exporter|start|demo` should open with the service's own lines, not Vite's. Vite's
// output is shown only when the build fails. `npm run build` still builds it every time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: the panel's sources and config, and the core contracts it aliases. */
const INPUTS = [
  'panel/src',
  'panel/index.html',
  'panel/vite.config.ts',
  'panel/tsconfig.lib.json',
  'panel/package.json',
  'core/src/contracts',
];
/** What the build writes: the app, the component, the custom element and the type declarations. */
const OUTPUTS = [
  'panel/dist/index.html',
  'panel/dist/lib/index.js',
  'panel/dist/element/fleet-panel-element.js',
  'panel/dist/types/index.d.ts',
];

/** The newest modification time under `path` (a file or a folder), 0 when it does not exist. */
function newestMtimeMs(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestMtimeMs(join(path, entry))),
    stats.mtimeMs,
  );
}

const builtAt = Math.min(...OUTPUTS.map((output) => newestMtimeMs(join(ROOT, output))));
const changedAt = Math.max(...INPUTS.map((input) => newestMtimeMs(join(ROOT, input))));
if (builtAt === 0 || changedAt > builtAt) {
  process.stderr.write(
    builtAt === 0 ? 'building the panel…\n' : 'rebuilding the panel (its sources changed)…\n',
  );
  const build = spawnSync('npm', ['run', '--silent', 'build', '-w', 'panel'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout}${build.stderr}panel build failed\n`);
    process.exit(build.status ?? 1);
  }
}
