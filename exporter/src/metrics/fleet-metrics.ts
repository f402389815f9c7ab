import {
  type CollectionSnapshot,
  DROP_REASONS,
  MAXMEMORY_POLICIES,
  STATES_BY_KIND,
  type WorkerStatus,
} from '@fleet/core';
import { HEARTBEAT_FIELDS, LINK_STATUSES, parseIsoUtc } from '@fleet/core/contracts';
import { ExpositionWriter, labelSet } from './exposition-writer.js';

/** Unix seconds of a time the heartbeat wrote: any ISO-8601 UTC form the contract allows. */
const seconds = (iso: string | null): number => {
  const ms = iso === null ? Number.NaN : (parseIsoUtc(iso) ?? Date.parse(iso));
  return Number.isNaN(ms) ? 0 : ms / 1000;
};

/** A family with one sample per worker, from one field of its status. */
const PER_WORKER_GAUGES: readonly [
  name: string,
  help: string,
  value: (w: WorkerStatus) => number,
][] = [
  [
    'fleet_worker_up',
    'Whether the worker heartbeat key exists (1) or not (0).',
    (w) => (w.alive ? 1 : 0),
  ],
  [
    'fleet_worker_last_heartbeat_timestamp_seconds',
    'Unix time of the last valid heartbeat seen (its ts); 0 if never.',
    (w) => seconds(w.last_beat_at),
  ],
  [
    'fleet_worker_last_job_timestamp_seconds',
    'Unix time of the last job (heartbeat last_job_at); 0 if none.',
    (w) => seconds(w.last_job_at),
  ],
  [
    'fleet_heartbeat_invalid',
    'Whether the heartbeat is present but unreadable (bad JSON, wrong shape or type, too large).',
    (w) => (w.heartbeat_error === null ? 0 : 1),
  ],
  [
    'fleet_worker_queue_invalid',
    'Whether one of the worker queue keys could not be read (e.g. WRONGTYPE).',
    (w) => (w.queue_error === null ? 0 : 1),
  ],
  [
    'fleet_worker_clock_skew_seconds',
    'Seconds the worker clock is off from Redis TIME: + ahead, - behind (0 when it looks right).',
    (w) => w.clock_skew_s ?? 0,
  ],
  [
    'fleet_worker_heartbeat_stale',
    'Whether the heartbeat key exists but its ts has not moved for the stale time (no TTL, PERSIST).',
    (w) => (w.heartbeat_stale ? 1 : 0),
  ],
  [
    'fleet_worker_last_beat_seen_timestamp_seconds',
    'Unix time (monitor clock) at which the current heartbeat ts was first seen; 0 if never.',
    (w) => seconds(w.last_beat_seen_at),
  ],
  [
    'fleet_worker_job_stuck',
    'Whether the worker is busy without progress, or an in-flight list has not moved, for its stuck time.',
    (w) => (w.job_stuck ? 1 : 0),
  ],
  [
    'fleet_worker_maintenance',
    'Whether the worker is under a maintenance window now (fleet file schedule or /maintenance).',
    (w) => (w.maintenance === null ? 0 : 1),
  ],
  [
    'fleet_worker_silenced',
    "Whether the worker's alerts are silenced now (/silence of the worker or all, the alert button).",
    (w) => (w.silenced_until === null ? 0 : 1),
  ],
  [
    'fleet_worker_in_fleet',
    'Whether the worker is in the fleet file (0: it beats but is not listed).',
    (w) => (w.in_fleet ? 1 : 0),
  ],
];

const PER_QUEUE_GAUGES: readonly [
  name: string,
  help: string,
  field: 'queue_depth' | 'dead_letter' | 'processing',
][] = [
  ['fleet_queue_depth', 'Pending jobs (LLEN queue:<name>).', 'queue_depth'],
  ['fleet_queue_dead_letter', 'Failed jobs (LLEN dead_letter:<queue>).', 'dead_letter'],
  [
    'fleet_queue_processing',
    'In-flight jobs: the sum of LLEN processing:<queue>:* (lists found by the SCAN pass).',
    'processing',
  ],
];

