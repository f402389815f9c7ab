import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@fleet/testing/vitest';
import { describe, expect, it } from 'vitest';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('tempDir', () => {
  it('removes every directory a test file made, from its top, its hooks and its tests', async () => {
    const list = join(tempDir('fleet-temp-list-'), 'dirs.json');
    await promisify(execFile)(
      'npx',
      ['vitest', 'run', '--config', join(fixtures, 'vitest.config.ts')],
      { cwd: fixtures, env: { ...process.env, TEMP_DIR_LIST: list } },
    );
    const dirs = JSON.parse(readFileSync(list, 'utf8')) as string[];
    expect(dirs).toHaveLength(3);
    expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
  }, 60_000);
});
