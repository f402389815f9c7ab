// The Node Graph's two frames, computed by Prometheus's own engine (promtool test rules) from the
// series the exporter publishes for a given fleet situation. Each expectation is what Grafana
// receives: one row per node / edge, with the label columns the Node Graph reads.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET, linkStatus, STATES_BY_KIND } from '@fleet/core/contracts';
import { requireBinary } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { STATE_CODES, UNKNOWN_STATE_CODE, workerStateCodeQuery } from '../src/fleet-overview.js';
import {
  EDGE_FIELDS,
  NODE_FIELDS,
  STATUS_COLORS,
  topologyEdgesQuery,
  topologyNodesQuery,
} from '../src/topology-queries.js';
import { interpolateGrafana } from './helpers/promql-checks.js';

interface WorkerSituation {
  alive: boolean;
  /** The state the heartbeat reports; null = alive but unreadable / unknown state. */
  state: string | null;
  pending: number;
  dead: number;
}

type Situation = { redisUp: boolean; workers: Record<string, Partial<WorkerSituation>> };

const DEFAULT_STATE: Record<string, string> = {
  render: 'idle',
  watcher: 'trading',
  trader: 'market_open',
};

/** The series the exporter would publish for a situation (docs/spec.md §4), as promtool input. */
function exporterSeries(situation: Situation) {
  const series: { series: string; values: string }[] = [];
  const add = (name: string, labels: Record<string, string>, value: number) =>
    series.push({
      series: `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`,
      values: `${value}x3`,
    });
  add('fleet_redis_up', {}, situation.redisUp ? 1 : 0);
  for (const spec of DEFAULT_FLEET.workers) {
    const w: WorkerSituation = {
      alive: true,
      state: DEFAULT_STATE[spec.kind] ?? null,
      pending: 0,
      dead: 0,
      ...situation.workers[spec.name],
    };
    const worker = spec.name;
    add('fleet_worker_info', { worker, kind: spec.kind, host: spec.host }, 1);
    add('fleet_worker_up', { worker }, w.alive ? 1 : 0);
    for (const state of STATES_BY_KIND[spec.kind]) {
      add('fleet_worker_state', { worker, state }, w.alive && w.state === state ? 1 : 0);
    }
    if (spec.queue) {
      add('fleet_queue_depth', { worker, queue: spec.queue }, w.pending);
      add('fleet_queue_dead_letter', { worker, queue: spec.queue }, w.dead);
    }
    if (spec.link) {
      const current = linkStatus(spec.link.type, {
        alive: w.alive,
        kind: spec.kind,
        state: w.state,
        dead_letter: w.dead,
      });
      for (const status of ['healthy', 'paused', 'down', 'degraded']) {
        const { from, to, type } = spec.link;
        add('fleet_link_status', { from, to, link_type: type, status }, status === current ? 1 : 0);
      }
    }
  }
  return series;
}

type Row = Record<string, string>;

const node = (id: string, subtitle: string, mainstat: string, color: string): Row => ({
  id,
  title: id,
  subtitle,
  ...(mainstat ? { mainstat } : {}),
  color,
});
const render = (id: string, mainstat: string, color: string) =>
  node(id, 'render @ windows', mainstat, color);
const { healthy, paused, degraded, down, unknown } = STATUS_COLORS;

const edge = (from: string, to: string, type: string, status: keyof typeof STATUS_COLORS): Row => {
  const dash = { down: '4 4', paused: '8 4' }[status as string];
  return {
    id: `${from}->${to}:${type}`,
    source: from,
    target: to,
    mainstat: status,
    secondarystat: type,
    color: STATUS_COLORS[status],
    ...(dash ? { strokedasharray: dash } : {}),
  };
};
const renderEdges = (status: (w: string) => keyof typeof STATUS_COLORS) =>
  ['music-render', 'video-render', 'image-render', 'insta-render'].map((w) =>
    edge('nas', w, 'redis-queue', status(w)),
  );

