import type { Redis } from 'ioredis';
import { type Fleet, unlistedWorker, type WorkerSpec } from './contracts/fleet.js';
import { redisKeys } from './contracts/redis-keys.js';
import type { ScanInfo, StatusDocument, WorkerStatus } from './contracts/status-document.js';
import { linksOf, pausedReasonOf, unreadWorkers } from './document-rules.js';
import { type ScanPass, scanKeyspace } from './keyspace-scan.js';
import type { Logger } from './logger.js';
import {
  type PipelineReading,
  type PipelineReply,
  planPipeline,
  readPipeline,
  type WorkerTarget,
} from './pipeline-plan.js';
import { withTimeout } from './timeout.js';
import { workerStatus } from './worker-status.js';

export interface CollectorOptions {
  /**
   * The Redis client to read through (`createRedisClient` gives one that fails fast). The
   * collector never closes it: whoever created it does.
   */
  redis: Redis;
  fleet: Fleet;
  /** The clock for `generated_at`, beat ages and the scan cadence. @defaultValue `Date.now` */
  now?: () => number;
  logger?: Logger;
  /**
   * A collection that has not finished after this long yields a `redis_ok:false` document.
   * @defaultValue 2500
   */
  collectTimeoutMs?: number;
  /**
   * Up to this many keys in Redis (DBSIZE), the SCAN pass runs inside every collection;
   * above it, the pass runs in the background every `scanIntervalMs`.
   * @defaultValue 10000
   */
  scanInlineMaxKeys?: number;
  /** How often the background SCAN pass repeats on a large keyspace. @defaultValue 30000 */
  scanIntervalMs?: number;
  /**
   * A SCAN pass stops after this long and reports `stopped_by: "deadline"`. A pass inside a
   * collection gets at most half the collection timeout.
   * @defaultValue 5000
   */
  scanDeadlineMs?: number;
  /** A SCAN pass stops after keeping this many matching keys. @defaultValue 10000 */
  scanKeyCap?: number;
  /** SCAN's COUNT hint (keys examined per round trip). @defaultValue 1000 */
  scanCount?: number;
  /** Workers that beat but are not in the fleet are remembered up to this many. @defaultValue 1000 */
  maxUnlistedWorkers?: number;
}

/** What one collection cost and found, for the exporter's metrics. */
export interface CollectionStats {
  ok: boolean;
  durationMs: number;
  /** Redis round trips: the pipeline, plus SCAN calls when the pass ran inside the collection. */
  roundTrips: number;
  /** Redis commands sent. */
  commands: number;
  /** Workers whose heartbeat was present but unreadable (or not a string). */
  heartbeatErrors: number;
  /** Workers with at least one unreadable queue key. */
  queueErrors: number;
  /** Why `queue:paused` could not be read, when it could not. */
  pausedError: string | null;
  /** DBSIZE as of this collection. */
  keyspaceSize: number | null;
}

/** Running totals since the collector started. */
export interface CollectorTotals {
  collections: number;
  failedCollections: number;
  /** Failed collections plus every bad input found, counted once per collection. */
  errors: number;
  heartbeatErrorsByWorker: Record<string, number>;
  queueErrorsByWorker: Record<string, number>;
  scanPasses: number;
  incompleteScanPasses: number;
  failedScanPasses: number;
}

export interface CollectionSnapshot {
  document: StatusDocument;
  stats: CollectionStats;
  totals: CollectorTotals;
}

const CONNECTION_OUTCOMES = ['ready', 'error', 'close'] as const;

interface ScanState {
  pass: ScanPass;
  finishedAtMs: number;
  processingByQueue: Map<string, string[]>;
}

interface Cost {
  roundTrips: number;
  commands: number;
}

/**
 * One Redis snapshot → one status document (docs/spec.md §3). Every heartbeat and queue figure is read
 * in one pipelined round trip; in-flight lists and unlisted workers are found by one bounded
 * SCAN pass. `collect` never throws: when Redis cannot be read it returns `redis_ok:false` with
 * the last good data marked stale.
 */