const JOB_COUNTERS: readonly [name: string, help: string, field: 'jobs_done' | 'jobs_failed'][] = [
  [
    'fleet_worker_jobs_done_total',
    'Jobs done since the worker process started (resets when it restarts).',
    'jobs_done',
  ],
  [
    'fleet_worker_jobs_failed_total',
    'Jobs failed since the worker process started (resets when it restarts).',
    'jobs_failed',
  ],
];

/** Eviction and the unlisted workers: families with a fixed label set, every label from 0. */
function writeRedisFacts(out: ExpositionWriter, document: CollectionSnapshot['document']): void {
  const optional = (
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    value: number | null,
  ) => {
    out.family(name, type, help);
    // Unknown (INFO not read yet) is no sample rather than a made-up 0.
    if (value !== null) out.sample('', value);
  };
  optional(
    'fleet_redis_evicted_keys_total',
    'counter',
    'Keys Redis evicted under maxmemory since it started (INFO evicted_keys).',
    document.redis_evicted_keys,
  );
  optional(
    'fleet_redis_maxmemory_bytes',
    'gauge',
    'Redis maxmemory (INFO; 0 = no limit).',
    document.redis_maxmemory_bytes,
  );
  out.family(
    'fleet_redis_evicting',
    'gauge',
    'Whether evicted_keys rose lately: a vanished heartbeat may be evicted, not its worker dead.',
  );
  out.sample('', document.redis_evicting ? 1 : 0);
  out.family(
    'fleet_redis_maxmemory_policy',
    'gauge',
    '1 for the current Redis maxmemory-policy (INFO), 0 for the others.',
  );
  const policy = document.redis_maxmemory_policy;
  const policies: string[] = [...MAXMEMORY_POLICIES];
  if (policy !== null && !policies.includes(policy)) policies.push(policy);
  for (const name of policies) out.sample(labelSet({ policy: name }), name === policy ? 1 : 0);

  const unlisted = document.unlisted_workers;
  out.family('fleet_unlisted_workers', 'gauge', 'Workers that beat without being in the fleet.');
  out.sample('', unlisted.count);
  out.family(
    'fleet_unlisted_workers_dropped',
    'gauge',
    'Heartbeat keys the last SCAN pass left out of the document, by reason.',
  );
  for (const reason of DROP_REASONS) {
    out.sample(labelSet({ reason }), unlisted.dropped[reason]);
  }
  out.family(
    'fleet_unlisted_workers_forgotten_total',
    'counter',
    'Unlisted workers forgotten (gone for the forget time, or replaced when the limit was full).',
  );
  out.sample('', unlisted.forgotten);
}

/** The heartbeat was read as a JSON object and this counter in it was valid. */
function counterReadable(w: WorkerStatus, field: 'jobs_done' | 'jobs_failed'): boolean {
  const wholeValueUnreadable =
    w.heartbeat_error !== null && w.heartbeat_invalid_fields.length === 0;
  return w.alive && !wholeValueUnreadable && !w.heartbeat_invalid_fields.includes(field);
}

export interface FleetMetrics {
  /** The fleet families of one scrape, in the Prometheus text format. */
  render(snapshot: CollectionSnapshot): Buffer;
}

/**
 * The fleet metrics of docs/spec.md §4: every family with a series per worker or link. Each scrape writes
 * them afresh from its collection, so a worker that leaves the fleet leaves no series behind.
 *
 * They are written as text rather than through prom-client's labelled metrics: at 1000 workers
 * prom-client's generic label handling cost ~60 ms of CPU per scrape, this ~6 ms
 * (`npm run bench`). prom-client still serves the collector and process metrics.
 */
