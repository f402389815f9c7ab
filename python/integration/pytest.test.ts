import { requireBinary } from '@fleet/testing';
import { expect, it } from 'vitest';
import { requirePython, runPython } from './support/python.js';

it('python/tests pass: pytest against private redis-servers', async () => {
  await requirePython();
  requireBinary('redis-server', 'redis-server');
  const run = await runPython(['-m', 'pytest', 'python/tests', '-q', '-rfEs'], {
    timeoutMs: 170_000,
  });
  expect(run.code, `pytest failed:\n${run.output}`).toBe(0);
  expect(run.stdout).toMatch(/\d+ passed/);
  expect(run.stdout, `nothing may be skipped:\n${run.output}`).not.toMatch(/skipped|xfail/);
}, 180_000);