export class Collector {
  private readonly redis: Redis;
  private readonly fleet: Fleet;
  private readonly specs: ReadonlyMap<string, WorkerSpec>;
  private readonly queues: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;
  private readonly collectTimeoutMs: number;
  private readonly scanInlineMaxKeys: number;
  private readonly scanIntervalMs: number;
  private readonly scanDeadlineMs: number;
  private readonly scanKeyCap: number;
  private readonly scanCount: number;
  private readonly maxUnlistedWorkers: number;

  private readonly unlisted = new Map<string, WorkerSpec>();
  private readonly lastBeatAt = new Map<string, string>();
  private readonly reportedErrors = new Map<string, string>();
  private scan: ScanState | undefined;
  private scanStartedAtMs: number | undefined;
  private backgroundScan: Promise<void> | undefined;
  private keyspaceSize: number | undefined;
  private lastGood: StatusDocument | undefined;
  private lastFailure: string | undefined;
  /** The client's last connection error, to explain a failed collection. */
  private connectionError: string | undefined;
  private closed = false;
  private readonly totals: CollectorTotals = {
    collections: 0,
    failedCollections: 0,
    errors: 0,
    heartbeatErrorsByWorker: {},
    queueErrorsByWorker: {},
    scanPasses: 0,
    incompleteScanPasses: 0,
    failedScanPasses: 0,
  };

  constructor(options: CollectorOptions) {
    this.redis = options.redis;
    this.fleet = options.fleet;
    this.specs = new Map(options.fleet.workers.map((spec) => [spec.name, spec]));
    this.queues = new Set(
      options.fleet.workers.flatMap((spec) => (spec.queue ? [spec.queue] : [])),
    );
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.collectTimeoutMs = options.collectTimeoutMs ?? 2500;
    this.scanInlineMaxKeys = options.scanInlineMaxKeys ?? 10_000;
    this.scanIntervalMs = options.scanIntervalMs ?? 30_000;
    this.scanDeadlineMs = options.scanDeadlineMs ?? 5000;
    this.scanKeyCap = options.scanKeyCap ?? 10_000;
    this.scanCount = options.scanCount ?? 1000;
    this.maxUnlistedWorkers = options.maxUnlistedWorkers ?? 1000;
    this.redis.on('error', this.onConnectionError);
  }

  /** The status document of one collection. Never throws. */
  async collect(): Promise<StatusDocument> {
    return (await this.collectSnapshot()).document;
  }

  /** The document plus what the collection cost, so metrics need not read Redis again. */
  async collectSnapshot(): Promise<CollectionSnapshot> {
    const started = performance.now();
    const cost: Cost = { roundTrips: 0, commands: 0 };
    let read: { reading: PipelineReading; scan: ScanState | undefined };
    try {
      if (this.closed) throw new Error('collector is closed');
      read = await withTimeout(
        this.read(cost),
        this.collectTimeoutMs,
        `collection timed out after ${this.collectTimeoutMs} ms`,
      );
    } catch (error) {
      return this.failed(this.describeFailure(error as Error), performance.now() - started, cost);
    }
    return this.succeeded(read.reading, read.scan, performance.now() - started, cost);
  }

  /** Stops starting SCAN passes and waits for a running one. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    this.redis.off('error', this.onConnectionError);
    await this.backgroundScan;
  }

  private readonly onConnectionError = (error: Error): void => {
    this.connectionError = error.message;
  };

  /** Waits out a connection attempt in progress (e.g. right after start), not a reconnect backoff. */
  private async settleConnection(): Promise<void> {
    if (!['wait', 'connecting', 'connect'].includes(this.redis.status)) return;
    const settledConnection = new Promise<void>((resolve) => {
      const settled = () => {
        for (const event of CONNECTION_OUTCOMES) this.redis.off(event, settled);
        resolve();
      };
      for (const event of CONNECTION_OUTCOMES) this.redis.once(event, settled);
    });
    // A lazy client connects only when asked; its outcome arrives through the events above.
    if (this.redis.status === 'wait') this.redis.connect().catch(() => undefined);
    await settledConnection;
  }

