import type { CollectionSnapshot } from '@fleet/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SnapshotSource } from './snapshot-source.js';

/**
 * How the collector itself is doing: what a collection costs, what went wrong, and how old the
 * SCAN pass is. docs/spec.md §4 names `fleet_collect_duration_seconds` and `fleet_collect_errors_total`;
 * the rest are additions.
 */
export function registerCollectionMetrics(registry: Registry, source: SnapshotSource): void {
  const registers = [registry];
  const gauge = (name: string, help: string, value: (s: CollectionSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const current = value(await source());
        // No value (e.g. no SCAN pass finished yet) means no sample, rather than a made-up 0.
        this.reset();
        if (current !== null) this.set(current);
      },
    });
  const counter = (name: string, help: string, value: (s: CollectionSnapshot) => number) =>
    new Counter({
      name,
      help,
      registers,
      async collect() {
        this.reset();
        this.inc(value(await source()));
      },
    });

  gauge(
    'fleet_collect_duration_seconds',
    'Duration of the last collection.',
    (s) => s.stats.durationMs / 1000,
  );
  counter(
    'fleet_collect_errors_total',
    'Failed collections plus every bad input found (counted once per collection it is seen in).',
    (s) => s.totals.errors,
  );
  counter('fleet_collections_total', 'Collections made.', (s) => s.totals.collections);
  counter(
    'fleet_collect_failures_total',
    'Collections that could not read Redis.',
    (s) => s.totals.failedCollections,
  );
  gauge(
    'fleet_collect_round_trips',
    'Redis round trips of the last collection.',
    (s) => s.stats.roundTrips,
  );
  gauge(
    'fleet_collect_commands',
    'Redis commands of the last collection.',
    (s) => s.stats.commands,
  );
  gauge(
    'fleet_status_stale',
    'Whether the status served is the last good one because Redis cannot be read now.',
    (s) => (s.document.stale ? 1 : 0),
  );
  gauge('fleet_redis_keys', 'Keys in the Redis database (DBSIZE).', (s) => s.stats.keyspaceSize);
  gauge(
    'fleet_queue_paused_invalid',
    'Whether queue:paused could not be read (e.g. WRONGTYPE).',
    (s) => (s.stats.ok ? (s.stats.pausedError === null ? 0 : 1) : null),
  );
  gauge(
    'fleet_silences_invalid',
    "Whether the alerting service's silences hash could not be read, or holds an entry that is not a time.",
    (s) => (s.stats.ok ? (s.stats.silencesError === null ? 0 : 1) : null),
  );
  gauge(
    'fleet_scan_age_seconds',
    'Seconds since the last SCAN pass finished.',
    (s) => s.document.scan?.age_s ?? null,
  );
  gauge(
    'fleet_scan_complete',
    'Whether the last SCAN pass covered the whole keyspace (0: stopped at its deadline or key cap).',
    (s) => (s.document.scan ? (s.document.scan.complete ? 1 : 0) : null),
  );
  gauge('fleet_scan_duration_seconds', 'Duration of the last SCAN pass.', (s) =>
    s.document.scan ? s.document.scan.duration_ms / 1000 : null,
  );
  gauge(
    'fleet_scan_keys',
    'Processing and heartbeat keys the last SCAN pass found.',
    (s) => s.document.scan?.keys_scanned ?? null,
  );
  counter('fleet_scan_passes_total', 'SCAN passes finished.', (s) => s.totals.scanPasses);
  counter(
    'fleet_scan_incomplete_total',
    'SCAN passes stopped early by their deadline or key cap.',
    (s) => s.totals.incompleteScanPasses,
  );
}
