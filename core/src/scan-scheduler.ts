import type { Redis } from 'ioredis';
import type { ScanInfo } from './contracts/status-document.js';
import { type ScanPass, scanKeyspace } from './keyspace-scan.js';
import type { Logger } from './logger.js';
import { roundMs } from './timeout.js';

/** Redis round trips and commands a collection spent; the scheduler adds its SCAN calls. */
export interface RedisCost {
  roundTrips: number;
  commands: number;
}

/** The last SCAN pass and what it found, grouped for the pipeline. */
export interface ScanResult {
  pass: ScanPass;
  finishedAtMs: number;
  /** In-flight list keys (`processing:<queue>:<consumer>`, raw bytes) by the queue they belong to. */
  processingByQueue: ReadonlyMap<string, Buffer[]>;
}

/** Running SCAN counts since the scheduler started, for the collector's totals. */
export interface ScanTotals {
  scanPasses: number;
  incompleteScanPasses: number;
  failedScanPasses: number;
  /** Failed passes that did not fail their collection (reply errors, background failures). */
  errors: number;
}

export interface ScanSchedulerOptions {
  redis: Redis;
  /** The queues read (the fleet's and unlisted workers'): an in-flight list counts only under one. */
  queues: () => Iterable<string>;
  now: () => number;
  logger: Logger | undefined;
  /**
   * Called with every finished pass, before its in-flight lists are grouped: to register the
   * workers it found beating (whose queues `queues` then names).
   */
  onPass: (pass: ScanPass, nowMs: number) => void;
  /** Up to this many keys (DBSIZE) a pass runs inside each collection, else in the background. */
  inlineMaxKeys: number;
  /** How often the background pass repeats. */
  intervalMs: number;
  /** A background pass's deadline (an inline one gets at most half the collection timeout). */
  deadlineMs: number;
  keyCap: number;
  count: number;
}

/**
 * When the bounded SCAN pass runs: inside each collection on a small keyspace, in the background
 * every `intervalMs` on a large one (so a scrape never waits for a long pass), and what the last
 * pass found.
 */
export class ScanScheduler {
  private latest: ScanResult | undefined;
  private startedAtMs: number | undefined;
  private background: Promise<void> | undefined;
  private keyspaceSize: number | undefined;
  private closed = false;
  private readonly counts: ScanTotals = {
    scanPasses: 0,
    incompleteScanPasses: 0,
    failedScanPasses: 0,
    errors: 0,
  };

  constructor(private readonly options: ScanSchedulerOptions) {}

  /** The last pass's result, if any pass has finished. */
  get result(): ScanResult | undefined {
    return this.latest;
  }

  get totals(): ScanTotals {
    return { ...this.counts };
  }

  /**
   * Before a collection's pipeline: measures the keyspace on first use, then runs the pass inline
   * when the keyspace is small and no background pass is running. Throws when Redis is gone.
   */
  async beforeCollection(collectTimeoutMs: number, cost: RedisCost): Promise<void> {
    if (this.keyspaceSize === undefined) {
      this.keyspaceSize = await this.options.redis.dbsize();
      cost.roundTrips += 1;
      cost.commands += 1;
    }
    if (this.keyspaceSize <= this.options.inlineMaxKeys && !this.background) {
      await this.run(Math.min(this.options.deadlineMs, collectTimeoutMs / 2), cost);
    }
  }

  /** After a good collection: keeps its DBSIZE and starts a background pass when one is due. */
  afterCollection(keyspaceSize: number | null, nowMs: number): void {
    if (keyspaceSize !== null) this.keyspaceSize = keyspaceSize;
    if (this.closed || this.background) return;
    if ((this.keyspaceSize ?? 0) <= this.options.inlineMaxKeys) return;
    if (this.startedAtMs !== undefined && nowMs - this.startedAtMs < this.options.intervalMs) {
      return;
    }
    this.background = this.run(this.options.deadlineMs, { roundTrips: 0, commands: 0 })
      .catch((error: Error) => {
        this.counts.errors += 1;
        this.options.logger?.warn({ error: error.message }, 'background SCAN pass failed');
      })
      .finally(() => {
        this.background = undefined;
      });
  }

  /** Stops starting passes and waits for a running background one. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await this.background;
  }

  /** Runs one SCAN pass and keeps what it found. A reply error is logged, not fatal. */
  private async run(deadlineMs: number, cost: RedisCost): Promise<void> {
    this.startedAtMs = this.options.now();
    try {
      const pass = await scanKeyspace(this.options.redis, {
        deadlineMs,
        keyCap: this.options.keyCap,
        count: this.options.count,
      });
      cost.roundTrips += pass.roundTrips;
      cost.commands += pass.roundTrips;
      this.record(pass);
    } catch (error) {
      this.counts.failedScanPasses += 1;
      // Anything but a reply error (e.g. NOPERM) means Redis is gone: the caller reports that.
      if ((error as Error).name !== 'ReplyError') throw error;
      this.counts.errors += 1;
      this.options.logger?.warn({ error: (error as Error).message }, 'SCAN pass failed');
    }
  }

  private record(pass: ScanPass): void {
    this.counts.scanPasses += 1;
    if (!pass.complete) {
      this.counts.incompleteScanPasses += 1;
      this.options.logger?.warn(
        { stopped_by: pass.stoppedBy, keys: pass.keysScanned, duration_ms: pass.durationMs },
        'SCAN pass stopped early',
      );
    }
    const nowMs = this.options.now();
    this.options.onPass(pass, nowMs);
    // Queue names as latin1 of their UTF-8 bytes, to match raw key bytes read the same way.
    const queues = new Map(
      [...this.options.queues()].map((q) => [Buffer.from(q).toString('latin1'), q]),
    );
    // An incomplete pass may have missed lists the previous one found; keeping them is harmless
    // because a list that no longer exists reads as length 0.
    const keys = new Map(pass.processingKeys.map((key) => [key.toString('latin1'), key]));
    if (!pass.complete) {
      for (const key of [...(this.latest?.processingByQueue.values() ?? [])].flat()) {
        keys.set(key.toString('latin1'), key);
      }
    }
    const processingByQueue = new Map<string, Buffer[]>();
    for (const [id, key] of keys) {
      const queue = queueOfProcessingKey(id, queues);
      if (queue === null) continue;
      const list = processingByQueue.get(queue);
      if (list) list.push(key);
      else processingByQueue.set(queue, [key]);
    }
    this.latest = { pass, finishedAtMs: nowMs, processingByQueue };
  }
}

/** `processing:<queue>:<consumer>` (as latin1) → the longest known queue it names, or null. */
function queueOfProcessingKey(id: string, queues: ReadonlyMap<string, string>): string | null {
  const rest = id.slice('processing:'.length);
  for (let end = rest.lastIndexOf(':'); end > 0; end = rest.lastIndexOf(':', end - 1)) {
    const queue = queues.get(rest.slice(0, end));
    if (queue !== undefined) return queue;
  }
  return null;
}

/** The status document's `scan` field for a pass's result. */
export function scanInfo(result: ScanResult | undefined, nowMs: number): ScanInfo | null {
  if (!result) return null;
  const { pass, finishedAtMs } = result;
  return {
    complete: pass.complete,
    stopped_by: pass.stoppedBy,
    keys_scanned: pass.keysScanned,
    duration_ms: roundMs(pass.durationMs),
    finished_at: new Date(finishedAtMs).toISOString(),
    age_s: Math.max(0, Math.floor((nowMs - finishedAtMs) / 1000)),
  };
}
