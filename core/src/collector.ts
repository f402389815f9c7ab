import type { Redis } from 'ioredis';
import type { Fleet, WorkerSpec } from './contracts/fleet.js';
import type { HeartbeatFields } from './contracts/heartbeat.js';
import { hostsOf } from './contracts/hosts.js';
import type { StoredMaintenance } from './contracts/maintenance.js';
import { HEARTBEAT_TTL_S, redisKeys } from './contracts/redis-keys.js';
import type { StatusDocument, WorkerStatus } from './contracts/status-document.js';
import { linksOf, pausedReasonOf, unreadWorkers } from './document-rules.js';
import type { ScanPass } from './keyspace-scan.js';
import type { Logger } from './logger.js';
import { activeMaintenance, maintenanceOf, parseStoredMaintenance } from './maintenance-windows.js';
import {
  INFO_SECTIONS,
  type PipelineReading,
  type PipelineReply,
  planPipeline,
  readPipeline,
  type WorkerTarget,
} from './pipeline-plan.js';
import {
  type EvictionInfo,
  type EvictionWatch,
  isEvicting,
  parseEvictionInfo,
  watchEvictions,
} from './redis-eviction.js';
import {
  type RedisCost,
  type ScanResult,
  ScanScheduler,
  type ScanTotals,
  scanInfo,
} from './scan-scheduler.js';
import { roundMs, withTimeout } from './timeout.js';
import { UnlistedWorkers } from './unlisted-workers.js';
import { parseSilences, type SilenceTable, silencedUntil } from './worker-silences.js';
import { DEFAULT_STUCK_AFTER_S, workerStatus } from './worker-status.js';
import { NEW_TRACK, trackWorker, type WorkerTrack } from './worker-tracking.js';

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
  /**
   * An unlisted worker whose heartbeat key has been missing this long is forgotten.
   * @defaultValue 3600
   */
  unlistedForgetAfterS?: number;
  /** A heartbeat key whose `<name>` is longer than this (UTF-8 bytes) is left out. @defaultValue 200 */
  unlistedNameMaxBytes?: number;
  /** A heartbeat whose `ts` has not moved for this long is stale (3 TTLs). @defaultValue 135 */
  heartbeatStaleAfterS?: number;
  /** Stuck threshold of a worker whose fleet entry sets none. @defaultValue 1800 */
  stuckAfterS?: number;
  /** `redis_evicting` stays true this long after evicted_keys last rose. @defaultValue 120 */
  evictingHoldS?: number;
  /**
   * The hash of one-off maintenance windows the alerting service keeps
   * (`alertingKeys.maintenance(prefix)`), read with HGETALL in the pipeline; null reads none.
   * @defaultValue null
   */
  maintenanceKey?: string | null;
  /**
   * The hash of silences the alerting service keeps (`alertingKeys.silences(prefix)`), read with
   * HGETALL in the same pipeline, never written; null reads none.
   * @defaultValue null
   */
  silencesKey?: string | null;
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
  /** Why the silences hash could not be read, or which entries are not a time, when so. */
  silencesError: string | null;
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

/** What a collection read of one worker beyond its document entry (for the exporter's history). */
export interface WorkerDetail {
  /** The heartbeat's valid fields (docs/spec.md §1), null when none was readable. */
  heartbeat: HeartbeatFields | null;
  /** Digest of the oldest dead letter, null when the list is empty or was not read this time. */
  deadLetterHead: string | null;
}

export interface CollectionSnapshot {
  document: StatusDocument;
  stats: CollectionStats;
  totals: CollectorTotals;
  /** Per worker of the document, by name; empty when Redis could not be read. */
  details: ReadonlyMap<string, WorkerDetail>;
}

