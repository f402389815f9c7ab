// The Node Graph panel draws two data frames: nodes (fields id, title, subtitle, mainstat,
// secondarystat, color) and edges (id, source, target, mainstat, secondarystat, color,
// strokedasharray). Prometheus only returns numbers and labels, so each frame is one instant
// query in table format whose labels ARE those fields: Grafana turns every label into a string
// column named after it. The panel then finds the frames by their refIds `nodes` / `edges`, tells
// them apart by the `source` column, and draws a node's ring and an edge in the `color` column's
// colour. Every id an edge names must be a node, or Grafana cannot draw the graph at all, so the
// node query unions every link endpoint with every worker.
import { LINK_STATUS_COLORS, type LinkStatus } from '@fleet/core/contracts';
import { copyLabel, firstOf, joinLabels, mapLabel, setLabel, setLabels, str } from './promql.js';

/** Link and node colours: the 3D panel's palette (docs/spec.md §7), so both views agree. */
export const STATUS_COLORS = LINK_STATUS_COLORS;

/** Dashed edges for links that carry no traffic, so the state reads without colour too. */
const DASH_BY_STATUS: Partial<Record<LinkStatus, string>> = { down: '4 4', paused: '8 4' };

/** Fields of the nodes frame, in the order the Node Graph reads them. */
export const NODE_FIELDS = ['id', 'title', 'subtitle', 'mainstat', 'color'] as const;
/** Fields of the edges frame. */
export const EDGE_FIELDS = [
  'id',
  'source',
  'target',
  'mainstat',
  'secondarystat',
  'color',
  'strokedasharray',
] as const;

const links = 'fleet_link_status';

/** The current link series (value 1 marks the current status of each link). */
const currentLinks = (status?: LinkStatus) =>
  `${links}${status ? `{status=${str(status)}}` : ''} == 1`;

/**
 * One series per worker, labels {worker, status}: the worst status of the links that touch it
 * (down, degraded, paused, healthy), else up/down for a worker with no link (the watcher).
 */
function workerStatus(): string {
  const touching = (status: LinkStatus) =>
    `max by (worker, status) (${copyLabel(currentLinks(status), 'worker', 'to')} or ${copyLabel(currentLinks(status), 'worker', 'from')})`;
  const up = 'max by (worker) (fleet_worker_up)';
  const byPriority: LinkStatus[] = ['down', 'degraded', 'paused', 'healthy'];
  return firstOf(
    ['worker'],
    ...byPriority.map(touching),
    setLabel(`${up} == 0`, 'status', 'down'),
    setLabel(up, 'status', 'healthy'),
  );
}

/** One series per worker, label {worker, state}: its current state, `down`, or `unknown`. */
function workerState(): string {
  const up = 'max by (worker) (fleet_worker_up)';
  return firstOf(
    ['worker'],
    // topk keeps one state even if a buggy exporter reported two, so the join cannot fail.
    'max by (worker, state) (topk by (worker) (1, fleet_worker_state == 1))',
    setLabel(`${up} == 0`, 'state', 'down'),
    setLabel(up, 'state', 'unknown'),
  );
}

/** Worker nodes; the value is the worker's pending queue depth (NaN, shown blank, without a queue). */
function workerNodes(): string {
  const info = 'max by (worker, kind, host) (fleet_worker_info)';
  const pending = firstOf(
    ['worker'],
    'sum by (worker) (fleet_queue_depth)',
    'NaN * max by (worker) (fleet_worker_info)',
  );
  let nodes = joinLabels(pending, info, ['worker'], ['kind', 'host']);
  nodes = joinLabels(nodes, workerStatus(), ['worker'], ['status']);
  nodes = joinLabels(nodes, workerState(), ['worker'], ['state']);
  nodes = copyLabel(copyLabel(nodes, 'id', 'worker'), 'title', 'worker');
  nodes = `label_join(${nodes}, "subtitle", " @ ", "kind", "host")`;
  return copyLabel(nodes, 'mainstat', 'state');
}

/**
 * Link endpoints that are not workers (the NAS, the stock service). The source of a
 * `redis-queue` link is where the queues live, so it shows whether Redis answers.
 */
function endpointNodes(): string {
  const endpoints = `max by (id) (${copyLabel(links, 'id', 'from')}) or max by (id) (${copyLabel(links, 'id', 'to')})`;
  const notWorkers = `(${endpoints}) unless on(id) (${copyLabel('fleet_worker_info', 'id', 'worker')})`;
  const redisHosts = `(${notWorkers}) and on(id) max by (id) (${copyLabel(`${links}{link_type="redis-queue"}`, 'id', 'from')})`;
  const nodes = firstOf(
    ['id'],
    setLabels(`(${redisHosts}) and on() (max(fleet_redis_up) == 1)`, {
      subtitle: 'redis host',
      mainstat: 'redis up',
      status: 'healthy',
    }),
    setLabels(redisHosts, { subtitle: 'redis host', mainstat: 'redis down', status: 'down' }),
    setLabels(notWorkers, { subtitle: 'service', mainstat: '', status: 'unknown' }),
  );
  return `NaN * (${copyLabel(nodes, 'title', 'id')})`;
}

const colorOf = (expr: string) =>
  mapLabel(expr, 'color', 'status', STATUS_COLORS, STATUS_COLORS.unknown);

/** Instant query (table format, refId `nodes`): one row per node. */
export function topologyNodesQuery(): string {
  const nodes = colorOf(`${workerNodes()} or ${endpointNodes()}`);
  return `max by (${NODE_FIELDS.join(', ')}) (${nodes})`;
}

/** Instant query (table format, refId `edges`): one row per link, coloured by its status. */
export function topologyEdgesQuery(): string {
  let edges = `label_join(${currentLinks()}, "id", "->", "from", "to")`;
  edges = `label_join(${edges}, "id", ":", "id", "link_type")`;
  edges = copyLabel(copyLabel(edges, 'source', 'from'), 'target', 'to');
  edges = copyLabel(copyLabel(edges, 'mainstat', 'status'), 'secondarystat', 'link_type');
  edges = mapLabel(edges, 'strokedasharray', 'status', DASH_BY_STATUS, '');
  return `max by (${EDGE_FIELDS.join(', ')}) (${colorOf(edges)})`;
}
