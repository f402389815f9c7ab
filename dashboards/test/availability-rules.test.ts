// The Availability row against the bot's /report: the recording rule that leaves maintenance and
// Redis outages out, tested by promtool on a scripted timeline (prometheus/tests/
// fleet-availability.test.yml), and the tie between those tested expressions and the panel's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from '@fleet/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardExpressions, interpolateGrafana } from './helpers/promql-checks.js';

const root = join(import.meta.dirname, '..', '..');
const testsFile = 'prometheus/tests/fleet-availability.test.yml';

const dashboard = JSON.parse(
  readFileSync(join(root, 'dashboards/grafana/dashboards/fleet-overview.json'), 'utf8'),
);
const availability = dashboardExpressions(dashboard).filter((e) =>
  e.where.startsWith('panel "Availability'),
);

describe('availability excluding maintenance', () => {
  it('gives /report’s figures on a scripted timeline (promtool test rules)', () => {
    requireBinary('promtool', 'prometheus');
    const output = execFileSync('promtool', ['test', 'rules', testsFile], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(output).toContain('SUCCESS');
  });

  it('tests the expressions the panel runs (over 4h instead of 7d, rounded to 0.01 %)', () => {
    const doc = parse(readFileSync(join(root, testsFile), 'utf8')) as {
      tests: { promql_expr_test: { expr: string }[] }[];
    };
    const tested = doc.tests
      .flatMap((test) => test.promql_expr_test)
      .map(({ expr }) => /^round\((.*), 0\.01\)$/.exec(expr)?.[1])
      .filter((expr) => expr !== undefined);
    const panel7d = availability
      .map(({ expr }) => interpolateGrafana(expr))
      .filter((expr) => expr.includes('[7d]'))
      .map((expr) => expr.replace('[7d]', '[4h]'));
    expect(panel7d).toHaveLength(2);
    expect(tested.sort()).toEqual(panel7d.sort());
  });

  it('shows the figures without maintenance first, and keeps the raw ones', () => {
    expect(availability.map(({ where, expr }) => [where.split(' ').at(-1), expr])).toEqual([
      ['d7', expect.stringMatching(/fleet:worker_up_outside_maintenance\{[^}]*\}\[7d\]/)],
      ['d30', expect.stringMatching(/fleet:worker_up_outside_maintenance\{[^}]*\}\[30d\]/)],
      ['raw7', expect.stringMatching(/\(fleet_worker_up\{[^}]*\}\[7d\]/)],
      ['raw30', expect.stringMatching(/\(fleet_worker_up\{[^}]*\}\[30d\]/)],
    ]);
  });
});
