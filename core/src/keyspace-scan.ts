import type { Redis } from 'ioredis';

/**
 * One glob that matches both `processing:*` and `worker:*` (they share no prefix, so it spells
 * the first six letters as character classes). It only trims what SCAN returns; keys are then
 * filtered exactly on this side.
 */
export const SCAN_MATCH = '[pw][ro][or][ck]e[sr]*';

const PROCESSING_PREFIX = Buffer.from('processing:');
const HEARTBEAT_PREFIX = Buffer.from('worker:');
const HEARTBEAT_SUFFIX = Buffer.from(':heartbeat');

export interface ScanBounds {
  /** The pass stops after the SCAN call that crosses this many milliseconds. */
  deadlineMs: number;
  /** The pass stops once it has kept this many matching keys. */
  keyCap: number;
  /** SCAN's COUNT hint: keys the server examines per call. */
  count: number;
}

export interface ScanPass {
  /**
   * Every `processing:*` key found, as the bytes Redis holds: a consumer id need not be valid
   * UTF-8, and decoding it would name another key (and merge distinct ones).
   */
  processingKeys: Buffer[];
  /** The `<name>` bytes of every `worker:<name>:heartbeat` key found (not necessarily UTF-8). */
  heartbeatNames: Buffer[];
  complete: boolean;
  stoppedBy: 'deadline' | 'key_cap' | null;
  /** Matching keys kept (what the key cap bounds). */
  keysScanned: number;
  durationMs: number;
  /** SCAN calls made: each is one Redis round trip. */
  roundTrips: number;
}

/**
 * One SCAN pass over the whole keyspace (never KEYS, which blocks Redis), bounded by a deadline
 * and a key cap; an incomplete pass says why it stopped. Redis errors propagate.
 */
export async function scanKeyspace(
  redis: Redis,
  bounds: ScanBounds,
  clock: () => number = () => performance.now(),
): Promise<ScanPass> {
  const started = clock();
  // Keyed by the bytes as latin1, which maps every byte sequence to a distinct string.
  const processing = new Map<string, Buffer>();
  const heartbeats = new Map<string, Buffer>();
  let cursor = '0';
  let roundTrips = 0;
  let stoppedBy: ScanPass['stoppedBy'] = null;
  do {
    const [next, keys] = await redis.scanBuffer(cursor, 'MATCH', SCAN_MATCH, 'COUNT', bounds.count);
    roundTrips += 1;
    cursor = next.toString();
    for (const key of keys) {
      if (startsWith(key, PROCESSING_PREFIX)) processing.set(key.toString('latin1'), key);
      else {
        const name = heartbeatName(key);
        if (name !== null) heartbeats.set(name.toString('latin1'), name);
      }
    }
    if (cursor === '0') break;
    if (processing.size + heartbeats.size >= bounds.keyCap) stoppedBy = 'key_cap';
    else if (clock() - started >= bounds.deadlineMs) stoppedBy = 'deadline';
  } while (stoppedBy === null);
  return {
    processingKeys: [...processing.values()],
    heartbeatNames: [...heartbeats.values()],
    complete: stoppedBy === null,
    stoppedBy,
    keysScanned: processing.size + heartbeats.size,
    durationMs: clock() - started,
    roundTrips,
  };
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}

/** The `<name>` of a `worker:<name>:heartbeat` key, or null when the key is not one. */
function heartbeatName(key: Buffer): Buffer | null {
  const end = key.length - HEARTBEAT_SUFFIX.length;
  if (end <= HEARTBEAT_PREFIX.length || !startsWith(key, HEARTBEAT_PREFIX)) return null;
  if (!key.subarray(end).equals(HEARTBEAT_SUFFIX)) return null;
  return key.subarray(HEARTBEAT_PREFIX.length, end);
}
