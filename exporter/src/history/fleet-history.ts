import type { CollectionSnapshot } from '@fleet/core';
import type { HeartbeatFieldsView, WorkerHistory } from '@fleet/core/contracts';
import { SampleRing } from './sample-ring.js';
import {
  type Change,
  downPeriods,
  historyState,
  type OldestDeadLetter,
  recordState,
  type TimelineBounds,
  trackOldestDeadLetter,
  withinWindow,
} from './state-timeline.js';

export interface FleetHistoryOptions {
  /** How far back each worker's history reaches. @defaultValue 3600 */
  retentionS?: number;
  /** A collection less than this after the last sample adds none. @defaultValue 1000 */
  minSpacingMs?: number;
}

interface WorkerRecord {
  changes: readonly Change[];
  samples: SampleRing;
  heartbeat: HeartbeatFieldsView | null;
  heartbeatReadAtMs: number | null;
  deadLetters: number;
  oldest: OldestDeadLetter | null;
}

/**
 * Every worker's recent history, in memory, built from the collections the exporter does anyway
 * (it never reads Redis itself). A worker that leaves the document (removed from the fleet, an
 * unlisted worker forgotten) leaves the history too.
 */
export class FleetHistory {
  private readonly records = new Map<string, WorkerRecord>();
  private readonly retentionMs: number;
  private readonly minSpacingMs: number;
  private readonly bounds: TimelineBounds;
  private readonly capacity: number;

  constructor(options: FleetHistoryOptions = {}) {
    this.retentionMs = (options.retentionS ?? 3600) * 1000;
    this.minSpacingMs = options.minSpacingMs ?? 1000;
    this.capacity = Math.ceil(this.retentionMs / this.minSpacingMs) + 1;
    this.bounds = { retentionMs: this.retentionMs, maxChanges: this.capacity };
  }

  /** Workers with a history. */
  get size(): number {
    return this.records.size;
  }

  /** Bytes of sample arrays held (the per-worker memory docs/performance.md reports). */
  get sampleBytes(): number {
    let bytes = 0;
    for (const record of this.records.values()) bytes += record.samples.bytes;
    return bytes;
  }

  /** Takes in one collection. */
  record({ document, details }: CollectionSnapshot): void {
    const atMs = Date.parse(document.generated_at);
    if (!document.redis_ok) {
      for (const record of this.records.values()) {
        record.changes = recordState(record.changes, 'unread', atMs, this.bounds);
      }
      return;
    }
    const present = new Set<string>();
    for (const worker of document.workers) {
      present.add(worker.name);
      const record = this.recordOf(worker.name);
      record.changes = recordState(record.changes, historyState(worker), atMs, this.bounds);
      record.samples.push(
        {
          atMs,
          queueDepth: worker.queue_depth,
          deadLetter: worker.dead_letter,
          processing: worker.processing,
        },
        this.minSpacingMs,
        atMs - this.retentionMs,
      );
      const detail = details.get(worker.name);
      if (detail?.heartbeat) {
        const { tsMs: _tsMs, ...fields } = detail.heartbeat;
        record.heartbeat = fields;
        record.heartbeatReadAtMs = atMs;
      }
      record.deadLetters = worker.dead_letter;
      record.oldest = trackOldestDeadLetter(
        record.oldest,
        worker.dead_letter,
        detail?.deadLetterHead ?? null,
        atMs,
      );
    }
    for (const name of this.records.keys()) if (!present.has(name)) this.records.delete(name);
  }

  /** One worker's history as served, or undefined for a worker the exporter does not know. */
  get(name: string, nowMs: number): WorkerHistory | undefined {
    const record = this.records.get(name);
    if (!record) return undefined;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const seenAtMs = record.oldest?.seenAtMs ?? null;
    const changes = withinWindow(record.changes, nowMs - this.retentionMs);
    return {
      worker: name,
      generated_at: new Date(nowMs).toISOString(),
      retention_s: Math.round(this.retentionMs / 1000),
      state_changes: changes.map((change) => ({
        at: new Date(change.atMs).toISOString(),
        state: change.state,
      })),
      down_periods: downPeriods(changes, nowMs),
      series: record.samples.columns(nowMs - this.retentionMs),
      last_heartbeat: record.heartbeat,
      last_heartbeat_read_at: iso(record.heartbeatReadAtMs),
      last_job_at: record.heartbeat?.last_job_at ?? null,
      dead_letters: {
        count: record.deadLetters,
        oldest_seen_at: iso(seenAtMs),
        oldest_age_s: seenAtMs === null ? null : Math.max(0, Math.floor((nowMs - seenAtMs) / 1000)),
      },
    };
  }

  private recordOf(name: string): WorkerRecord {
    let record = this.records.get(name);
    if (!record) {
      record = {
        changes: [],
        samples: new SampleRing(this.capacity),
        heartbeat: null,
        heartbeatReadAtMs: null,
        deadLetters: 0,
        oldest: null,
      };
      this.records.set(name, record);
    }
    return record;
  }
}
