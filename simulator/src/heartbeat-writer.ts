import {
  HEARTBEAT_INTERVAL_S,
  HEARTBEAT_TTL_S,
  type Heartbeat,
  redisKeys,
  STATES_BY_KIND,
  type StateOf,
  WORKER_KIND_TABLE,
  WORKER_KINDS,
  type WorkerKind,
} from '@fleet/core/contracts';

/** The kinds whose heartbeat carries `mode`. */
const MODE_KINDS = WORKER_KINDS.filter((kind) => WORKER_KIND_TABLE[kind].mode);

/** The one Redis command a heartbeat needs; an ioredis `Redis` or `Cluster` fits. */
export interface HeartbeatRedis {
  set(key: string, value: string, expiry: 'EX', seconds: number): Promise<unknown>;
}

export interface HeartbeatWriterOptions<K extends WorkerKind> {
  /** Client the beats are written with. The writer never closes it: the caller owns it. */
  redis: HeartbeatRedis;
  /** Worker name; the key is `worker:<name>:heartbeat`. */
  name: string;
  kind: K;
  /** State reported until `setState` changes it. */
  state: StateOf<K>;
  /**
   * Why the watcher is in its state (e.g. `trading`). Required for a kind whose heartbeat carries
   * a mode (`WORKER_KIND_TABLE`), refused otherwise.
   */
  mode?: string;
  /**
   * Time between beats.
   * @defaultValue 15 000 ms (docs/spec.md §1)
   */
  intervalMs?: number;
  /**
   * Expiry of each beat: the key vanishes this long after the last one.
   * @defaultValue 45 s (docs/spec.md §1)
   */
  ttlS?: number;
  /**
   * Also beat at once when the state changes, so a monitor sees it without waiting for the
   * next interval. Still `SET ... EX ttl`, so the contract holds either way.
   * @defaultValue true
   */
  beatOnStateChange?: boolean;
  /**
   * Clock in epoch milliseconds, for `ts` and `last_job_at`.
   * @defaultValue Date.now
   */
  now?: () => number;
  /**
   * Called when a background beat fails (Redis down). The next interval retries on its own.
   * @defaultValue a process warning on stderr
   */
  onError?: (error: unknown) => void;
}

export class HeartbeatWriterError extends Error {
  override name = 'HeartbeatWriterError';
}

/**
 * Writes docs/spec.md §1: `SET worker:<name>:heartbeat <json> EX 45` every 15 s, with job
 * counters since this writer was created. `close()` stops beating but leaves the key, so a
 * stopped worker looks exactly like a dead one in production: its key expires.
 */
export class HeartbeatWriter<K extends WorkerKind = WorkerKind> {
  readonly name: string;
  readonly kind: K;
  readonly key: string;
  readonly intervalMs: number;
  readonly ttlS: number;
  private stateValue: StateOf<K>;
  private modeValue: string | undefined;
  private jobsDone = 0;
  private jobsFailed = 0;
  private lastJobAt: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly redis: HeartbeatRedis;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly beatOnStateChange: boolean;

  constructor(options: HeartbeatWriterOptions<K>) {
    this.name = options.name;
    this.kind = options.kind;
    this.key = redisKeys.heartbeat(options.name);
    this.redis = options.redis;
    this.intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_S * 1000;
    this.ttlS = options.ttlS ?? HEARTBEAT_TTL_S;
    this.now = options.now ?? Date.now;
    this.beatOnStateChange = options.beatOnStateChange ?? true;
    this.onError =
      options.onError ??
      ((error) => process.emitWarning(`heartbeat of ${this.name} failed: ${String(error)}`));
    if (!Number.isInteger(this.ttlS) || this.ttlS < 1) {
      throw new HeartbeatWriterError(`ttlS must be a whole number of seconds >= 1`);
    }
    if (this.intervalMs <= 0 || this.intervalMs >= this.ttlS * 1000) {
      // A beat interval at or past the TTL would let the key expire between beats.
      throw new HeartbeatWriterError(`intervalMs must be > 0 and shorter than ttlS`);
    }
    this.stateValue = this.checkState(options.state);
    this.modeValue = this.checkMode(options.mode);
  }

  get state(): StateOf<K> {
    return this.stateValue;
  }

  /** The payload the next beat writes (docs/spec.md §1). */
  payload(): Heartbeat {
    return {
      name: this.name,
      kind: this.kind,
      state: this.stateValue,
      ts: new Date(this.now()).toISOString(),
      last_job_at: this.lastJobAt,
      jobs_done: this.jobsDone,
      jobs_failed: this.jobsFailed,
      ...(this.modeValue === undefined ? {} : { mode: this.modeValue }),
    };
  }

  /** Beats now, then every `intervalMs` until `close()`. Calling it again does nothing. */
  start(): void {
    if (this.closed) throw new HeartbeatWriterError(`${this.name}: start() after close()`);
    if (this.timer) return;
    this.beatInBackground();
    this.timer = setInterval(() => this.beatInBackground(), this.intervalMs);
  }

  /** Changes the reported state (and, for the watcher, its mode). */
  setState(state: StateOf<K>, mode?: string): void {
    const nextState = this.checkState(state);
    const nextMode = mode === undefined ? this.modeValue : this.checkMode(mode);
    const changed = nextState !== this.stateValue || nextMode !== this.modeValue;
    this.stateValue = nextState;
    this.modeValue = nextMode;
    if (changed && this.beatOnStateChange && this.timer) this.beatInBackground();
  }

  /** Counts one finished job; `last_job_at` becomes now. */
  recordJob(ok: boolean): void {
    if (ok) this.jobsDone += 1;
    else this.jobsFailed += 1;
    this.lastJobAt = new Date(this.now()).toISOString();
  }

  /** Writes one beat now. Rejects when Redis does, or after `close()`. */
  async beatNow(): Promise<void> {
    if (this.closed) throw new HeartbeatWriterError(`${this.name}: beat after close()`);
    const beat = this.redis.set(this.key, JSON.stringify(this.payload()), 'EX', this.ttlS);
    const settled = beat.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight = this.inFlight.then(() => settled);
    await beat;
  }

  /** Stops beating; the key is left to expire, as a crashed worker's would. Safe twice. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private beatInBackground(): void {
    this.beatNow().catch((error: unknown) => this.onError(error));
  }

  private checkState(state: string): StateOf<K> {
    const allowed: readonly string[] = STATES_BY_KIND[this.kind];
    if (!allowed.includes(state)) {
      throw new HeartbeatWriterError(
        `${this.name}: state "${state}" is not one of ${allowed.join(', ')} for kind ${this.kind}`,
      );
    }
    return state as StateOf<K>;
  }

  private checkMode(mode: string | undefined): string | undefined {
    const reportsMode = WORKER_KIND_TABLE[this.kind].mode;
    if (reportsMode && !mode) {
      throw new HeartbeatWriterError(`${this.name}: a ${this.kind} heartbeat carries a mode`);
    }
    if (!reportsMode && mode !== undefined) {
      throw new HeartbeatWriterError(
        `${this.name}: only the ${MODE_KINDS.join(', the ')} reports a mode`,
      );
    }
    return mode;
  }
}