export function createFleetMetrics(): FleetMetrics {
  /**
   * While a heartbeat is missing or unreadable the document's counters are 0; exporting that would
   * look like a reset and make `rate()` count the whole total again when the same process beats
   * again. So a counter holds the worker's last readable value instead.
   */
  const lastReadable = {
    jobs_done: new Map<string, number>(),
    jobs_failed: new Map<string, number>(),
  };

  return {
    render({ document, totals }) {
      const { workers } = document;
      const out = new ExpositionWriter();
      const workerLabels = workers.map((w) => labelSet({ worker: w.name }));
      /** One sample per worker, labelled by its name. */
      const perWorker = (value: (w: WorkerStatus) => number) => {
        for (let i = 0; i < workers.length; i += 1) {
          out.sample(workerLabels[i] as string, value(workers[i] as WorkerStatus));
        }
      };

      out.family(
        'fleet_redis_up',
        'gauge',
        'Whether the last collection could read Redis (1) or not (0).',
      );
      out.sample('', document.redis_ok ? 1 : 0);
      out.family(
        'fleet_queue_paused',
        'gauge',
        'Whether render work is paused (queue:paused = "1").',
      );
      out.sample('', document.paused ? 1 : 0);

      writeRedisFacts(out, document);

      for (const [name, help, value] of PER_WORKER_GAUGES) {
        out.family(name, 'gauge', help);
        perWorker(value);
      }

      out.family('fleet_worker_info', 'gauge', 'Static facts about a worker; always 1.');
      for (const w of workers)
        out.sample(labelSet({ worker: w.name, kind: w.kind, host: w.host }), 1);

      out.family(
        'fleet_worker_state',
        'gauge',
        '1 for the current state of the worker, 0 for the other states of its kind.',
      );
      for (const w of workers) {
        for (const state of STATES_BY_KIND[w.kind]) {
          out.sample(labelSet({ worker: w.name, state }), w.state === state ? 1 : 0);
        }
      }

      out.family(
        'fleet_heartbeat_field_invalid',
        'gauge',
        'Whether one field of the heartbeat is missing or invalid (the other fields are still used).',
      );
      for (const w of workers) {
        const invalid = new Set(w.heartbeat_invalid_fields);
        for (const field of HEARTBEAT_FIELDS) {
          out.sample(labelSet({ worker: w.name, field }), invalid.has(field) ? 1 : 0);
        }
      }

      const listed = new Set(workers.map((w) => w.name));
      for (const [name, help, field] of JOB_COUNTERS) {
        const memory = lastReadable[field];
        for (const worker of memory.keys()) if (!listed.has(worker)) memory.delete(worker);
        out.family(name, 'counter', help);
        perWorker((w) => {
          if (counterReadable(w, field)) memory.set(w.name, w[field]);
          return memory.get(w.name) ?? 0;
        });
      }

      for (const [name, help, field] of PER_QUEUE_GAUGES) {
        out.family(name, 'gauge', help);
        for (const w of workers) {
          if (w.queue !== null) out.sample(labelSet({ worker: w.name, queue: w.queue }), w[field]);
        }
      }

      out.family(
        'fleet_link_status',
        'gauge',
        '1 for the current status of a link, 0 for its other statuses.',
      );
      for (const link of document.links) {
        for (const status of LINK_STATUSES) {
          out.sample(
            labelSet({ from: link.from, to: link.to, link_type: link.type, status }),
            link.status === status ? 1 : 0,
          );
        }
      }

      // Every listed worker has a series from the first scrape.
      out.family(
        'fleet_heartbeat_errors_total',
        'counter',
        'Collections that found the worker heartbeat unreadable.',
      );
      perWorker((w) => totals.heartbeatErrorsByWorker[w.name] ?? 0);
      out.family(
        'fleet_queue_errors_total',
        'counter',
        'Collections that found one of the worker queue keys unreadable.',
      );
      perWorker((w) => totals.queueErrorsByWorker[w.name] ?? 0);

      return out.bytes();
    },
  };
}
