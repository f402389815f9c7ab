import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds exporter/dist (and core) when stale: the fault tests run the exporter's real CLI. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-b', 'exporter'], { cwd: ROOT, stdio: 'inherit' });
}
