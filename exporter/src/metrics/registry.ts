import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerCollectionMetrics } from './collection-metrics.js';
import { registerFleetMetrics } from './fleet-metrics.js';
import type { SnapshotSource } from './snapshot-source.js';

const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A registry of its own (never prom-client's global one): fleet, collector and process metrics. */
export function createMetricsRegistry(source: SnapshotSource): Registry {
  const registry = new Registry();
  registerFleetMetrics(registry, source);
  registerCollectionMetrics(registry, source);
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters: `promtool check metrics` rejects them, and the per-type
  // nodejs_active_handles / _requests / _resources series carry the same information.
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  return registry;
}
