import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PYTHON_DIR, requirePython, runPython } from './support/python.js';

it('the package is typed: mypy --strict for Python 3.10 passes (pyproject.toml [tool.mypy])', async () => {
  await requirePython(['mypy']);
  const cache = mkdtempSync(join(tmpdir(), 'fleet-mypy-'));
  try {
    const run = await runPython(['-m', 'mypy', '--cache-dir', cache], { cwd: PYTHON_DIR });
    expect(run.code, `mypy failed:\n${run.output}`).toBe(0);
    expect(run.stdout).toMatch(/^Success: no issues found in \d+ source files/m);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
