import { STATES_BY_KIND, stateSpec, WORKER_KINDS } from '@fleet/core/contracts';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueTextMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
} from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  type ValueMapping,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { alertingPanels } from './alerting-panels.js';
import {
  COLOR,
  DATASOURCE,
  fixedColor,
  instantTable,
  query,
  stat,
  steps,
  timeline,
  timeseries,
  upDown,
  valueMap,
  W,
} from './panel-helpers.js';
import { DASHBOARD_UID, DATASOURCE_UID } from './provisioning.js';
import { topologyEdgesQuery, topologyNodesQuery } from './topology-queries.js';

/** Every state any kind reports, numbered from 1 (0 means no state: the worker is down). */
export const STATE_CODES: ReadonlyMap<string, number> = new Map(
  [...new Set(Object.values(STATES_BY_KIND).flat())].map((state, index) => [state, index + 1]),
);

/**
 * Colour of each state in the state timeline, from `WORKER_KIND_TABLE` (the first kind that has
 * the state decides); `down` (no state) is red.
 */
function stateColor(state: string): string {
  const kind = WORKER_KINDS.find((k) => stateSpec(k, state));
  return (kind && stateSpec(kind, state)?.color) ?? COLOR.unknown;
}

/** A worker alive without a known state: its heartbeat is there but unreadable. */
export const UNKNOWN_STATE_CODE = STATE_CODES.size + 1;

/**
 * One series per worker whose value is the code of its current state (a state timeline needs
 * the state as a value, while the exporter reports it as a 0/1 series per state label). No
 * state is 0 (down) for a dead worker and UNKNOWN_STATE_CODE for a live one.
 */
export function workerStateCodeQuery(): string {
  const terms = [...STATE_CODES].map(
    ([state, code]) => `fleet_worker_state{${W}, state="${state}"} * ${code}`,
  );
  const up = `max by (worker) (fleet_worker_up{${W}})`;
  return `(sum by (worker) (${terms.join(' or ')}) > 0) or on(worker) (${up} * ${UNKNOWN_STATE_CODE})`;
}

function overviewPanels(): cog.Builder<Panel>[] {
  return [
    stat('Workers', 'Workers alive (heartbeat key present), down, and in the fleet file.')
      .withTarget(query(`sum(fleet_worker_up{${W}})`, 'up', 'A').instant())
      .withTarget(query(`count(fleet_worker_up{${W}} == 0) or vector(0)`, 'down', 'B').instant())
      .withTarget(query(`count(fleet_worker_up{${W}})`, 'total', 'C').instant())
      .textMode(BigValueTextMode.ValueAndName)
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.down]))
      .overrideByName('up', [fixedColor(COLOR.healthy)])
      .overrideByName('total', [fixedColor(COLOR.unknown)])
      .span(6),
    stat('Redis', 'Whether the exporter reached Redis on its last collection (fleet_redis_up).')
      .withTarget(query('max(fleet_redis_up)', 'redis').instant())
      .mappings([upDown])
      .noValue('no data')
      .span(3),
    stat(
      'Render work',
      'queue:paused = "1": the task-watcher pauses render work during market hours.',
    )
      .withTarget(query('max(fleet_queue_paused)', 'paused').instant())
      .mappings([
        valueMap({
          '0': { text: 'running', color: COLOR.healthy },
          '1': { text: 'paused', color: COLOR.paused },
        }),
      ])
      .span(3),
    stat('Pending jobs', 'Jobs waiting in the queue lists (queue:<name>).')
      .withTarget(query(`sum(fleet_queue_depth{${W}})`, 'pending').instant())
      .colorMode(BigValueColorMode.None)
      .span(3),
    stat('In flight', 'Jobs taken by a consumer and not finished (processing:queue:<name>:*).')
      .withTarget(query(`sum(fleet_queue_processing{${W}})`, 'in flight').instant())
      .colorMode(BigValueColorMode.None)
      .span(3),
    stat('Dead letters', 'Failed jobs parked in dead_letter:queue:<name>; any is worth a look.')
      .withTarget(query(`sum(fleet_queue_dead_letter{${W}})`, 'dead letters').instant())
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.down]))
      .span(3),
    stat(
      'Bad heartbeats',
      'Heartbeat keys present but unreadable (bad JSON, wrong shape, too large).',
    )
      .withTarget(query(`sum(fleet_heartbeat_invalid{${W}})`, 'invalid').instant())
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.degraded]))
      .span(3),
  ];
}