  /** Reads Redis; also returns the SCAN result whose keys the pipeline read. */
  private async read(
    cost: Cost,
  ): Promise<{ reading: PipelineReading; scan: ScanState | undefined }> {
    await this.settleConnection();
    if (this.keyspaceSize === undefined) {
      this.keyspaceSize = await this.redis.dbsize();
      cost.roundTrips += 1;
      cost.commands += 1;
    }
    if (this.keyspaceSize <= this.scanInlineMaxKeys && !this.backgroundScan) {
      const deadlineMs = Math.min(this.scanDeadlineMs, this.collectTimeoutMs / 2);
      await this.runScan(deadlineMs, cost);
    }
    const scan = this.scan;
    const plan = planPipeline(this.targets(scan));
    const replies = (await this.redis.pipeline(plan.commands).exec()) as PipelineReply[] | null;
    cost.roundTrips += 1;
    cost.commands += plan.commands.length;
    if (!replies) throw new Error('pipeline returned no replies');
    // A reply error (WRONGTYPE, NOPERM) concerns one key; any other error means Redis is gone.
    const lost = replies.find(([error]) => error !== null && error.name !== 'ReplyError');
    if (lost?.[0]) throw lost[0];
    return { reading: readPipeline(plan, replies), scan };
  }

  /** Runs one SCAN pass and keeps what it found. A reply error is logged, not fatal. */
  private async runScan(deadlineMs: number, cost: Cost): Promise<void> {
    this.scanStartedAtMs = this.now();
    try {
      const pass = await scanKeyspace(this.redis, {
        deadlineMs,
        keyCap: this.scanKeyCap,
        count: this.scanCount,
      });
      cost.roundTrips += pass.roundTrips;
      cost.commands += pass.roundTrips;
      this.recordScan(pass);
    } catch (error) {
      this.totals.failedScanPasses += 1;
      // Anything but a reply error (e.g. NOPERM) means Redis is gone: the caller reports that.
      if ((error as Error).name !== 'ReplyError') throw error;
      this.totals.errors += 1;
      this.logger?.warn({ error: (error as Error).message }, 'SCAN pass failed');
    }
  }

  private recordScan(pass: ScanPass): void {
    this.totals.scanPasses += 1;
    if (!pass.complete) {
      this.totals.incompleteScanPasses += 1;
      this.logger?.warn(
        { stopped_by: pass.stoppedBy, keys: pass.keysScanned, duration_ms: pass.durationMs },
        'SCAN pass stopped early',
      );
    }
    const processingByQueue = new Map<string, string[]>();
    // An incomplete pass may have missed lists the previous one found; keeping them is harmless
    // because a list that no longer exists reads as length 0.
    const keys = pass.complete
      ? pass.processingKeys
      : new Set([
          ...pass.processingKeys,
          ...[...(this.scan?.processingByQueue.values() ?? [])].flat(),
        ]);
    for (const key of keys) {
      const queue = this.queueOfProcessingKey(key);
      if (queue === null) continue;
      const list = processingByQueue.get(queue);
      if (list) list.push(key);
      else processingByQueue.set(queue, [key]);
    }
    for (const name of pass.heartbeatWorkers) {
      if (this.specs.has(name) || this.unlisted.has(name)) continue;
      if (this.unlisted.size >= this.maxUnlistedWorkers) {
        this.logger?.warn(
          { worker: name, limit: this.maxUnlistedWorkers },
          'too many unlisted workers',
        );
        break;
      }
      // The kind is provisional until the worker's heartbeat is read.
      this.unlisted.set(name, unlistedWorker(name, 'render'));
    }
    this.scan = { pass, finishedAtMs: this.now(), processingByQueue };
  }