const CONNECTION_OUTCOMES = ['ready', 'error', 'close'] as const;

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
  private readonly staleAfterMs: number;
  private readonly stuckAfterMs: number;
  private readonly evictingHoldMs: number;
  private readonly maintenanceKey: string | null;
  private readonly silencesKey: string | null;
  /** The one-off maintenance windows last read (kept while Redis cannot be read). */
  private commandWindows: StoredMaintenance[] = [];
  /** The silences last read (kept while Redis or the hash cannot be read). */
  private silences: SilenceTable = {};

  private readonly unlisted: UnlistedWorkers;
  private readonly tracks = new Map<string, WorkerTrack>();
  /** Dead-letter list lengths of the last collection, by worker: an empty list's head is not read. */
  private readonly deadLetters = new Map<string, number>();
  private evictions: EvictionWatch = { evictedKeys: null, lastRiseAtMs: null };
  private evictionInfo: EvictionInfo = { evictedKeys: null, policy: null, maxmemoryBytes: null };
  /** INFO's sections; a server that refuses several gets the default INFO. */
  private infoSections: readonly string[] = INFO_SECTIONS;
  private readonly reportedErrors = new Map<string, string>();
  private readonly scans: ScanScheduler;
  private lastGood: StatusDocument | undefined;
  private lastFailure: string | undefined;
  /** The client's last connection error, to explain a failed collection. */
  private connectionError: string | undefined;
  private closed = false;
  /** The collector's own counts; the SCAN counts are the scheduler's. */
  private readonly totals: Omit<CollectorTotals, Exclude<keyof ScanTotals, 'errors'>> = {
    collections: 0,
    failedCollections: 0,
    errors: 0,
    heartbeatErrorsByWorker: {},
    queueErrorsByWorker: {},
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
    this.unlisted = new UnlistedWorkers({
      limit: options.maxUnlistedWorkers ?? 1000,
      nameMaxBytes: options.unlistedNameMaxBytes ?? 200,
      forgetAfterMs: (options.unlistedForgetAfterS ?? 3600) * 1000,
    });
    this.staleAfterMs = (options.heartbeatStaleAfterS ?? 3 * HEARTBEAT_TTL_S) * 1000;
    this.stuckAfterMs = (options.stuckAfterS ?? DEFAULT_STUCK_AFTER_S) * 1000;
    this.evictingHoldMs = (options.evictingHoldS ?? 120) * 1000;
    this.maintenanceKey = options.maintenanceKey ?? null;
    this.silencesKey = options.silencesKey ?? null;
    this.scans = new ScanScheduler({
      redis: options.redis,
      queues: () => [...this.queues, ...this.unlisted.queues()],
      now: this.now,
      logger: this.logger,
      onPass: (pass, nowMs) => this.admitUnlisted(pass, nowMs),
      inlineMaxKeys: options.scanInlineMaxKeys ?? 10_000,
      intervalMs: options.scanIntervalMs ?? 30_000,
      deadlineMs: options.scanDeadlineMs ?? 5000,
      keyCap: options.scanKeyCap ?? 10_000,
      count: options.scanCount ?? 1000,
    });
    this.redis.on('error', this.onConnectionError);
  }

  /** The status document of one collection. Never throws. */
  async collect(): Promise<StatusDocument> {
    return (await this.collectSnapshot()).document;
  }

  /** The document plus what the collection cost, so metrics need not read Redis again. */
  async collectSnapshot(): Promise<CollectionSnapshot> {
    const started = performance.now();
    const cost: RedisCost = { roundTrips: 0, commands: 0 };
    let read: { reading: PipelineReading; scan: ScanResult | undefined };
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
    await this.scans.close();
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
    cost: RedisCost,
  ): Promise<{ reading: PipelineReading; scan: ScanResult | undefined }> {
    await this.settleConnection();
    await this.scans.beforeCollection(this.collectTimeoutMs, cost);
    const scan = this.scans.result;
    const plan = planPipeline(this.targets(scan), this.infoSections, {
      maintenance: this.maintenanceKey,
      silences: this.silencesKey,
    });
    const replies = (await this.redis.pipeline(plan.commands).exec()) as PipelineReply[] | null;
    cost.roundTrips += 1;
    cost.commands += plan.commands.length;
    if (!replies) throw new Error('pipeline returned no replies');
    // A reply error (WRONGTYPE, NOPERM) concerns one key; any other error means Redis is gone.
    const lost = replies.find(([error]) => error !== null && error.name !== 'ReplyError');
    if (lost?.[0]) throw lost[0];
    return { reading: readPipeline(plan, replies), scan };
  }

  /** Admits the unlisted workers a SCAN pass found beating, and says which it left out. */
  private admitUnlisted(pass: ScanPass, nowMs: number): void {
    for (const name of this.unlisted.admit(pass.heartbeatNames, (n) => this.specs.has(n), nowMs)) {
      this.tracks.delete(name);
      this.deadLetters.delete(name);
    }
    const dropped = this.unlisted.info().dropped;
    if (dropped.too_many + dropped.too_long + dropped.unshowable > 0) {
      this.logger?.warn({ dropped }, 'heartbeat keys left out of the document');
    }
  }

  private targets(scan: ScanResult | undefined): WorkerTarget[] {
    const processing = scan?.processingByQueue;
    const target = (spec: WorkerSpec, inFleet: boolean): WorkerTarget => ({
      spec,
      inFleet,
      processingKeys: (spec.queue && processing?.get(spec.queue)) || [],
      readDeadLetterHead: (this.deadLetters.get(spec.name) ?? 1) > 0,
    });
    return [
      ...this.fleet.workers.map((spec) => target(spec, true)),
      ...this.unlisted.specs().map((spec) => target(spec, false)),
    ];
  }

  private succeeded(
    reading: PipelineReading,
    scan: ScanResult | undefined,
    durationMs: number,
    cost: RedisCost,
  ): CollectionSnapshot {
    const nowMs = this.now();
    const generatedAt = new Date(nowMs).toISOString();
    const clock = { nowMs, redisNowMs: reading.redisTimeMs };
    const rules = { staleAfterMs: this.staleAfterMs, ttlMs: HEARTBEAT_TTL_S * 1000 };
    const details = new Map<string, WorkerDetail>();
    const read: WorkerStatus[] = reading.workers.map((worker) => {
      const { spec, inFleet } = worker.target;
      const previous = this.tracks.get(spec.name) ?? NEW_TRACK;
      const outcome = workerStatus(worker, nowMs, previous.ts);
      const { track, status } = trackWorker(
        previous,
        {
          status: outcome.status,
          tsMs: outcome.heartbeat?.tsMs ?? null,
          processingLists: worker.processingLists,
          stuckAfterMs: spec.stuckAfterS === null ? this.stuckAfterMs : spec.stuckAfterS * 1000,
        },
        clock,
        rules,
      );
      this.tracks.set(spec.name, track);
      this.deadLetters.set(spec.name, status.dead_letter);
      details.set(spec.name, {
        heartbeat: outcome.heartbeat,
        deadLetterHead: worker.deadLetterHead,
      });
      if (!inFleet) {
        this.unlisted.observe(spec.name, status.alive, outcome.heartbeat?.kind ?? null, nowMs);
      }
      return status;
    });
    const forgotten = new Set(this.unlisted.forget(nowMs));
    for (const name of forgotten) {
      this.tracks.delete(name);
      this.deadLetters.delete(name);
      details.delete(name);
    }
    const kept = forgotten.size === 0 ? read : read.filter((w) => !forgotten.has(w.name));
    this.readEvictions(reading, nowMs);
    this.readMaintenance(reading);
    const silencesError = this.readSilences(reading);
    const { workers, windows } = this.withAlertingState(kept, nowMs);

    const stats: CollectionStats = {
      ok: true,
      durationMs,
      ...cost,
      heartbeatErrors: 0,
      queueErrors: 0,
      pausedError: reading.pausedError,
      silencesError,
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
    this.totals.errors +=
      stats.heartbeatErrors +
      stats.queueErrors +
      (reading.pausedError ? 1 : 0) +
      (silencesError ? 1 : 0);
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
      collect_duration_ms: roundMs(durationMs),
      scan: scanInfo(scan, nowMs),
      ...this.redisFacts(nowMs),
      maintenance_windows: windows,
      hosts: hostsOf(this.fleet.hosts, workers),
    };
    this.lastGood = document;
    this.scans.afterCollection(reading.keyspaceSize, nowMs);
    return { document, stats, totals: this.snapshotTotals(), details };
  }

  private failed(message: string, durationMs: number, cost: RedisCost): CollectionSnapshot {
    const nowMs = this.now();
    this.totals.collections += 1;
    this.totals.failedCollections += 1;
    this.totals.errors += 1;
    if (message !== this.lastFailure) {
      this.logger?.warn({ error: message }, 'redis read failed');
      this.lastFailure = message;
    }
    // The schedules go on while Redis is away; the command windows are the last ones read.
    const { workers, windows } = this.withAlertingState(
      this.lastGood?.workers ?? unreadWorkers(this.fleet),
      nowMs,
    );
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
      collect_duration_ms: roundMs(durationMs),
      scan: scanInfo(this.scans.result, nowMs),
      ...this.redisFacts(nowMs),
      maintenance_windows: windows,
      hosts: hostsOf(this.fleet.hosts, workers),
    };
    const stats: CollectionStats = {
      ok: false,
      durationMs,
      ...cost,
      heartbeatErrors: 0,
      queueErrors: 0,
      pausedError: null,
      silencesError: null,
      keyspaceSize: null,
    };
    return { document, stats, totals: this.snapshotTotals(), details: new Map() };
  }

  /** Eviction from this collection's INFO; a server refusing two sections gets the default INFO. */
  private readEvictions(reading: PipelineReading, nowMs: number): void {
    if (reading.infoError !== null) {
      if (this.infoSections.length > 1) this.infoSections = [];
      this.logErrorChange('INFO', [reading.infoError]);
      return;
    }
    this.logErrorChange('INFO', []);
    this.evictionInfo = parseEvictionInfo(reading.info);
    const before = this.evictions.lastRiseAtMs;
    this.evictions = watchEvictions(this.evictions, this.evictionInfo.evictedKeys, nowMs);
    if (this.evictions.lastRiseAtMs !== before) {
      this.logger?.warn(
        { evicted_keys: this.evictionInfo.evictedKeys, policy: this.evictionInfo.policy },
        'redis is evicting keys',
      );
    }
  }

  /** The one-off maintenance windows of this collection; an unreadable hash keeps the last. */
  private readMaintenance(reading: PipelineReading): void {
    if (!reading.maintenance || this.maintenanceKey === null) return;
    const { hash, error } = reading.maintenance;
    if (error !== null) {
      this.logErrorChange(this.maintenanceKey, [error]);
      return;
    }
    const { windows, invalid } = parseStoredMaintenance(hash);
    this.logErrorChange(this.maintenanceKey, [
      invalid.length > 0 ? `unreadable maintenance windows: ${invalid.join(', ')}` : null,
    ]);
    this.commandWindows = windows;
  }

  /**
   * The silences of this collection, and why they could not all be read (logged on change); an
   * unreadable hash keeps the last ones read. Expired entries are left for the alerting service.
   */
  private readSilences(reading: PipelineReading): string | null {
    if (!reading.silences || this.silencesKey === null) return null;
    const { hash, error } = reading.silences;
    if (error !== null) {
      this.logErrorChange(this.silencesKey, [error]);
      return error;
    }
    const { silences, invalid } = parseSilences(hash);
    const problem = invalid.length > 0 ? `unreadable silences: ${invalid.join(', ')}` : null;
    this.logErrorChange(this.silencesKey, [problem]);
    this.silences = silences;
    return problem;
  }

  /**
   * Each worker with the maintenance window it is under now and until when it is silenced, and
   * every running window. Both follow the clock, also while Redis cannot be read.
   */
  private withAlertingState(
    workers: readonly WorkerStatus[],
    nowMs: number,
  ): { workers: WorkerStatus[]; windows: StatusDocument['maintenance_windows'] } {
    const windows = activeMaintenance(this.fleet.maintenance, this.commandWindows, nowMs);
    return {
      workers: workers.map((worker) => {
        const silenced = silencedUntil(worker.name, this.silences, nowMs);
        return {
          ...worker,
          maintenance: maintenanceOf(worker, windows),
          silenced_until: silenced === null ? null : new Date(silenced).toISOString(),
        };
      }),
      windows,
    };
  }

  /** The document's top-level additions, as last known (also while Redis cannot be read). */
  private redisFacts(
    nowMs: number,
  ): Pick<
    StatusDocument,
    | 'heartbeat_stale_after_s'
    | 'redis_evicted_keys'
    | 'redis_maxmemory_policy'
    | 'redis_maxmemory_bytes'
    | 'redis_evicting'
    | 'redis_last_eviction_at'
    | 'unlisted_workers'
  > {
    const lastRise = this.evictions.lastRiseAtMs;
    return {
      heartbeat_stale_after_s: Math.round(this.staleAfterMs / 1000),
      redis_evicted_keys: this.evictionInfo.evictedKeys,
      redis_maxmemory_policy: this.evictionInfo.policy,
      redis_maxmemory_bytes: this.evictionInfo.maxmemoryBytes,
      redis_evicting: isEvicting(this.evictions, nowMs, this.evictingHoldMs),
      redis_last_eviction_at: lastRise === null ? null : new Date(lastRise).toISOString(),
      unlisted_workers: this.unlisted.info(),
    };
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

  /** Logs a worker's input errors when they change, not on every collection. */
  private logErrorChange(subject: string, errors: (string | null)[]): void {
    const current = errors.filter((error) => error !== null).join('; ');
    if ((this.reportedErrors.get(subject) ?? '') === current) return;
    this.reportedErrors.set(subject, current);
    if (current) this.logger?.warn({ worker: subject, error: current }, 'unreadable input');
    else this.logger?.info({ worker: subject }, 'input readable again');
  }

  private snapshotTotals(): CollectorTotals {
    const { errors: scanErrors, ...scans } = this.scans.totals;
    return {
      ...this.totals,
      errors: this.totals.errors + scanErrors,
      heartbeatErrorsByWorker: { ...this.totals.heartbeatErrorsByWorker },
      queueErrorsByWorker: { ...this.totals.queueErrorsByWorker },
      ...scans,
    };
  }
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * `processing:<queue>:<consumer>` → the longest known queue it names, or null. Both sides are
 * latin1 strings of raw bytes, so a consumer id that is not UTF-8 still matches.
 */