function topologyPanels(): cog.Builder<Panel>[] {
  return [
    new NodeGraphPanel()
      .title('Pipeline topology')
      .description(
        'The Grafana twin of the 3D panel, from fleet_link_status: edges are links coloured by ' +
          'status (green healthy, amber paused, yellow degraded, red dashed down); nodes are ' +
          'workers (ring = worst status of their links, text = state and pending jobs) and the ' +
          'hosts they connect to (the Redis host shows whether Redis answers).',
      )
      .datasource(DATASOURCE)
      .withTarget(instantTable(topologyNodesQuery(), 'nodes'))
      .withTarget(instantTable(topologyEdgesQuery(), 'edges'))
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true, 'Value #edges': true },
          renameByName: { 'Value #nodes': 'secondarystat' },
        },
      })
      .nodes({ build: () => ({ secondaryStatUnit: 'queued' }) })
      .span(14)
      .height(13),
    new TablePanel()
      .title('Workers now')
      .description('One row per worker: the last collected values.')
      .datasource(DATASOURCE)
      .withTarget(instantTable(`max by (worker) (fleet_worker_up{${W}})`, 'up'))
      .withTarget(instantTable(workerStateCodeQuery(), 'state'))
      .withTarget(
        instantTable(
          `time() - max by (worker) (fleet_worker_last_heartbeat_timestamp_seconds{${W}} > 0)`,
          'beat',
        ),
      )
      .withTarget(instantTable(`sum by (worker) (fleet_queue_depth{${W}})`, 'pending'))
      .withTarget(instantTable(`sum by (worker) (fleet_queue_dead_letter{${W}})`, 'dead'))
      .withTarget(instantTable(`sum by (worker) (fleet_queue_processing{${W}})`, 'flight'))
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          indexByName: {
            worker: 0,
            'Value #up': 1,
            'Value #state': 2,
            'Value #beat': 3,
            'Value #pending': 4,
            'Value #flight': 5,
            'Value #dead': 6,
          },
          renameByName: {
            'Value #up': 'alive',
            'Value #state': 'state',
            'Value #beat': 'last beat',
            'Value #pending': 'pending',
            'Value #flight': 'in flight',
            'Value #dead': 'dead letters',
          },
        },
      })
      .overrideByName('alive', [
        { id: 'mappings', value: [upDown] },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
      ])
      .overrideByName('state', [
        { id: 'mappings', value: [stateMappings()] },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
      ])
      .overrideByName('last beat', [
        { id: 'unit', value: 's' },
        { id: 'decimals', value: 0 },
        { id: 'thresholds', value: steps([null, COLOR.healthy], [46, COLOR.down]).build() },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
      ])
      .overrideByName('dead letters', [
        { id: 'thresholds', value: steps([null, COLOR.healthy], [1, COLOR.down]).build() },
        { id: 'custom.cellOptions', value: { type: 'color-text' } },
      ])
      .span(10)
      .height(13),
  ];
}

function stateMappings(): ValueMapping {
  const entries: Record<string, { text: string; color: string }> = {
    '0': { text: 'down', color: COLOR.down },
    [String(UNKNOWN_STATE_CODE)]: { text: 'unknown', color: COLOR.unknown },
  };
  for (const [state, code] of STATE_CODES) {
    entries[String(code)] = { text: state, color: stateColor(state) };
  }
  return valueMap(entries);
}

function livenessPanels(): cog.Builder<Panel>[] {
  return [
    timeline('Up / down', 'fleet_worker_up per worker: red while its heartbeat key is missing.')
      .withTarget(query(`max by (worker) (fleet_worker_up{${W}})`, '{{worker}}'))
      .mappings([upDown])
      .span(12),
    timeline('State', 'The state each worker reports in its heartbeat; red = no heartbeat.')
      .withTarget(query(workerStateCodeQuery(), '{{worker}}'))
      .mappings([stateMappings()])
      .span(12),
    timeseries(
      'Heartbeat age',
      'Seconds since each worker last beat (every 15 s); the key expires at 45 s (dashed line).',
    )
      .withTarget(
        query(
          `time() - max by (worker) (fleet_worker_last_heartbeat_timestamp_seconds{${W}} > 0)`,
          '{{worker}}',
        ),
      )
      .unit('s')
      .min(0)
      .thresholds(steps([null, COLOR.healthy], [45, COLOR.down]))
      .thresholdsStyle(
        new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed),
      )
      .span(12),
    timeline(
      'Paused periods',
      'When render work was paused (queue:paused) and when Redis was unreachable.',
    )
      .withTarget(query('max(fleet_queue_paused)', 'render work', 'A'))
      .withTarget(query('max(fleet_redis_up)', 'redis', 'B'))
      .overrideByName('render work', [
        {
          id: 'mappings',
          value: [
            valueMap({
              '0': { text: 'running', color: COLOR.healthy },
              '1': { text: 'paused', color: COLOR.paused },
            }),
          ],
        },
      ])
      .overrideByName('redis', [{ id: 'mappings', value: [upDown] }])
      .span(12),
  ];
}

