import type { WorkerSpec } from './contracts/fleet.js';
import { MAX_HEARTBEAT_BYTES } from './contracts/heartbeat.js';
import { redisKeys } from './contracts/redis-keys.js';

/** A worker to read in this collection. */
export interface WorkerTarget {
  spec: WorkerSpec;
  inFleet: boolean;
  /** The `processing:<queue>:*` lists the last SCAN pass found for its queue. */
  processingKeys: readonly string[];
}

export type RedisCommand = [name: string, ...args: (string | number)[]];

interface WorkerSlots {
  target: WorkerTarget;
  heartbeat: number;
  queue: { depth: number; deadLetter: number } | null;
  processing: { key: string; slot: number }[];
}

/** Every read of one collection, as one pipeline, with where each worker's replies land. */
export interface PipelinePlan {
  commands: RedisCommand[];
  workers: WorkerSlots[];
}

const KEYSPACE_SIZE_SLOT = 0;
const PAUSED_SLOT = 1;
/** `queue:paused` counts only when it is exactly "1"; a few bytes are enough to tell. */
const PAUSED_BYTES = 8;

/**
 * The one pipelined round trip of a collection. A heartbeat is read with one GETRANGE of at most
 * MAX_HEARTBEAT_BYTES + 1 bytes, as a Buffer: a huge value is never transferred whole, and the
 * extra byte tells that it goes on past the limit.
 */
export function planPipeline(targets: readonly WorkerTarget[]): PipelinePlan {
  const commands: RedisCommand[] = [
    ['dbsize'],
    ['getrange', redisKeys.queuePaused, 0, PAUSED_BYTES - 1],
  ];
  const add = (command: RedisCommand) => commands.push(command) - 1;
  const workers = targets.map((target): WorkerSlots => {
    const heartbeatKey = redisKeys.heartbeat(target.spec.name);
    const queue = target.spec.queue;
    return {
      target,
      heartbeat: add(['getrangeBuffer', heartbeatKey, 0, MAX_HEARTBEAT_BYTES]),
      queue: queue
        ? {
            depth: add(['llen', queue]),
            deadLetter: add(['llen', redisKeys.deadLetter(queue)]),
          }
        : null,
      processing: target.processingKeys.map((key) => ({ key, slot: add(['llen', key]) })),
    };
  });
  return { commands, workers };
}

/** One pipeline reply as ioredis returns it: `[error, value]`. */
export type PipelineReply = [error: Error | null, value: unknown];

export type HeartbeatReading =
  | { status: 'missing' }
  | { status: 'unreadable'; error: string }
  | { status: 'too_large' }
  | { status: 'present'; raw: string };

export interface WorkerReading {
  target: WorkerTarget;
  heartbeat: HeartbeatReading;
  queueDepth: number;
  deadLetter: number;
  processing: number;
  /** One entry per queue key that could not be read (e.g. WRONGTYPE). */
  queueErrors: string[];
}

export interface PipelineReading {
  keyspaceSize: number | null;
  paused: boolean;
  pausedError: string | null;
  workers: WorkerReading[];
}

/**
 * Interprets the replies of `planPipeline`'s commands. Per-key errors (WRONGTYPE, NOPERM) are
 * reported on the worker they belong to; this never throws.
 */
export function readPipeline(
  plan: PipelinePlan,
  replies: readonly PipelineReply[],
): PipelineReading {
  const reply = (slot: number): { error: string | null; value: unknown } => {
    const [error, value] = replies[slot] ?? [new Error('no reply'), null];
    return { error: error ? error.message : null, value };
  };
  const count = (slot: number, key: string, errors: string[]): number => {
    const { error, value } = reply(slot);
    if (error !== null) {
      errors.push(`${key}: ${error}`);
      return 0;
    }
    return typeof value === 'number' ? value : 0;
  };

  const keyspace = reply(KEYSPACE_SIZE_SLOT);
  const paused = reply(PAUSED_SLOT);
  return {
    keyspaceSize: typeof keyspace.value === 'number' ? keyspace.value : null,
    paused: paused.error === null && paused.value === '1',
    pausedError: paused.error === null ? null : `${redisKeys.queuePaused}: ${paused.error}`,
    workers: plan.workers.map((slots): WorkerReading => {
      const queueErrors: string[] = [];
      const queue = slots.target.spec.queue;
      return {
        target: slots.target,
        heartbeat: readHeartbeat(reply(slots.heartbeat)),
        queueDepth: slots.queue && queue ? count(slots.queue.depth, queue, queueErrors) : 0,
        deadLetter:
          slots.queue && queue
            ? count(slots.queue.deadLetter, redisKeys.deadLetter(queue), queueErrors)
            : 0,
        processing: slots.processing.reduce(
          (sum, { key, slot }) => sum + count(slot, key, queueErrors),
          0,
        ),
        queueErrors,
      };
    }),
  };
}

function readHeartbeat({
  error,
  value,
}: {
  error: string | null;
  value: unknown;
}): HeartbeatReading {
  if (error !== null) return { status: 'unreadable', error };
  const bytes = Buffer.isBuffer(value) ? value : null;
  // An empty string and a missing key both read as no bytes: neither is a heartbeat a worker wrote.
  if (bytes === null || bytes.length === 0) return { status: 'missing' };
  if (bytes.length > MAX_HEARTBEAT_BYTES) return { status: 'too_large' };
  return { status: 'present', raw: bytes.toString('utf8') };
}
