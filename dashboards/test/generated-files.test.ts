import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderArtifacts } from '../src/artifacts.js';
import { DASHBOARD_UID, DATASOURCE_UID } from '../src/provisioning.js';

const workspace = join(import.meta.dirname, '..');
const artifacts = renderArtifacts();
const committed = (path: string) => readFileSync(join(workspace, path), 'utf8');
/** The parts of the dashboard JSON these tests read. */
interface DashboardJson {
  uid: string;
  templating: {
    list: { type: string; name: string; query: unknown; current?: { value: string } }[];
  };
  annotations: { list: { name: string; datasource: { uid: string } }[] };
  panels: {
    id: number;
    type: string;
    title: string;
    datasource?: unknown;
    gridPos: { x: number; y: number; w: number; h: number };
    targets?: { expr: string; refId: string; format?: string; instant?: boolean }[];
  }[];
}
const dashboard = JSON.parse(committed('grafana/dashboards/fleet-overview.json')) as DashboardJson;
const panels = dashboard.panels;
/** Grafana's reference to the `datasource` variable. */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');

describe('generated files', () => {
  it.each([...artifacts.keys()])(
    '%s is exactly what `npm run generate -w dashboards` writes',
    (path) => {
      // On failure: run `npm run generate -w dashboards` and commit the result.
      expect(committed(path)).toBe(artifacts.get(path));
    },
  );
});

describe('fleet overview dashboard', () => {
  it('has a stable uid and picks its Prometheus through a datasource variable', () => {
    expect(dashboard.uid).toBe(DASHBOARD_UID);
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    expect(variable?.current?.value).toBe(DATASOURCE_UID);
  });

  it('queries every panel and annotation through that variable', () => {
    const queried = panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThan(15);
    for (const panel of queried) {
      expect(panel.datasource, panel.title).toEqual({
        type: 'prometheus',
        uid: DATASOURCE_VARIABLE,
      });
    }
    for (const annotation of dashboard.annotations.list) {
      expect(annotation.datasource.uid, annotation.name).toBe(DATASOURCE_VARIABLE);
    }
  });

  it.each([
    ['stat', 'Workers', 'fleet_worker_up'],
    ['state-timeline', 'Up / down', 'fleet_worker_up'],
    ['state-timeline', 'State', 'fleet_worker_state'],
    ['timeseries', 'Heartbeat age', 'fleet_worker_last_heartbeat_timestamp_seconds'],
    ['timeseries', 'Pending jobs', 'fleet_queue_depth'],
    ['timeseries', 'Dead letters', 'fleet_queue_dead_letter'],
    ['timeseries', 'In flight', 'fleet_queue_processing'],
    ['timeseries', 'Jobs done / min', 'rate(fleet_worker_jobs_done_total'],
    ['timeseries', 'Failures / min', 'rate(fleet_worker_jobs_failed_total'],
    ['state-timeline', 'Paused periods', 'fleet_queue_paused'],
    ['stat', 'Redis', 'fleet_redis_up'],
    ['timeseries', 'Collection time', 'fleet_collect_duration_seconds'],
    ['timeseries', 'Collection errors / min', 'rate(fleet_collect_errors_total'],
    ['nodeGraph', 'Pipeline topology', 'fleet_link_status'],
  ])('has a %s panel "%s" over %s', (type, title, exprPart) => {
    const panel = panels.find((p) => p.type === type && p.title === title);
    expect(panel, `${type} "${title}"`).toBeDefined();
    const exprs = (panel?.targets ?? []).map((t) => t.expr);
    expect(exprs.some((e) => e.includes(exprPart))).toBe(true);
  });

  it('feeds the node graph a nodes and an edges frame (refIds Grafana recognises)', () => {
    const graph = panels.find((p) => p.type === 'nodeGraph');
    const targets = (graph?.targets ?? []) as {
      refId: string;
      format?: string;
      instant?: boolean;
    }[];
    expect(targets.map((t) => t.refId).sort()).toEqual(['edges', 'nodes']);
    for (const t of targets) expect(t).toMatchObject({ format: 'table', instant: true });
  });

  it('counts jobs with rate/increase only (counters reset when a worker restarts)', () => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const counterUses = exprs.filter((e) => /fleet_\w+_total/.test(e));
    expect(counterUses.length).toBeGreaterThan(0);
    for (const expr of counterUses) {
      for (const use of expr.matchAll(/(\w+)\(\s*fleet_\w+_total/g)) {
        expect(['rate', 'increase'], expr).toContain(use[1]);
      }
    }
  });

  it('lays panels out on the 24-column grid without overlaps, with unique ids', () => {
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let col = x; col < x + w; col++) {
        for (let row = y; row < y + h; row++) {
          const cell = `${col},${row}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('provisioning', () => {
  it('provisions Prometheus with the fixed uid the dashboard defaults to', () => {
    const file = parse(committed('grafana/provisioning/datasources/prometheus.yml'));
    expect(file.datasources).toEqual([
      expect.objectContaining({
        uid: DATASOURCE_UID,
        type: 'prometheus',
        url: 'http://prometheus:9090',
      }),
    ]);
  });

  it('loads dashboards from the directory docker-compose mounts', () => {
    const file = parse(committed('grafana/provisioning/dashboards/fleet-monitor.yml'));
    expect(file.providers[0]).toMatchObject({
      type: 'file',
      options: { path: '/etc/grafana/dashboards' },
    });
  });
});