function queuePanels(): cog.Builder<Panel>[] {
  return [
    timeseries('Pending jobs', 'Length of queue:<name> per worker.')
      .withTarget(query(`sum by (worker) (fleet_queue_depth{${W}})`, '{{worker}}'))
      .unit('suffix: jobs')
      .min(0)
      .decimals(0)
      .span(8),
    timeseries('In flight', 'Jobs in processing:queue:<name>:* lists per worker.')
      .withTarget(query(`sum by (worker) (fleet_queue_processing{${W}})`, '{{worker}}'))
      .unit('suffix: jobs')
      .min(0)
      .decimals(0)
      .span(8),
    timeseries('Dead letters', 'Length of dead_letter:queue:<name> per worker.')
      .withTarget(query(`sum by (worker) (fleet_queue_dead_letter{${W}})`, '{{worker}}'))
      .unit('suffix: jobs')
      .min(0)
      .decimals(0)
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.down]))
      .thresholdsStyle(
        new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed),
      )
      .span(8),
  ];
}

/** Per-minute rate of a per-worker counter; rate() absorbs the resets of a worker restart. */
const perMinute = (counter: string) =>
  `sum by (worker) (rate(${counter}{${W}}[$__rate_interval])) * 60`;

function jobPanels(): cog.Builder<Panel>[] {
  return [
    timeseries(
      'Jobs done / min',
      'From the heartbeat counter jobs_done, which restarts at 0 with the worker: rate() treats ' +
        'the drop as a reset, not as negative work.',
    )
      .withTarget(query(perMinute('fleet_worker_jobs_done_total'), '{{worker}}'))
      .unit('suffix: jobs/min')
      .min(0)
      .span(8),
    timeseries('Failures / min', 'From the heartbeat counter jobs_failed (reset-safe, like done).')
      .withTarget(query(perMinute('fleet_worker_jobs_failed_total'), '{{worker}}'))
      .unit('suffix: jobs/min')
      .min(0)
      .span(8),
    timeseries('Failure ratio', 'failed / (done + failed) over the rate window, per worker.')
      .withTarget(
        query(
          // A worker without jobs in the window has no ratio (a gap), not 0/0 = NaN.
          `${perMinute('fleet_worker_jobs_failed_total')} / ((${perMinute('fleet_worker_jobs_done_total')} + ${perMinute('fleet_worker_jobs_failed_total')}) > 0)`,
          '{{worker}}',
        ),
      )
      .unit('percentunit')
      .min(0)
      .max(1)
      .span(8),
    timeseries(
      'Time since last job',
      'Seconds since each worker last finished a job (last_job_at).',
    )
      .withTarget(
        query(
          `time() - max by (worker) (fleet_worker_last_job_timestamp_seconds{${W}} > 0)`,
          '{{worker}}',
        ),
      )
      .unit('s')
      .min(0)
      .span(12),
    stat('Jobs in range', 'Jobs finished and failed over the dashboard time range.')
      .withTarget(
        query(`sum(increase(fleet_worker_jobs_done_total{${W}}[$__range]))`, 'done', 'A').instant(),
      )
      .withTarget(
        query(
          `sum(increase(fleet_worker_jobs_failed_total{${W}}[$__range]))`,
          'failed',
          'B',
        ).instant(),
      )
      .textMode(BigValueTextMode.ValueAndName)
      .colorMode(BigValueColorMode.None)
      .decimals(0)
      .height(8)
      .span(12),
  ];
}

function collectorPanels(): cog.Builder<Panel>[] {
  return [
    timeseries(
      'Collection time',
      'How long the exporter took to read the fleet from Redis on its last collection.',
    )
      .withTarget(query('max(fleet_collect_duration_seconds)', 'collection'))
      .unit('s')
      .min(0)
      .span(8),
    timeseries('Collection errors / min', 'Collections that failed (Redis unreachable, timeouts).')
      .withTarget(query('sum(rate(fleet_collect_errors_total[$__rate_interval])) * 60', 'errors'))
      .min(0)
      .thresholds(steps([null, COLOR.healthy], [0.001, COLOR.down]))
      .span(8),
    timeline('Scrape targets', 'Whether Prometheus reaches the exporter and the alerting service.')
      .withTarget(query('max by (job) (up{job=~"fleet-.*"})', '{{job}}'))
      .mappings([upDown])
      .span(8),
  ];
}

function annotations(): AnnotationQueryBuilder[] {
  return [
    new AnnotationQueryBuilder()
      .name('Worker down')
      .datasource(DATASOURCE)
      .enable(true)
      .iconColor(COLOR.down)
      .expr('max by (worker) (fleet_worker_up) == 0')
      .titleFormat('{{worker}} down')
      .step('60s'),
    new AnnotationQueryBuilder()
      .name('Render work paused')
      .datasource(DATASOURCE)
      .enable(false)
      .iconColor(COLOR.paused)
      .expr('max(fleet_queue_paused) == 1')
      .titleFormat('render work paused')
      .step('60s'),
  ];
}

