import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from '@fleet/testing';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('prometheus.yml', () => {
  it('passes promtool check config and loads the fleet alert rules', () => {
    requireBinary('promtool', 'prometheus');
    const output = execFileSync('promtool', ['check', 'config', 'prometheus.yml'], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(output).toMatch(/SUCCESS: prometheus\.yml is valid/);
    // promtool also checks every rule file the config names.
    expect(output).toMatch(
      /Checking prometheus\/rules\/fleet-alerts\.yml\s+SUCCESS: \d+ rules found/,
    );
  });
});
