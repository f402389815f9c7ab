import {
  type Fleet,
  type FleetFileInput,
  HEARTBEAT_INTERVAL_S,
  HEARTBEAT_TTL_S,
  parseFleet,
  redisKeys,
} from '@fleet/core/contracts';
import type { Redis } from 'ioredis';
import { HeartbeatWriter } from './heartbeat-writer.js';

/** Name of the `index`th (from 1) of `count` scale workers: `render-0001` … */
export function scaleWorkerName(index: number, count: number): string {
  return `render-${String(index).padStart(Math.max(4, String(count).length), '0')}`;
}

/** The fleet file of `count` render workers, for an exporter watching a scale run. */
export function scaleFleetFile(count: number): FleetFileInput {
  return {
    workers: Array.from({ length: count }, (_, i) => ({
      name: scaleWorkerName(i + 1, count),
      kind: 'render' as const,
    })),
  };
}

export function scaleFleet(count: number): Fleet {
  return parseFleet(scaleFleetFile(count), `scale fleet of ${count}`);
}

/** The fixed figures of scale worker `index`: varied, so a collector has real work to do. */
export function scaleWorkerLoad(index: number): {
  state: 'idle' | 'busy';
  queueDepth: number;
  deadLetters: number;
  inFlight: number;
} {
  return {
    state: index % 3 === 0 ? 'busy' : 'idle',
    queueDepth: index % 20,
    deadLetters: index % 10 === 0 ? 3 : 0,
    inFlight: index % 5 === 0 ? 1 : 0,
  };
}

export interface ScaleSimulatorOptions {
  redis: Redis;
  /** How many render workers beat. */
  count: number;
  /** @defaultValue 15 000 ms */
  beatIntervalMs?: number;
  /** @defaultValue 45 s */
  ttlS?: number;
  /** Consumer id of the seeded in-flight lists. @defaultValue `sim-<pid>` */
  consumerId?: string;
  /** @defaultValue Date.now */
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * `--workers N`: N render workers beating on the contract's schedule, with queue figures seeded
 * once (pending, in-flight, dead letters) and held still, so benchmarks measure the monitor and
 * not simulated traffic.
 */
export class ScaleSimulator {
  readonly fleet: Fleet;
  private readonly writers: HeartbeatWriter<'render'>[];
  private readonly redis: Redis;
  private readonly consumerId: string;
  private closing: Promise<number> | undefined;

  constructor(options: ScaleSimulatorOptions) {
    this.redis = options.redis;
    this.fleet = scaleFleet(options.count);
    this.consumerId = options.consumerId ?? `sim-${process.pid}`;
    this.writers = this.fleet.workers.map(
      (spec, i) =>
        new HeartbeatWriter({
          redis: options.redis,
          name: spec.name,
          kind: 'render',
          state: scaleWorkerLoad(i + 1).state,
          intervalMs: options.beatIntervalMs ?? HEARTBEAT_INTERVAL_S * 1000,
          ttlS: options.ttlS ?? HEARTBEAT_TTL_S,
          ...(options.now ? { now: options.now } : {}),
          ...(options.onError ? { onError: options.onError } : {}),
        }),
    );
  }

  /** Seeds every worker's lists in one pipeline, then writes the first beats. */
  async start(): Promise<void> {
    const pipeline = this.redis.pipeline();
    this.fleet.workers.forEach((spec, i) => {
      const queue = spec.queue as string;
      const load = scaleWorkerLoad(i + 1);
      const job = (n: number) => JSON.stringify({ id: `${spec.name}-${n}`, simulated: true });
      pipeline.del(queue, redisKeys.deadLetter(queue), this.processing(queue));
      const jobs = (count: number, from: number) =>
        Array.from({ length: count }, (_, n) => job(from + n));
      if (load.queueDepth) pipeline.lpush(queue, ...jobs(load.queueDepth, 0));
      if (load.deadLetters)
        pipeline.lpush(redisKeys.deadLetter(queue), ...jobs(load.deadLetters, 100));
      if (load.inFlight) pipeline.lpush(this.processing(queue), ...jobs(load.inFlight, 200));
    });
    await pipeline.exec();
    await Promise.all(this.writers.map((writer) => writer.beatNow()));
    for (const writer of this.writers) writer.start();
  }

  /**
   * Stops beating; with `cleanup`, deletes every key of the scale workers (they are the
   * simulator's own). Returns how many keys were deleted. Safe to call twice.
   */
  async close(options: { cleanup: boolean }): Promise<number> {
    this.closing ??= this.shutdown(options.cleanup);
    return this.closing;
  }

  private async shutdown(cleanup: boolean): Promise<number> {
    await Promise.all(this.writers.map((writer) => writer.close()));
    if (!cleanup) return 0;
    const keys = this.fleet.workers.flatMap((spec) => {
      const queue = spec.queue as string;
      return [
        redisKeys.heartbeat(spec.name),
        queue,
        redisKeys.deadLetter(queue),
        this.processing(queue),
      ];
    });
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < keys.length; i += 1000) pipeline.del(...keys.slice(i, i + 1000));
    const results = (await pipeline.exec()) ?? [];
    return results.reduce((sum, [error, deleted]) => sum + (error ? 0 : Number(deleted)), 0);
  }

  private processing(queue: string): string {
    return `${redisKeys.processingPrefix(queue)}${this.consumerId}`;
  }
}
