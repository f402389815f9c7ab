import { createHash } from 'node:crypto';
import type { WorkerSpec } from './contracts/fleet.js';
import { MAX_HEARTBEAT_BYTES } from './contracts/heartbeat.js';
import { redisKeys } from './contracts/redis-keys.js';

/** A worker to read in this collection. */
export interface WorkerTarget {
  spec: WorkerSpec;
  inFleet: boolean;
  /** The `processing:<queue>:*` lists the last SCAN pass found for its queue (raw key bytes). */
  processingKeys: readonly Buffer[];
  /**
   * Read the oldest dead letter (LINDEX -1: they are pushed on the left) to fingerprint it: when
   * the list was last seen non-empty, or never seen. An empty list costs nothing more.
   */
  readDeadLetterHead: boolean;
}

export type RedisCommand = [name: string, ...args: (string | number | Buffer)[]];

interface WorkerSlots {
  target: WorkerTarget;
  heartbeat: number;
  queue: { depth: number; deadLetter: number; deadLetterHead: number | null } | null;
  processing: { key: Buffer; length: number; tail: number }[];
}

/** Every read of one collection, as one pipeline, with where each worker's replies land. */
export interface PipelinePlan {
  commands: RedisCommand[];
  workers: WorkerSlots[];
  /** The slot of the HGETALL of the alerting service's maintenance windows, when read. */
  maintenance: number | null;
  /** The slot of the HGETALL of the alerting service's silences, when read. */
  silences: number | null;
}

/** The alerting service's hashes a collection reads (`alertingKeys`); null reads none. */
export interface AlertingHashKeys {
  maintenance: string | null;
  silences: string | null;
}

const KEYSPACE_SIZE_SLOT = 0;
const PAUSED_SLOT = 1;
const TIME_SLOT = 2;
const INFO_SLOT = 3;
/** `queue:paused` counts only when it is exactly "1"; a few bytes are enough to tell. */
const PAUSED_BYTES = 8;

/**
 * `INFO memory stats` (Redis 7 takes several sections) has evicted_keys and the maxmemory
 * settings in ~3 KB; older servers refuse two sections, and get the default `INFO` instead.
 */
export const INFO_SECTIONS = ['memory', 'stats'] as const;

/**
 * The one pipelined round trip of a collection. A heartbeat is read with one GETRANGE of at most
 * MAX_HEARTBEAT_BYTES + 1 bytes, as a Buffer: a huge value is never transferred whole, and the
 * extra byte tells that it goes on past the limit. Redis's own clock (TIME) and one INFO ride
 * along. Each in-flight list costs an LLEN and an LINDEX -1 (its oldest item, under the usual
 * RPOPLPUSH/LMOVE layout), whose fingerprint tells whether the list moved since the last look.
 */
export function planPipeline(
  targets: readonly WorkerTarget[],
  infoSections: readonly string[] = INFO_SECTIONS,
  alertingHashes: AlertingHashKeys = { maintenance: null, silences: null },
): PipelinePlan {
  const commands: RedisCommand[] = [
    ['dbsize'],
    ['getrange', redisKeys.queuePaused, 0, PAUSED_BYTES - 1],
    ['time'],
    ['info', ...infoSections],
  ];
  const add = (command: RedisCommand) => commands.push(command) - 1;
  const hgetall = (key: string | null) => (key === null ? null : add(['hgetall', key]));
  const maintenance = hgetall(alertingHashes.maintenance);
  const silences = hgetall(alertingHashes.silences);
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
            deadLetterHead: target.readDeadLetterHead
              ? add(['lindexBuffer', redisKeys.deadLetter(queue), -1])
              : null,
          }
        : null,
      processing: target.processingKeys.map((key) => ({
        key,
        length: add(['llen', key]),
        tail: add(['lindexBuffer', key, -1]),
      })),
    };
  });
  return { commands, workers, maintenance, silences };
}

/** One pipeline reply as ioredis returns it: `[error, value]`. */
export type PipelineReply = [error: Error | null, value: unknown];