const cases: { name: string; situation: Situation; nodes: Row[]; edges: Row[] }[] = [
  {
    name: 'all healthy',
    situation: { redisUp: true, workers: { 'music-render': { state: 'busy', pending: 3 } } },
    nodes: [
      render('music-render', 'busy', healthy),
      render('video-render', 'idle', healthy),
      render('image-render', 'idle', healthy),
      render('insta-render', 'idle', healthy),
      node('task-watcher', 'watcher @ windows', 'trading', healthy),
      node('ai_trade', 'trader @ windows', 'market_open', healthy),
      node('nas', 'redis host', 'redis up', healthy),
      node('nas-stock', 'service', '', unknown),
    ],
    edges: [...renderEdges(() => 'healthy'), edge('ai_trade', 'nas-stock', 'http-pull', 'healthy')],
  },
  {
    name: 'a render worker down, one degraded, the trader down',
    situation: {
      redisUp: true,
      workers: {
        'video-render': { alive: false, pending: 5 },
        'image-render': { dead: 2 },
        ai_trade: { alive: false },
      },
    },
    nodes: [
      render('music-render', 'idle', healthy),
      render('video-render', 'down', down),
      render('image-render', 'idle', degraded),
      render('insta-render', 'idle', healthy),
      node('task-watcher', 'watcher @ windows', 'trading', healthy),
      node('ai_trade', 'trader @ windows', 'down', down),
      node('nas', 'redis host', 'redis up', healthy),
      node('nas-stock', 'service', '', unknown),
    ],
    edges: [
      ...renderEdges((w) =>
        w === 'video-render' ? 'down' : w === 'image-render' ? 'degraded' : 'healthy',
      ),
      edge('ai_trade', 'nas-stock', 'http-pull', 'down'),
    ],
  },
  {
    name: 'render work paused for trading, the watcher dead, a heartbeat unreadable',
    situation: {
      redisUp: true,
      workers: {
        'music-render': { state: 'paused' },
        'video-render': { state: 'paused' },
        'image-render': { state: 'paused' },
        'insta-render': { state: null },
        'task-watcher': { alive: false },
      },
    },
    nodes: [
      render('music-render', 'paused', paused),
      render('video-render', 'paused', paused),
      render('image-render', 'paused', paused),
      render('insta-render', 'unknown', healthy),
      node('task-watcher', 'watcher @ windows', 'down', down),
      node('ai_trade', 'trader @ windows', 'market_open', healthy),
      node('nas', 'redis host', 'redis up', healthy),
      node('nas-stock', 'service', '', unknown),
    ],
    edges: [
      ...renderEdges((w) => (w === 'insta-render' ? 'healthy' : 'paused')),
      edge('ai_trade', 'nas-stock', 'http-pull', 'healthy'),
    ],
  },
  {
    name: 'Redis unreachable: every worker unknown to the exporter, the NAS red',
    situation: {
      redisUp: false,
      workers: Object.fromEntries(DEFAULT_FLEET.workers.map((w) => [w.name, { alive: false }])),
    },
    nodes: [
      ...['music-render', 'video-render', 'image-render', 'insta-render'].map((w) =>
        render(w, 'down', down),
      ),
      node('task-watcher', 'watcher @ windows', 'down', down),
      node('ai_trade', 'trader @ windows', 'down', down),
      node('nas', 'redis host', 'redis down', down),
      node('nas-stock', 'service', '', unknown),
    ],
    edges: [...renderEdges(() => 'down'), edge('ai_trade', 'nas-stock', 'http-pull', 'down')],
  },
];

const workdir = tempDir('fleet-topology-');

/** PromQL labels syntax of a row, as promtool prints and expects it. */
const labels = (row: Row) =>
  `{${Object.entries(row)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

function promtoolTest(situation: Situation, tests: object[]): string {
  requireBinary('promtool', 'prometheus');
  const file = join(workdir, `test-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    stringify({
      rule_files: [],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: exporterSeries(situation), promql_expr_test: tests }],
    }),
  );
  try {
    return execFileSync('promtool', ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`promtool test failed:\n${stdout}\n${stderr}`);
  }
}

describe('Node Graph frames from Prometheus', () => {
  it.each(cases)('$name', ({ situation, nodes, edges }) => {
    // count by (fields) turns each row into value 1, so rows compare by their label columns
    // alone (a node's value may be NaN, which never equals itself).
    const rows = (query: string, fields: readonly string[], expected: Row[]) => ({
      expr: `count by (${fields.join(', ')}) (${query})`,
      eval_time: '2m',
      exp_samples: expected.map((row) => ({ labels: labels(row), value: 1 })),
    });
    const output = promtoolTest(situation, [
      rows(topologyNodesQuery(), NODE_FIELDS, nodes),
      rows(topologyEdgesQuery(), EDGE_FIELDS, edges),
    ]);
    expect(output).toContain('SUCCESS');
  });

  it('gives render workers their pending jobs as the node value, and the others none (NaN)', () => {
    const situation: Situation = {
      redisUp: true,
      workers: { 'music-render': { pending: 7 }, 'video-render': { alive: false, pending: 2 } },
    };
    const pending = { 'music-render': 7, 'video-render': 2, 'image-render': 0, 'insta-render': 0 };
    const output = promtoolTest(situation, [
      {
        // Finite values only: NaN (no queue) drops out of a comparison.
        expr: `max by (id) (${topologyNodesQuery()}) >= 0`,
        eval_time: '2m',
        exp_samples: Object.entries(pending).map(([id, value]) => ({
          labels: `{id="${id}"}`,
          value,
        })),
      },
    ]);
    expect(output).toContain('SUCCESS');
  });

  it('names, in every edge, only nodes of the node frame (else Grafana cannot draw)', () => {
    for (const { nodes, edges } of cases) {
      const ids = new Set(nodes.map((n) => n.id));
      for (const e of edges) {
        expect(ids).toContain(e.source);
        expect(ids).toContain(e.target);
      }
    }
  });
});

describe('the state timeline and the workers table: one state code per worker', () => {
  it('is the state of a live worker, down (0) for a dead one, unknown for an unreadable one', () => {
    const situation: Situation = {
      redisUp: true,
      workers: {
        'music-render': { state: 'busy' },
        'video-render': { alive: false },
        'image-render': { state: null },
      },
    };
    const code = (state: string) => STATE_CODES.get(state) as number;
    const expected: Record<string, number> = {
      'music-render': code('busy'),
      'video-render': 0,
      'image-render': UNKNOWN_STATE_CODE,
      'insta-render': code('idle'),
      'task-watcher': code('trading'),
      ai_trade: code('market_open'),
    };
    const output = promtoolTest(situation, [
      {
        expr: interpolateGrafana(workerStateCodeQuery()),
        eval_time: '2m',
        exp_samples: Object.entries(expected).map(([worker, value]) => ({
          labels: `{worker="${worker}"}`,
          value,
        })),
      },
    ]);
    expect(output).toContain('SUCCESS');
  });
});
