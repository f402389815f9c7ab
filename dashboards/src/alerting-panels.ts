import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { BigValueColorMode, BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import {
  COLOR,
  DATASOURCE,
  instantTable,
  query,
  stat,
  steps,
  timeseries,
} from './panel-helpers.js';

/** Seconds without a successful check before the alerting service counts as stalled (3 checks). */
const STALLED_AFTER_S = 180;

/**
 * The alerting row: the Telegram alerting service's own metrics (fleet_alerting_*, from
 * alerting/src/alerting-metrics.ts) and Prometheus's own rules firing now.
 */
export function alertingPanels(): cog.Builder<Panel>[] {
  return [
    stat('Last check', 'Seconds since the alerting service last read Redis and settled its alerts.')
      .withTarget(
        query(
          'time() - max(fleet_alerting_last_successful_check_timestamp_seconds)',
          'age',
        ).instant(),
      )
      .unit('s')
      .decimals(0)
      .thresholds(steps([null, COLOR.healthy], [STALLED_AFTER_S, COLOR.down]))
      .noValue('never')
      .span(4),
    stat('Checking replica', 'Replicas holding the lease that runs the checks: exactly 1 is right.')
      .withTarget(query('sum(fleet_alerting_leader)', 'leaders').instant())
      .thresholds(steps([null, COLOR.down], [1, COLOR.healthy], [2, COLOR.down]))
      .span(4),
    stat('Announced down', 'Workers announced as down on Telegram and not yet recovered.')
      .withTarget(query('max(fleet_alerting_workers_down)', 'down').instant())
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.down]))
      .span(4),
    stat('Outbox', 'Messages waiting to be sent (Telegram unreachable or rate-limiting).')
      .withTarget(query('max(fleet_alerting_outbox_messages)', 'waiting').instant())
      .thresholds(steps([null, COLOR.healthy], [1, COLOR.paused]))
      .span(4),
    stat('Messages in range', 'Messages sent (or logged without a token) and failed attempts.')
      .withTarget(
        query('sum(increase(fleet_alerting_messages_sent_total[$__range]))', 'sent', 'A').instant(),
      )
      .withTarget(
        query(
          'sum(increase(fleet_alerting_messages_failed_total[$__range])) or vector(0)',
          'failed',
          'B',
        ).instant(),
      )
      .textMode(BigValueTextMode.ValueAndName)
      .colorMode(BigValueColorMode.None)
      .decimals(0)
      .span(8),
    timeseries('Checks / min', 'Checks by result: ok, redis_down (Redis unreadable), error.')
      .withTarget(
        query(
          'sum by (result) (rate(fleet_alerting_checks_total[$__rate_interval])) * 60',
          '{{result}}',
        ),
      )
      .min(0)
      .span(8),
    timeseries('Alert events / min', 'Alert events found by type (silenced ones included).')
      .withTarget(
        query(
          'sum by (type) (rate(fleet_alerting_events_total[$__rate_interval])) * 60',
          '{{type}}',
        ),
      )
      .min(0)
      .span(8),
    timeseries('Send failures / min', 'Failed Telegram send attempts by reason.')
      .withTarget(
        query(
          'sum by (reason) (rate(fleet_alerting_messages_failed_total[$__rate_interval])) * 60',
          '{{reason}}',
        ),
      )
      .min(0)
      .span(8),
    new TablePanel()
      .title('Firing alert rules')
      .description('Prometheus alert rules (prometheus/rules) firing now.')
      .datasource(DATASOURCE)
      .withTarget(instantTable('ALERTS{alertstate="firing"}', 'A'))
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true } },
      })
      .noValue('nothing firing')
      .span(24)
      .height(6),
  ];
}