/**
 * Availability over the same periods as the bot's `/report` (7 and 30 days), from Prometheus's
 * samples: the share of scrapes that found the worker up. The main figures leave maintenance
 * and Redis outages out, as `/report` does, through the recorded series
 * `fleet:worker_up_outside_maintenance` (prometheus/rules/fleet-availability.yml); the raw
 * `fleet_worker_up` ones count them. How these can still differ from `/report` is in the
 * alerting README ("Reliability report").
 */
function availabilityPanels(): cog.Builder<Panel>[] {
  const colorText = { id: 'custom.cellOptions', value: { type: 'color-text' } };
  const uptime = (series: string, range: string) =>
    `100 * max by (worker) (avg_over_time(${series}{${W}}[${range}]))`;
  const columns = [
    { refId: 'd7', series: 'fleet:worker_up_outside_maintenance', range: '7d', name: '7 days' },
    { refId: 'd30', series: 'fleet:worker_up_outside_maintenance', range: '30d', name: '30 days' },
    { refId: 'raw7', series: 'fleet_worker_up', range: '7d', name: '7 days incl. maintenance' },
    { refId: 'raw30', series: 'fleet_worker_up', range: '30d', name: '30 days incl. maintenance' },
  ];
  const panel = new TablePanel()
    .title('Availability (7 and 30 days)')
    .description(
      'Per worker: % of scrapes that found it up over the last 7 and 30 days, maintenance ' +
        "windows and Redis outages left out, as the bot's /report 7d and /report 30d do; then " +
        'the same with them counted (incl. maintenance). The alerting README says what still ' +
        'differs from /report.',
    )
    .datasource(DATASOURCE);
  for (const { refId, series, range } of columns)
    panel.withTarget(instantTable(uptime(series, range), refId));
  panel
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: Object.fromEntries([
          ['worker', 0],
          ...columns.map(({ refId }, i) => [`Value #${refId}`, i + 1]),
        ]),
        renameByName: Object.fromEntries(
          columns.map(({ refId, name }) => [`Value #${refId}`, name]),
        ),
      },
    })
    .unit('percent')
    .decimals(2)
    .thresholds(steps([null, COLOR.down], [99, COLOR.degraded], [99.9, COLOR.healthy]));
  for (const { name } of columns) panel.overrideByName(name, [colorText]);
  return [panel.span(24).height(8)];
}

/** The fleet overview dashboard (uid `fleet-overview`), the Grafana home page of the stack. */
export function buildFleetOverview(): Dashboard {
  const builder = new DashboardBuilder('Fleet overview')
    .uid(DASHBOARD_UID)
    .description('Job workers of the fleet monitor: liveness, queues, jobs, topology, alerting.')
    .tags(['fleet-monitor'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(
      new DatasourceVariableBuilder('datasource')
        .label('Data source')
        .type('prometheus')
        .current({ text: 'Prometheus', value: DATASOURCE_UID }),
    )
    .withVariable(
      new QueryVariableBuilder('worker')
        .label('Worker')
        .datasource(DATASOURCE)
        .query({ query: 'label_values(fleet_worker_info, worker)', refId: 'worker' })
        .definition('label_values(fleet_worker_info, worker)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*')
        .current({ text: 'All', value: '$__all' }),
    );
  for (const annotation of annotations()) builder.annotation(annotation);

  const rows: [string, cog.Builder<Panel>[]][] = [
    ['Fleet now', overviewPanels()],
    ['Topology', topologyPanels()],
    ['Liveness', livenessPanels()],
    ['Availability', availabilityPanels()],
    ['Queues', queuePanels()],
    ['Jobs', jobPanels()],
    ['Collector and Redis', collectorPanels()],
    ['Alerting service', alertingPanels()],
  ];
  for (const [title, panels] of rows) {
    builder.withRow(new RowBuilder(title));
    for (const panel of panels) builder.withPanel(panel);
  }
  return { ...numberPanels(builder.build()), schemaVersion: SCHEMA_VERSION };
}

/**
 * The schema version the JSON declares. The SDK writes its own newest (42), which older Grafana
 * releases do not know; nothing here needs a migration newer than 39, and Grafana migrates an
 * older version forward by itself, so 39 lets the same file load in Grafana 11.x and 12.x.
 */
const SCHEMA_VERSION = 39;

/** Stable panel ids in layout order (Grafana would otherwise number them on every load). */
function numberPanels(dashboard: Dashboard): Dashboard {
  let id = 1;
  for (const panel of dashboard.panels ?? []) panel.id = id++;
  return dashboard;
}
