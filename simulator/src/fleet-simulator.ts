import type { Logger } from '@fleet/core';
import {
  DEFAULT_FLEET,
  type Fleet,
  HEARTBEAT_INTERVAL_S,
  HEARTBEAT_TTL_S,
  redisKeys,
  WORKER_KIND_TABLE,
  type WorkerKind,
  type WorkerSpec,
  type WorkerState,
} from '@fleet/core/contracts';
import type { Redis } from 'ioredis';
import { HeartbeatWriter } from './heartbeat-writer.js';
import { clearQueuePaused, ReliableQueue, setQueuePaused } from './reliable-queue.js';
import { sleep } from './sleep.js';

export interface FleetSimulatorOptions {
  redis: Redis;
  /** @defaultValue the six workers of docs/spec.md §1 */
  fleet?: Fleet;
  /** @defaultValue 15 000 ms (docs/spec.md §1) */
  beatIntervalMs?: number;
  /** @defaultValue 45 s (docs/spec.md §1) */
  ttlS?: number;
  /** How long one simulated job takes. @defaultValue 1 200 ms */
  jobMs?: number;
  /** How often an idle render worker looks for a job. @defaultValue 500 ms */
  pollMs?: number;
  /** Most jobs the producer keeps in one pending list, so long pauses stay bounded. @defaultValue 60 */
  maxQueueDepth?: number;
  /** Prefix of consumer ids in `processing:<queue>:<consumer-id>`. @defaultValue `sim-<pid>` */
  consumerPrefix?: string;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Decides job outcomes and producer targets. @defaultValue Math.random */
  random?: () => number;
  logger?: Logger;
}

/** What `close({ cleanup: true })` removed. */
export interface CleanupReport {
  heartbeats: number;
  jobs: number;
  queuePaused: boolean;
}

export class SimulatorError extends Error {
  override name = 'SimulatorError';
}

interface SimulatedWorker {
  spec: WorkerSpec;
  writer: HeartbeatWriter;
  queue: ReliableQueue | null;
  /** Every in-flight list any incarnation used, for requeue on restart and for cleanup. */
  processingLists: Set<string>;
  incarnation: number;
  alive: boolean;
  failureRate: number;
  stop: AbortController;
  loop: Promise<void>;
}

/**
 * Plays a fleet of workers against Redis exactly as the real ones behave (docs/spec.md §1): heartbeats
 * through `HeartbeatWriter`, render jobs through the reliable-queue layout, the watcher's
 * trading pause. Scenarios steer it through `crash`, `restart`, `setTradingPause` and friends.
 */
export class FleetSimulator {
  readonly fleet: Fleet;
  private readonly redis: Redis;
  private readonly beatIntervalMs: number;
  private readonly ttlS: number;
  private readonly jobMs: number;
  private readonly pollMs: number;
  private readonly maxQueueDepth: number;
  private readonly consumerPrefix: string;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger: Logger | undefined;
  private readonly workers = new Map<string, SimulatedWorker>();
  /** Jobs this simulator pushed and that are not finished, by worker: what cleanup removes. */
  private readonly outstanding = new Map<string, Set<string>>();
  private jobCounter = 0;
  private paused = false;
  private pauseRefresh: NodeJS.Timeout | undefined;
  private trickle: NodeJS.Timeout | undefined;
  /** Timer ticks whose Redis calls are still in flight: cleanup waits for them to land first. */
  private readonly ticks = new Set<Promise<void>>();
  private wrotePause = false;
  private started = false;
  private closing: Promise<CleanupReport | null> | undefined;

