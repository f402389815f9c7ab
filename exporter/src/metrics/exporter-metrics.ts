import type { CollectionSnapshot } from '@fleet/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerCollectionMetrics } from './collection-metrics.js';
import { createFleetMetrics } from './fleet-metrics.js';
import { createScrapeScope } from './scrape-scope.js';

const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface ExporterMetrics {
  /** The Prometheus text format's content type. */
  contentType: string;
  /** One scrape: the fleet families, then the collector and process metrics, of one collection. */
  scrape(): Promise<Buffer>;
}

/**
 * Everything `/metrics` serves, read from `load` once per scrape. The collector and process
 * metrics live in a private prom-client registry, never the global one.
 */
export function createExporterMetrics(load: () => Promise<CollectionSnapshot>): ExporterMetrics {
  const scope = createScrapeScope(load);
  const registry = new Registry();
  registerCollectionMetrics(registry, scope.source);
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters: `promtool check metrics` rejects them, and the per-type
  // nodejs_active_handles / _requests / _resources series carry the same information.
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  const fleet = createFleetMetrics();
  return {
    contentType: registry.contentType,
    scrape: () =>
      scope.scrape(async (snapshot) =>
        Buffer.concat([fleet.render(snapshot), Buffer.from(`\n${await registry.metrics()}`)]),
      ),
  };
}
