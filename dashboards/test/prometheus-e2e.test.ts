// End to end with the real Prometheus: it scrapes a live exporter (fed by the simulator through a
// real redis-server) and the alerting service, evaluates the repository's alert rules, and runs
// every expression of the dashboard. Bounded: about 20 s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET } from '@fleet/core/contracts';
import { type LiveFleet, startLiveFleet } from '@fleet/testing/live-fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_FIELDS, NODE_FIELDS, STATUS_COLORS } from '../src/topology-queries.js';
import { eventually, type PrometheusServer, startPrometheus } from './helpers/prometheus-server.js';
import {
  dashboardExpressions,
  exposedMetricNames,
  interpolateGrafana,
  type LocatedExpr,
  metricNames,
  promtoolParseErrors,
  recordedNames,
  ruleExpressions,
} from './helpers/promql-checks.js';

const root = join(import.meta.dirname, '..', '..');
const dashboard = JSON.parse(
  readFileSync(join(root, 'dashboards/grafana/dashboards/fleet-overview.json'), 'utf8'),
);
const rulesDir = join(root, 'prometheus', 'rules');

/** docs/spec.md §4: the names the dashboards and rules depend on. */
const SPEC_METRICS = [
  'fleet_redis_up',
  'fleet_worker_up',
  'fleet_worker_info',
  'fleet_worker_state',
  'fleet_worker_last_heartbeat_timestamp_seconds',
  'fleet_worker_last_job_timestamp_seconds',
  'fleet_worker_jobs_done_total',
  'fleet_worker_jobs_failed_total',
  'fleet_queue_depth',
  'fleet_queue_dead_letter',
  'fleet_queue_processing',
  'fleet_queue_paused',
  'fleet_link_status',
  'fleet_heartbeat_invalid',
  'fleet_collect_duration_seconds',
  'fleet_collect_errors_total',
];

/** Series Prometheus makes itself rather than scraping them. */
const PROMETHEUS_OWN = ['up', 'ALERTS'];

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

let fleet: LiveFleet;
let prometheus: PrometheusServer;

const instant = (query: string) =>
  prometheus.api<{ result: Sample[] }>('query', { query }).then((data) => data.result);

