// The checkers the end-to-end test relies on must themselves catch what they claim to.
import { describe, expect, it } from 'vitest';
import {
  exposedMetricNames,
  interpolateGrafana,
  metricNames,
  promtoolParseErrors,
} from './helpers/promql-checks.js';

describe('metricNames', () => {
  it.each([
    ['fleet_worker_up', ['fleet_worker_up']],
    [
      'sum by (worker) (rate(fleet_worker_jobs_done_total{worker=~"$worker"}[$__rate_interval]))',
      ['fleet_worker_jobs_done_total'],
    ],
    [
      'time() - max(fleet_alerting_last_successful_check_timestamp_seconds)',
      ['fleet_alerting_last_successful_check_timestamp_seconds'],
    ],
    ['label_replace(up, "fleet_fake", "x", "", "") or on(worker) vector(1)', ['up']],
    ['a / on(worker) group_left(kind) b', ['a', 'b']],
    ['count(fleet_worker_up == 0) or vector(0)', ['fleet_worker_up']],
  ])('%s selects %j', (expr, names) => {
    expect(metricNames(expr).sort()).toEqual([...names].sort());
  });
});

describe('exposedMetricNames', () => {
  it('reads families and samples, and the _total sample name of a counter', () => {
    const text = [
      '# HELP fleet_collect_errors counter without suffix',
      '# TYPE fleet_collect_errors counter',
      'fleet_collect_errors_total 0',
      '# TYPE fleet_alerting_messages_failed_total counter',
      'fleet_worker_up{worker="a"} 1',
    ].join('\n');
    expect([...exposedMetricNames(text)].sort()).toEqual([
      'fleet_alerting_messages_failed_total',
      'fleet_collect_errors',
      'fleet_collect_errors_total',
      'fleet_worker_up',
    ]);
  });
});

describe('promtoolParseErrors', () => {
  it('accepts Grafana-templated PromQL once its variables are interpolated', () => {
    const expr = 'sum(increase(fleet_worker_jobs_done_total{worker=~"$worker"}[$__range]))';
    expect(interpolateGrafana(expr)).not.toContain('$');
    expect(promtoolParseErrors([{ where: 'ok', expr }])).toBe('');
  });

  it('reports an expression Prometheus cannot parse, naming where it came from', () => {
    const errors = promtoolParseErrors([
      { where: 'fine', expr: 'fleet_worker_up' },
      { where: 'panel "Broken" A', expr: 'sum by (worker (fleet_worker_up)' },
    ]);
    expect(errors).toMatch(/expr_check_1/);
    expect(errors).toMatch(/panel "Broken" A/);
  });
});
