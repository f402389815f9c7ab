import type { Redis } from 'ioredis';
import { workerOfHeartbeatKey } from './contracts/redis-keys.js';

/**
 * One glob that matches both `processing:*` and `worker:*` (they share no prefix, so it spells
 * the first six letters as character classes). It only trims what SCAN returns; keys are then
 * filtered exactly on this side.
 */
export const SCAN_MATCH = '[pw][ro][or][ck]e[sr]*';

const PROCESSING_PREFIX = 'processing:';

export interface ScanBounds {
  /** The pass stops after the SCAN call that crosses this many milliseconds. */
  deadlineMs: number;
  /** The pass stops once it has kept this many matching keys. */
  keyCap: number;
  /** SCAN's COUNT hint: keys the server examines per call. */
  count: number;
}

export interface ScanPass {
  /** Every `processing:*` key found. */
  processingKeys: string[];
  /** Workers whose `worker:<name>:heartbeat` key was found. */
  heartbeatWorkers: string[];
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
  const processing = new Set<string>();
  const heartbeats = new Set<string>();
  let cursor = '0';
  let roundTrips = 0;
  let stoppedBy: ScanPass['stoppedBy'] = null;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', SCAN_MATCH, 'COUNT', bounds.count);
    roundTrips += 1;
    cursor = next;
    for (const key of keys) {
      if (key.startsWith(PROCESSING_PREFIX)) processing.add(key);
      else {
        const worker = workerOfHeartbeatKey(key);
        if (worker !== null) heartbeats.add(worker);
      }
    }
    if (cursor === '0') break;
    if (processing.size + heartbeats.size >= bounds.keyCap) stoppedBy = 'key_cap';
    else if (clock() - started >= bounds.deadlineMs) stoppedBy = 'deadline';
  } while (stoppedBy === null);
  return {
    processingKeys: [...processing],
    heartbeatWorkers: [...heartbeats],
    complete: stoppedBy === null,
    stoppedBy,
    keysScanned: processing.size + heartbeats.size,
    durationMs: clock() - started,
    roundTrips,
  };
}