beforeAll(async () => {
  fleet = await startLiveFleet();
  const hostOf = (url: string) => new URL(url).host;
  prometheus = await startPrometheus({
    'fleet-exporter': hostOf(fleet.exporterUrl),
    'fleet-alerting': hostOf(fleet.alertingUrl),
  });
  // Rates need two scrapes of every counter; wait until the job counters have them.
  await eventually('two scrapes of the job counters', async () => {
    const rates = await instant('rate(fleet_worker_jobs_done_total[1m])');
    return rates.length > 0 ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await fleet?.close();
});

describe('Prometheus scraping the live exporter', () => {
  it('holds every docs/spec.md §4 series, for every worker of the fleet', async () => {
    const names = await prometheus.api<string[]>('label/__name__/values');
    expect(names).toEqual(expect.arrayContaining(SPEC_METRICS));
    const up = await instant('fleet_worker_up{job="fleet-exporter"}');
    expect(up.map((s) => s.metric.worker).sort()).toEqual(
      DEFAULT_FLEET.workers.map((w) => w.name).sort(),
    );
    // Over a few scrapes: one slow answer from the busy test process is not a down service.
    const alerting = await instant('max_over_time(up{job="fleet-alerting"}[15s])');
    expect(alerting.map((s) => s.value[1])).toEqual(['1']);
  });
});

describe('every PromQL expression of the dashboard and the alert rules', () => {
  const expressions: LocatedExpr[] = [
    ...dashboardExpressions(dashboard),
    ...ruleExpressions(rulesDir),
  ];

  it('parses with Prometheus’s own parser (promtool)', () => {
    expect(expressions.length).toBeGreaterThan(40);
    expect(promtoolParseErrors(expressions)).toBe('');
  });

  it('names only metrics the running exporter and alerting service expose', async () => {
    const exposed = new Set([...PROMETHEUS_OWN, ...recordedNames(rulesDir)]);
    for (const url of [fleet.exporterUrl, fleet.alertingUrl]) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const name of exposedMetricNames(text)) exposed.add(name);
    }
    expect([...exposed]).toEqual(expect.arrayContaining(SPEC_METRICS));
    const unknown = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('evaluates on the live data without an error (no many-to-many joins), and fills the panels', async () => {
    // Empty by nature while the fleet is healthy: firing alerts, send failures, down/paused marks.
    const mayBeEmpty = /ALERTS\{|messages_failed_total\[|fleet_alerting_events_total|== [01]$/;
    const panelsWithoutData = async () => {
      const empty: string[] = [];
      for (const { where, expr } of dashboardExpressions(dashboard)) {
        // An evaluation error (e.g. duplicate series in a join) rejects: no retry hides it.
        const result = await instant(interpolateGrafana(expr));
        if (result.length === 0 && !mayBeEmpty.test(expr)) empty.push(where);
      }
      return empty;
    };
    // Some series need a first job or a second scrape first: allow the fleet a short warm-up.
    const deadline = Date.now() + 20_000;
    let empty = await panelsWithoutData();
    while (empty.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      empty = await panelsWithoutData();
    }
    expect(empty).toEqual([]);
  });
});

describe('the Node Graph on live data', () => {
  const frames = async () => {
    const panel = dashboard.panels.find((p: { type: string }) => p.type === 'nodeGraph');
    const exprOf = (refId: string) =>
      panel.targets.find((t: { refId: string }) => t.refId === refId).expr as string;
    return {
      nodes: (await instant(exprOf('nodes'))).map((s) => s.metric),
      edges: (await instant(exprOf('edges'))).map((s) => s.metric),
    };
  };

  it('has a node for every worker and every link endpoint, with the fields Grafana reads', async () => {
    const { nodes, edges } = await frames();
    const ids = nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      [...DEFAULT_FLEET.workers.map((w) => w.name), 'nas', 'nas-stock'].sort(),
    );
    for (const node of nodes)
      expect(Object.keys(node).every((k) => NODE_FIELDS.includes(k as never))).toBe(true);
    expect(edges).toHaveLength(5);
    for (const edge of edges) {
      expect(ids).toContain(edge.source);
      expect(ids).toContain(edge.target);
      expect(Object.keys(edge).every((k) => EDGE_FIELDS.includes(k as never))).toBe(true);
    }
  });

  it('fires the worker-down rule and turns the node and its link red when a worker stops beating', async () => {
    const victim = 'image-render';
    const downRule = ruleExpressions(rulesDir).find(
      (r) => /fleet_worker_up/.test(r.expr) && /down/i.test(r.where),
    );
    expect(downRule, 'a worker-down rule over fleet_worker_up in prometheus/rules').toBeDefined();
    const alertName = downRule?.where.split(' ')[1];

    const crashedAt = Date.now();
    await fleet.simulator.crash(victim);
    const alert = await eventually(`${alertName} firing for ${victim}`, async () => {
      const { alerts } = await prometheus.api<{
        alerts: { labels: Record<string, string>; state: string }[];
      }>('alerts');
      return alerts.find(
        (a) =>
          a.labels.alertname === alertName && a.labels.worker === victim && a.state === 'firing',
      );
    });
    expect(alert.labels.worker).toBe(victim);
    // TTL (2 s) + scrape (1 s) + evaluation (1 s) + for (1 s), with slack for a busy machine.
    expect(Date.now() - crashedAt).toBeLessThan(20_000);

    const { nodes, edges } = await frames();
    expect(nodes.find((n) => n.id === victim)).toMatchObject({
      mainstat: 'down',
      color: STATUS_COLORS.down,
    });
    expect(edges.find((e) => e.target === victim)).toMatchObject({
      mainstat: 'down',
      color: STATUS_COLORS.down,
    });
  });
});
