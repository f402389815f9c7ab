import { STATES_BY_KIND, type WorkerStatus } from '@fleet/core';
import { LINK_STATUSES } from '@fleet/core/contracts';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SnapshotSource } from './snapshot-source.js';

const seconds = (iso: string | null): number => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms / 1000;
};

/**
 * The fleet metrics of SPEC §6. Every value is set afresh from the scrape's collection (after a
 * reset), so a worker that leaves the fleet leaves no series behind.
 */
export function registerFleetMetrics(registry: Registry, source: SnapshotSource): void {
  const registers = [registry];

  new Gauge({
    name: 'fleet_redis_up',
    help: 'Whether the last collection could read Redis (1) or not (0).',
    registers,
    async collect() {
      this.set((await source()).document.redis_ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'fleet_queue_paused',
    help: 'Whether render work is paused (queue:paused = "1").',
    registers,
    async collect() {
      this.set((await source()).document.paused ? 1 : 0);
    },
  });

  /** A gauge with one series per worker, from one field of its status. */
  const perWorker = (name: string, help: string, value: (worker: WorkerStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker'] as const,
      registers,
      async collect() {
        const { workers } = (await source()).document;
        this.reset();
        for (const worker of workers) this.set({ worker: worker.name }, value(worker));
      },
    });
  perWorker('fleet_worker_up', 'Whether the worker heartbeat key exists (1) or not (0).', (w) =>
    w.alive ? 1 : 0,
  );
  perWorker(
    'fleet_worker_last_heartbeat_timestamp_seconds',
    'Unix time of the last valid heartbeat seen (its ts); 0 if never.',
    (w) => seconds(w.last_beat_at),
  );
  perWorker(
    'fleet_worker_last_job_timestamp_seconds',
    'Unix time of the last job (heartbeat last_job_at); 0 if none.',
    (w) => seconds(w.last_job_at),
  );
  perWorker(
    'fleet_heartbeat_invalid',
    'Whether the heartbeat is present but unreadable (bad JSON, wrong shape or type, too large).',
    (w) => (w.heartbeat_error === null ? 0 : 1),
  );
  perWorker(
    'fleet_worker_queue_invalid',
    'Whether one of the worker queue keys could not be read (e.g. WRONGTYPE).',
    (w) => (w.queue_error === null ? 0 : 1),
  );
  perWorker(
    'fleet_worker_clock_skew_seconds',
    'Seconds the heartbeat ts lies in the future (0 when it does not).',
    (w) => w.clock_skew_s ?? 0,
  );
  perWorker(
    'fleet_worker_in_fleet',
    'Whether the worker is in the fleet file (0: it beats but is not listed).',
    (w) => (w.in_fleet ? 1 : 0),
  );

  new Gauge({
    name: 'fleet_worker_info',
    help: 'Static facts about a worker; always 1.',
    labelNames: ['worker', 'kind', 'host'] as const,
    registers,
    async collect() {
      this.reset();
      for (const w of (await source()).document.workers) {
        this.set({ worker: w.name, kind: w.kind, host: w.host }, 1);
      }
    },
  });
  new Gauge({
    name: 'fleet_worker_state',
    help: '1 for the current state of the worker, 0 for the other states of its kind.',
    labelNames: ['worker', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const w of (await source()).document.workers) {
        for (const state of STATES_BY_KIND[w.kind]) {
          this.set({ worker: w.name, state }, w.state === state ? 1 : 0);
        }
      }
    },
  });

  /**
   * While a heartbeat is missing or unreadable the document's counters are 0; exporting that would
   * look like a reset and make `rate()` count the whole total again when the same process beats
   * again. So a counter holds the worker's last readable value instead.
   */
  const jobCounter = (name: string, help: string, field: 'jobs_done' | 'jobs_failed') => {
    const lastKnown = new Map<string, number>();
    return new Counter({
      name,
      help,
      labelNames: ['worker'] as const,
      registers,
      async collect() {
        const { workers } = (await source()).document;
        this.reset();
        const listed = new Set(workers.map((w) => w.name));
        for (const worker of lastKnown.keys()) if (!listed.has(worker)) lastKnown.delete(worker);
        for (const w of workers) {
          if (w.alive && w.heartbeat_error === null) lastKnown.set(w.name, w[field]);
          this.inc({ worker: w.name }, lastKnown.get(w.name) ?? 0);
        }
      },
    });
  };
  jobCounter(
    'fleet_worker_jobs_done_total',
    'Jobs done since the worker process started (resets when it restarts).',
    'jobs_done',
  );
  jobCounter(
    'fleet_worker_jobs_failed_total',
    'Jobs failed since the worker process started (resets when it restarts).',
    'jobs_failed',
  );

  const perQueue = (
    name: string,
    help: string,
    field: 'queue_depth' | 'dead_letter' | 'processing',
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker', 'queue'] as const,
      registers,
      async collect() {
        this.reset();
        for (const w of (await source()).document.workers) {
          if (w.queue !== null) this.set({ worker: w.name, queue: w.queue }, w[field]);
        }
      },
    });
  perQueue('fleet_queue_depth', 'Pending jobs (LLEN queue:<name>).', 'queue_depth');
  perQueue('fleet_queue_dead_letter', 'Failed jobs (LLEN dead_letter:<queue>).', 'dead_letter');
  perQueue(
    'fleet_queue_processing',
    'In-flight jobs: the sum of LLEN processing:<queue>:* (lists found by the SCAN pass).',
    'processing',
  );

  new Gauge({
    name: 'fleet_link_status',
    help: '1 for the current status of a link, 0 for its other statuses.',
    labelNames: ['from', 'to', 'link_type', 'status'] as const,
    registers,
    async collect() {
      this.reset();
      for (const link of (await source()).document.links) {
        for (const status of LINK_STATUSES) {
          this.set(
            { from: link.from, to: link.to, link_type: link.type, status },
            link.status === status ? 1 : 0,
          );
        }
      }
    },
  });
}
