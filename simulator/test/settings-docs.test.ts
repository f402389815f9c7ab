import { killLeftovers, runTs } from '@fleet/testing';
import { describe, expect, it } from 'vitest';

describe('README settings tables (scripts/settings-docs.ts)', () => {
  it('match the settings tables they are generated from (npm run docs rewrites them)', async () => {
    const check = runTs('scripts/settings-docs.ts', ['--check'], process.env);
    const code = await check.exited;
    killLeftovers();
    expect(code, check.output()).toBe(0);
    expect(check.output()).toContain('settings tables up to date');
  });
});