  constructor(options: FleetSimulatorOptions) {
    this.redis = options.redis;
    this.fleet = options.fleet ?? DEFAULT_FLEET;
    this.beatIntervalMs = options.beatIntervalMs ?? HEARTBEAT_INTERVAL_S * 1000;
    this.ttlS = options.ttlS ?? HEARTBEAT_TTL_S;
    this.jobMs = options.jobMs ?? 1200;
    this.pollMs = options.pollMs ?? 500;
    this.maxQueueDepth = options.maxQueueDepth ?? 60;
    this.consumerPrefix = options.consumerPrefix ?? `sim-${process.pid}`;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  /** Every worker starts beating; render workers start consuming their queues. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const spec of this.fleet.workers) {
      this.outstanding.set(spec.name, new Set());
      this.launch(spec, 1, new Set());
    }
  }

  /** Names of the render workers, which own queues. */
  get renderWorkers(): string[] {
    return this.fleet.workers.filter((w) => w.kind === 'render' && w.queue).map((w) => w.name);
  }

  isAlive(name: string): boolean {
    return this.worker(name).alive;
  }

  /** Pushes up to `count` jobs (the pending list stays under `maxQueueDepth`); returns how many. */
  async enqueue(name: string, count: number): Promise<number> {
    const queue = this.worker(name).queue;
    if (!queue) throw new SimulatorError(`${name} has no queue`);
    const room = this.maxQueueDepth - (await this.redis.llen(queue.queue));
    const jobs = Array.from({ length: Math.min(count, room) }, () => this.newJob(name));
    const [first, ...more] = jobs;
    if (first === undefined) return 0;
    await queue.push(first, ...more);
    return jobs.length;
  }

  /** `count` jobs into every render queue at once. */
  async burst(count: number): Promise<void> {
    await Promise.all(this.renderWorkers.map((name) => this.enqueue(name, count)));
  }

  /** A producer pushing one job into a random render queue every `everyMs`; null stops it. */
  setTrickle(everyMs: number | null, onlyTo?: string): void {
    clearInterval(this.trickle);
    this.trickle = undefined;
    if (everyMs === null) return;
    const targets = onlyTo ? [onlyTo] : this.renderWorkers;
    this.trickle = setInterval(() => {
      const target = targets[Math.floor(this.random() * targets.length)];
      if (target) this.tick('enqueue', () => this.enqueue(target, 1));
    }, everyMs);
  }

  /** Fraction (0..1) of `name`'s jobs that fail into its dead-letter list. */
  setFailureRate(name: string, rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new SimulatorError(`failure rate ${rate} is not in 0..1`);
    this.worker(name).failureRate = rate;
  }

  /**
   * The task-watcher enters (or leaves) trading: `queue:paused` = "1" with a TTL refreshed every
   * beat, the watcher's `mode` says why, and render workers stop taking jobs.
   */
  async setTradingPause(on: boolean): Promise<void> {
    this.paused = on;
    clearInterval(this.pauseRefresh);
    this.pauseRefresh = undefined;
    for (const w of this.workers.values()) {
      const states = WORKER_KIND_TABLE[w.spec.kind].tradingPause;
      if (!states) continue;
      // Only a worker still in its pause state resumes: a render worker may be busy already.
      if (on) this.setSimulatedState(w, states.on);
      else if (w.writer.state === states.on) this.setSimulatedState(w, states.off);
    }
    if (on) {
      this.wrotePause = true;
      await setQueuePaused(this.redis, this.ttlS);
      this.pauseRefresh = setInterval(() => {
        this.tick('pause', () => setQueuePaused(this.redis, this.ttlS));
      }, this.beatIntervalMs);
    } else {
      await clearQueuePaused(this.redis);
    }
  }

  /** The trader's market state. */
  setMarketOpen(open: boolean): void {
    for (const w of this.workers.values()) {
      const states = WORKER_KIND_TABLE[w.spec.kind].market;
      if (states) this.setSimulatedState(w, open ? states.open : states.closed);
    }
  }

  /**
   * The worker process dies: it stops beating (its key expires `ttlS` after the last beat) and a
   * job it was working on stays in its in-flight list, as after a real crash.
   */
  async crash(name: string): Promise<void> {
    const w = this.worker(name);
    if (!w.alive) return;
    w.alive = false;
    w.stop.abort();
    await Promise.all([w.writer.close(), w.loop]);
    this.logger?.info({ worker: name, ttl_s: this.ttlS }, 'worker crashed: it stopped beating');
  }

  /**
   * The worker process starts again: counters from 0, jobs left in-flight by the previous
   * process go back on the queue (what a reliable-queue consumer does on boot).
   */
  async restart(name: string): Promise<void> {
    const w = this.worker(name);
    if (w.alive) return;
    let requeued = 0;
    if (w.queue) {
      for (const list of w.processingLists) requeued += await w.queue.requeueInFlight(list);
    }
    this.launch(w.spec, w.incarnation + 1, w.processingLists);
    this.logger?.info({ worker: name, requeued }, 'worker restarted');
  }

  /** Retries `name`'s dead letters; returns how many went back on the queue. */
  async requeueDeadLetters(name: string): Promise<number> {
    return (await this.worker(name).queue?.requeueDeadLetters()) ?? 0;
  }

  /** Resolves once `name`'s heartbeat key has expired (true), or when `signal` aborts (false). */
  async waitUntilExpired(name: string, signal?: AbortSignal): Promise<boolean> {
    const key = redisKeys.heartbeat(name);
    while (!signal?.aborted) {
      if ((await this.redis.exists(key)) === 0) return true;
      await sleep(Math.min(this.pollMs, 250), signal);
    }
    return false;
  }

  /**
   * Stops every worker and the producer. With `cleanup`, removes what the simulator wrote: its
   * heartbeats, its own jobs (from pending, in-flight and dead-letter lists; other jobs are left
   * alone) and `queue:paused` if it set it. Without, keys expire by their TTL as after a crash.
   * Safe to call twice. The Redis client stays open: the caller owns it.
   */
  async close(options: { cleanup: boolean }): Promise<CleanupReport | null> {
    this.closing ??= this.shutdown(options.cleanup);
    return this.closing;
  }

  private async shutdown(cleanup: boolean): Promise<CleanupReport | null> {
    this.setTrickle(null);
    clearInterval(this.pauseRefresh);
    for (const w of this.workers.values()) {
      w.alive = false;
      w.stop.abort();
    }
    await Promise.all([...this.workers.values()].flatMap((w) => [w.writer.close(), w.loop]));
    // A tick that read LLEN before the timers stopped still pushes; its job must exist before
    // the cleanup below looks for it (and a late pause refresh must not outlive its DEL).
    await Promise.allSettled(this.ticks);
    if (!cleanup) return null;

    const pipeline = this.redis.pipeline();
    // What each pipelined command removes, in order, to count the replies.
    const removes: ('heartbeat' | 'job')[] = [];
    for (const w of this.workers.values()) {
      pipeline.del(w.writer.key);
      removes.push('heartbeat');
      const jobs = this.outstanding.get(w.spec.name) ?? new Set();
      const lists = w.queue ? [w.queue.queue, w.queue.deadLetter, ...w.processingLists] : [];
      for (const list of lists) {
        for (const job of jobs) {
          pipeline.lrem(list, 0, job);
          removes.push('job');
        }
      }
    }
    if (this.wrotePause) pipeline.del(redisKeys.queuePaused);
    const results = (await pipeline.exec()) ?? [];
    const report: CleanupReport = { heartbeats: 0, jobs: 0, queuePaused: this.wrotePause };
    removes.forEach((what, index) => {
      const [error, removed] = results[index] ?? [null, 0];
      if (error) return;
      if (what === 'heartbeat') report.heartbeats += Number(removed);
      else report.jobs += Number(removed);
    });
    return report;
  }

  /** Runs a timer's Redis work unless closing, and keeps it until it settles for `shutdown`. */
  private tick(what: string, work: () => Promise<unknown>): void {
    if (this.closing) return;
    const done = work().then(
      () => undefined,
      (error: unknown) => this.warn(what, error),
    );
    this.ticks.add(done);
    void done.then(() => this.ticks.delete(done));
  }

  private launch(spec: WorkerSpec, incarnation: number, processingLists: Set<string>): void {
    const queue = spec.queue
      ? new ReliableQueue({
          redis: this.redis,
          queue: spec.queue,
          consumerId: `${this.consumerPrefix}-${incarnation}`,
        })
      : null;
    if (queue) processingLists.add(queue.processing);
    const kind = WORKER_KIND_TABLE[spec.kind];
    const pauseState = this.paused ? kind.tradingPause?.on : undefined;
    const initial = pauseState ?? kind.initial;
    const writer = new HeartbeatWriter<WorkerKind>({
      redis: this.redis,
      name: spec.name,
      kind: spec.kind,
      state: initial,
      ...(kind.mode ? { mode: initial } : {}),
      intervalMs: this.beatIntervalMs,
      ttlS: this.ttlS,
      now: this.now,
      onError: (error) => this.warn('heartbeat', error),
    });
    const stop = new AbortController();
    const worker: SimulatedWorker = {
      spec,
      writer,
      queue,
      processingLists,
      incarnation,
      alive: true,
      failureRate: this.workers.get(spec.name)?.failureRate ?? 0,
      stop,
      loop: Promise.resolve(),
    };
    this.workers.set(spec.name, worker);
    writer.start();
    if (queue) worker.loop = this.consume(worker, queue, stop.signal);
  }

  /** A render worker's main loop: take a job, work on it, complete or dead-letter it. */
  private async consume(
    w: SimulatedWorker,
    queue: ReliableQueue,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.paused) {
          w.writer.setState('paused');
          await sleep(this.pollMs, signal);
          continue;
        }
        const job = await queue.take();
        if (job === null) {
          w.writer.setState('idle');
          await sleep(this.pollMs, signal);
          continue;
        }
        w.writer.setState('busy');
        // A crash during the job leaves it in the in-flight list, exactly as a real one would.
        if (!(await sleep(this.jobMs, signal))) return;
        const ok = this.random() >= w.failureRate;
        if (ok) {
          await queue.complete(job);
          this.outstanding.get(w.spec.name)?.delete(job);
        } else {
          await queue.fail(job);
        }
        w.writer.recordJob(ok);
      } catch (error) {
        this.warn('consume', error);
        await sleep(this.pollMs, signal);
      }
    }
  }

  private newJob(worker: string): string {
    this.jobCounter += 1;
    const job = JSON.stringify({
      id: `${this.consumerPrefix}-job-${this.jobCounter}`,
      worker,
      enqueued_at: new Date(this.now()).toISOString(),
      simulated: true,
    });
    this.outstanding.get(worker)?.add(job);
    return job;
  }

  /** A state change the scenarios steer; a kind that reports a mode gives the state as its mode. */
  private setSimulatedState(w: SimulatedWorker, state: WorkerState): void {
    w.writer.setState(state, WORKER_KIND_TABLE[w.spec.kind].mode ? state : undefined);
  }

  private worker(name: string): SimulatedWorker {
    const w = this.workers.get(name);
    if (!w) throw new SimulatorError(`no simulated worker "${name}" (is the simulator started?)`);
    return w;
  }

  private warn(what: string, error: unknown): void {
    this.logger?.warn({ err: error, what }, 'simulator Redis call failed; retrying');
  }
}
