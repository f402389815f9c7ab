// Shared pieces of the dashboard's panels: the datasource reference, colours, queries, and panel
// builders preset the way every panel of this dashboard wants them.
import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VisibilityMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type DataSourceRef,
  type DynamicConfigValue,
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { STATUS_COLORS } from './topology-queries.js';

/** Every panel queries the datasource picked in the `datasource` variable (Grafana syntax). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable reference, not JS.
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** Label matcher restricting a panel to the workers picked in the `worker` variable. */
export const W = 'worker=~"$worker"';

/** Status colours; worker states have theirs in `WORKER_KIND_TABLE`. */
export const COLOR = STATUS_COLORS;

export function query(expr: string, legend = '__auto', refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).range();
}

export function instantTable(expr: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder()
    .expr(expr)
    .refId(refId)
    .instant()
    .format(PromQueryFormat.Table)
    .legendFormat('__auto');
}

export const fixedColor = (color: string): DynamicConfigValue => ({
  id: 'color',
  value: { mode: 'fixed', fixedColor: color },
});

export function steps(...pairs: [number | null, string][]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(pairs.map(([value, color]) => ({ value, color })));
}

export function valueMap(entries: Record<string, { text: string; color: string }>): ValueMapping {
  const options: Record<string, { text: string; color: string; index: number }> = {};
  Object.entries(entries).forEach(([value, result], index) => {
    options[value] = { ...result, index };
  });
  return { type: MappingType.ValueToText, options };
}

const lastValue = () =>
  new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);

export function stat(title: string, description: string): StatPanel {
  return new StatPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .reduceOptions(lastValue())
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .height(4);
}

export function timeseries(title: string, description: string): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .fillOpacity(10)
    .lineWidth(2)
    .showPoints(VisibilityMode.Never)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    )
    .height(8);
}

export function timeline(title: string, description: string): StateTimelinePanel {
  return new StateTimelinePanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .showValue(VisibilityMode.Auto)
    .mergeValues(true)
    .fillOpacity(80)
    .lineWidth(0)
    .legend(new VizLegendOptionsBuilder().showLegend(false))
    .height(8);
}

export const upDown = valueMap({
  '0': { text: 'down', color: COLOR.down },
  '1': { text: 'up', color: COLOR.healthy },
});
