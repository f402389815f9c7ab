import { redisKeys } from '@fleet/core/contracts';
import type { Redis } from 'ioredis';

export interface ReliableQueueOptions {
  redis: Redis;
  /** Pending-job list, e.g. `queue:image-render`. */
  queue: string;
  /** Names this consumer's in-flight list `processing:<queue>:<consumerId>`. */
  consumerId: string;
}

/**
 * The reliable-queue layout of docs/spec.md §2: producers LPUSH to `queue:<name>`; a consumer moves a
 * job into its own `processing:` list while working, removes it when done, and LPUSHes it to
 * `dead_letter:<queue>` when it fails. A job is in exactly one list at any time.
 */
export class ReliableQueue {
  readonly queue: string;
  readonly processing: string;
  readonly deadLetter: string;
  private readonly redis: Redis;

  constructor(options: ReliableQueueOptions) {
    this.redis = options.redis;
    this.queue = options.queue;
    this.processing = `${redisKeys.processingPrefix(options.queue)}${options.consumerId}`;
    this.deadLetter = redisKeys.deadLetter(options.queue);
  }

  /** Adds jobs to the pending list; returns its new length. */
  async push(job: string, ...more: string[]): Promise<number> {
    return this.redis.lpush(this.queue, job, ...more);
  }

  /** Takes the oldest pending job into this consumer's in-flight list, or null when none. */
  async take(): Promise<string | null> {
    return this.redis.lmove(this.queue, this.processing, 'RIGHT', 'LEFT');
  }

  /** The job finished: it leaves the in-flight list. */
  async complete(job: string): Promise<void> {
    await this.redis.lrem(this.processing, 1, job);
  }

  /** The job failed: it moves from the in-flight list to the dead-letter list, atomically. */
  async fail(job: string): Promise<void> {
    await this.redis.multi().lrem(this.processing, 1, job).lpush(this.deadLetter, job).exec();
  }

  /** Puts every job of another in-flight list back on the queue: what a consumer does on boot. */
  async requeueInFlight(processing: string = this.processing): Promise<number> {
    return this.drainInto(processing, this.queue);
  }

  /** Retries every dead letter: the operator's "requeue failed jobs". */
  async requeueDeadLetters(): Promise<number> {
    return this.drainInto(this.deadLetter, this.queue);
  }

  private async drainInto(source: string, destination: string): Promise<number> {
    let moved = 0;
    while ((await this.redis.lmove(source, destination, 'RIGHT', 'LEFT')) !== null) moved += 1;
    return moved;
  }
}

/**
 * `queue:paused` = "1" with a TTL, as the task-watcher sets it during market hours (docs/spec.md §2).
 * The TTL makes the pause lift by itself if the watcher dies while trading.
 */
export async function setQueuePaused(redis: Redis, ttlS: number): Promise<void> {
  await redis.set(redisKeys.queuePaused, '1', 'EX', ttlS);
}

export async function clearQueuePaused(redis: Redis): Promise<void> {
  await redis.del(redisKeys.queuePaused);
}