export type HeartbeatReading =
  | { status: 'missing' }
  | { status: 'unreadable'; error: string }
  | { status: 'too_large' }
  | { status: 'present'; raw: string };

/** One in-flight list as read now. */
export interface ProcessingListReading {
  /** The key's bytes as latin1: a distinct string per key, whatever its encoding. */
  id: string;
  length: number;
  /** Length and a digest of the oldest item: equal fingerprints = the list has not moved. */
  fingerprint: string | null;
}

export interface WorkerReading {
  target: WorkerTarget;
  heartbeat: HeartbeatReading;
  queueDepth: number;
  deadLetter: number;
  processing: number;
  processingLists: ProcessingListReading[];
  /**
   * A digest of the oldest dead letter (length and SHA-1 of its bytes), null when the list is
   * empty or was not read this time; the item itself is not kept.
   */
  deadLetterHead: string | null;
  /** One entry per queue key that could not be read (e.g. WRONGTYPE). */
  queueErrors: string[];
}

/** One hash as HGETALL read it (field → value), or why it could not be read. */
export interface HashReading {
  hash: Record<string, string>;
  error: string | null;
}

export interface PipelineReading {
  keyspaceSize: number | null;
  /** Redis's clock (TIME) in ms, or null if it could not be read. */
  redisTimeMs: number | null;
  /** The INFO text, or null with `infoError` when INFO was refused. */
  info: string | null;
  infoError: string | null;
  paused: boolean;
  pausedError: string | null;
  /** The maintenance windows hash (field → JSON), or why it could not be read; null if not read. */
  maintenance: HashReading | null;
  /** The silences hash (target → until, epoch ms), or why it could not be read; null if not read. */
  silences: HashReading | null;
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
  const info = reply(INFO_SLOT);
  return {
    keyspaceSize: typeof keyspace.value === 'number' ? keyspace.value : null,
    redisTimeMs: redisTime(reply(TIME_SLOT).value),
    info: typeof info.value === 'string' ? info.value : null,
    infoError: info.error,
    paused: paused.error === null && paused.value === '1',
    pausedError: paused.error === null ? null : `${redisKeys.queuePaused}: ${paused.error}`,
    maintenance: plan.maintenance === null ? null : readHash(reply(plan.maintenance)),
    silences: plan.silences === null ? null : readHash(reply(plan.silences)),
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
        ...processingLists(slots, reply, (slot, key) => count(slot, key, queueErrors)),
        deadLetterHead:
          slots.queue?.deadLetterHead == null
            ? null
            : itemDigest(reply(slots.queue.deadLetterHead).value),
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

function readHash({ error, value }: { error: string | null; value: unknown }): HashReading {
  if (error !== null) return { hash: {}, error };
  return {
    hash: value && typeof value === 'object' ? (value as Record<string, string>) : {},
    error,
  };
}

/** TIME's `[seconds, microseconds]` as milliseconds. */
function redisTime(value: unknown): number | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const ms = Number(value[0]) * 1000 + Math.floor(Number(value[1]) / 1000);
  return Number.isFinite(ms) ? ms : null;
}

/** A list item's length and SHA-1 (base64), or null when there was no item. */
function itemDigest(item: unknown): string | null {
  return Buffer.isBuffer(item)
    ? `${item.length}:${createHash('sha1').update(item).digest('base64')}`
    : null;
}

function processingLists(
  slots: WorkerSlots,
  reply: (slot: number) => { error: string | null; value: unknown },
  count: (slot: number, key: string) => number,
): { processing: number; processingLists: ProcessingListReading[] } {
  const lists = slots.processing.map(({ key, length, tail }): ProcessingListReading => {
    // A key that is not UTF-8 is named with U+FFFD in messages; it is still read by its bytes.
    const size = count(length, key.toString('utf8'));
    const digest = size > 0 ? itemDigest(reply(tail).value) : null;
    const fingerprint = digest === null ? null : `${size}:${digest}`;
    return { id: key.toString('latin1'), length: size, fingerprint };
  });
  return { processing: lists.reduce((sum, list) => sum + list.length, 0), processingLists: lists };
}