  /** `processing:<queue>:<consumer>` → the longest fleet queue it names, or null. */
  private queueOfProcessingKey(key: string): string | null {
    const rest = key.slice('processing:'.length);
    for (let end = rest.lastIndexOf(':'); end > 0; end = rest.lastIndexOf(':', end - 1)) {
      const queue = rest.slice(0, end);
      if (this.queues.has(queue)) return queue;
    }
    return null;
  }

  private targets(scan: ScanState | undefined): WorkerTarget[] {
    const processing = scan?.processingByQueue;
    const listed = this.fleet.workers.map((spec) => ({
      spec,
      inFleet: true,
      processingKeys: (spec.queue && processing?.get(spec.queue)) || [],
    }));
    const unlisted = [...this.unlisted.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((spec) => ({ spec, inFleet: false, processingKeys: [] }));
    return [...listed, ...unlisted];
  }

  private succeeded(
    reading: PipelineReading,
    scan: ScanState | undefined,
    durationMs: number,
    cost: Cost,
  ): CollectionSnapshot {
    const nowMs = this.now();
    const generatedAt = new Date(nowMs).toISOString();
    const workers: WorkerStatus[] = reading.workers.map((worker) => {
      const { name } = worker.target.spec;
      const outcome = workerStatus(worker, nowMs, this.lastBeatAt.get(name) ?? null);
      const beat = outcome.heartbeat;
      if (beat?.ts && beat.tsMs !== null) this.lastBeatAt.set(name, beat.ts);
      if (beat?.kind && !worker.target.inFleet)
        this.unlisted.set(name, unlistedWorker(name, beat.kind));
      return outcome.status;
    });
    if (reading.keyspaceSize !== null) this.keyspaceSize = reading.keyspaceSize;

    const stats: CollectionStats = {
      ok: true,
      durationMs,
      ...cost,
      heartbeatErrors: 0,
      queueErrors: 0,
      pausedError: reading.pausedError,
      keyspaceSize: reading.keyspaceSize,
    };
    for (const worker of workers) {
      if (worker.heartbeat_error !== null) {
        stats.heartbeatErrors += 1;
        increment(this.totals.heartbeatErrorsByWorker, worker.name);
      }
      if (worker.queue_error !== null) {
        stats.queueErrors += 1;
        increment(this.totals.queueErrorsByWorker, worker.name);
      }
      this.logErrorChange(worker.name, [worker.heartbeat_error, worker.queue_error]);
    }
    this.logErrorChange(redisKeys.queuePaused, [reading.pausedError]);
    this.totals.collections += 1;
    this.totals.errors += stats.heartbeatErrors + stats.queueErrors + (reading.pausedError ? 1 : 0);
    if (this.lastFailure !== undefined) {
      this.logger?.info('redis readable again');
      this.lastFailure = undefined;
    }

    const paused = reading.paused;
    const document: StatusDocument = {
      redis_ok: true,
      paused,
      paused_reason: pausedReasonOf(paused, workers),
      generated_at: generatedAt,
      workers,
      links: linksOf(workers, this.specs),
      redis_error: null,
      stale: false,
      last_ok_at: generatedAt,
      collect_duration_ms: round(durationMs),
      scan: scanInfo(scan, nowMs),
      heartbeat_stale_after_s: 135,
      redis_evicted_keys: null,
      redis_maxmemory_policy: null,
      redis_maxmemory_bytes: null,
      redis_evicting: false,
      redis_last_eviction_at: null,
      unlisted_workers: {
        count: 0,
        limit: this.maxUnlistedWorkers,
        forget_after_s: 3600,
        name_max_bytes: 200,
        dropped: { too_many: 0, too_long: 0, unshowable: 0 },
        unshowable_names: [],
        forgotten: 0,
      },
    };
    this.lastGood = document;
    this.startBackgroundScanIfDue(nowMs);
    return { document, stats, totals: this.snapshotTotals() };
  }

  private failed(message: string, durationMs: number, cost: Cost): CollectionSnapshot {
    const nowMs = this.now();
    this.totals.collections += 1;
    this.totals.failedCollections += 1;
    this.totals.errors += 1;
    if (message !== this.lastFailure) {
      this.logger?.warn({ error: message }, 'redis read failed');
      this.lastFailure = message;
    }
    const workers = this.lastGood?.workers ?? unreadWorkers(this.fleet);
    const document: StatusDocument = {
      redis_ok: false,
      paused: this.lastGood?.paused ?? false,
      paused_reason: this.lastGood?.paused_reason ?? null,
      generated_at: new Date(nowMs).toISOString(),
      workers,
      links: this.lastGood?.links ?? linksOf(workers, this.specs),
      redis_error: message,
      stale: true,
      last_ok_at: this.lastGood?.last_ok_at ?? null,
      collect_duration_ms: round(durationMs),
      scan: scanInfo(this.scan, nowMs),
      heartbeat_stale_after_s: 135,
      redis_evicted_keys: null,
      redis_maxmemory_policy: null,
      redis_maxmemory_bytes: null,
      redis_evicting: false,
      redis_last_eviction_at: null,
      unlisted_workers: {
        count: 0,
        limit: this.maxUnlistedWorkers,
        forget_after_s: 3600,
        name_max_bytes: 200,
        dropped: { too_many: 0, too_long: 0, unshowable: 0 },
        unshowable_names: [],
        forgotten: 0,
      },
    };
    const stats: CollectionStats = {
      ok: false,
      durationMs,
      ...cost,
      heartbeatErrors: 0,
      queueErrors: 0,
      pausedError: null,
      keyspaceSize: null,
    };
    return { document, stats, totals: this.snapshotTotals() };
  }

  private describeFailure(error: Error): string {
    // While disconnected, ioredis's rejection names an option, not the problem: say what is.
    if (this.redis.status !== 'ready' && !this.closed) {
      return `Redis unreachable (${this.redis.status})${
        this.connectionError ? `: ${this.connectionError}` : ''
      }`;
    }
    return error.message;
  }

  private startBackgroundScanIfDue(nowMs: number): void {
    if (this.closed || this.backgroundScan) return;
    if ((this.keyspaceSize ?? 0) <= this.scanInlineMaxKeys) return;
    if (this.scanStartedAtMs !== undefined && nowMs - this.scanStartedAtMs < this.scanIntervalMs) {
      return;
    }
    const cost: Cost = { roundTrips: 0, commands: 0 };
    this.backgroundScan = this.runScan(this.scanDeadlineMs, cost)
      .catch((error: Error) => {
        this.totals.errors += 1;
        this.logger?.warn({ error: error.message }, 'background SCAN pass failed');
      })
      .finally(() => {
        this.backgroundScan = undefined;
      });
  }

  /** Logs a worker's input errors when they change, not on every collection. */
  private logErrorChange(subject: string, errors: (string | null)[]): void {
    const current = errors.filter((error) => error !== null).join('; ');
    if ((this.reportedErrors.get(subject) ?? '') === current) return;
    this.reportedErrors.set(subject, current);
    if (current) this.logger?.warn({ worker: subject, error: current }, 'unreadable input');
    else this.logger?.info({ worker: subject }, 'input readable again');
  }

  private snapshotTotals(): CollectorTotals {
    return {
      ...this.totals,
      heartbeatErrorsByWorker: { ...this.totals.heartbeatErrorsByWorker },
      queueErrorsByWorker: { ...this.totals.queueErrorsByWorker },
    };
  }
}

function scanInfo(scan: ScanState | undefined, nowMs: number): ScanInfo | null {
  if (!scan) return null;
  const { pass, finishedAtMs } = scan;
  return {
    complete: pass.complete,
    stopped_by: pass.stoppedBy,
    keys_scanned: pass.keysScanned,
    duration_ms: round(pass.durationMs),
    finished_at: new Date(finishedAtMs).toISOString(),
    age_s: Math.max(0, Math.floor((nowMs - finishedAtMs) / 1000)),
  };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
