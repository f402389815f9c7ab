import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';

/** The alerting row: Prometheus's own firing rules and the Telegram alerting service. */
export function alertingPanels(datasource: DataSourceRef): cog.Builder<Panel>[] {
  return [
    new TablePanel()
      .title('Firing alert rules')
      .description('Prometheus alert rules (prometheus/rules) firing now.')
      .datasource(datasource)
      .withTarget(
        new DataqueryBuilder()
          .expr('ALERTS{alertstate="firing"}')
          .refId('A')
          .instant()
          .format(PromQueryFormat.Table),
      )
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true } },
      })
      .span(24)
      .height(6),
  ];
}
