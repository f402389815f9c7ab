import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Directories `tempDir` made that are not removed yet. */
const made = new Set<string>();

function removeMade(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

// Registered when a test file imports this module, so on that file's suite: an `afterAll` added
// later, from inside a `beforeAll`, would never run. The exit hook covers a file cut short.
afterAll(removeMade);
process.once('exit', removeMade);

/**
 * A new empty directory under the OS temp dir (`<prefix>XXXXXX`), removed with everything in it
 * once the calling test file has finished. Call it anywhere: at the top of a file, in a hook, in
 * a test.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
