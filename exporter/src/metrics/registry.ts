import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerCollectionMetrics } from './collection-metrics.js';
import { registerFleetMetrics } from './fleet-metrics.js';
import type { SnapshotSource } from './snapshot-source.js';

/** A registry of its own (never prom-client's global one): fleet, collector and process metrics. */
export function createMetricsRegistry(source: SnapshotSource): Registry {
  const registry = new Registry();
  registerFleetMetrics(registry, source);
  registerCollectionMetrics(registry, source);
  collectDefaultMetrics({ register: registry });
  return registry;
}
