/** What INFO says about eviction. */
export interface EvictionInfo {
  /** `evicted_keys`: keys evicted under maxmemory since Redis started. */
  evictedKeys: number | null;
  /** `maxmemory_policy`, e.g. `noeviction` or `allkeys-lru`. */
  policy: string | null;
  /** `maxmemory` in bytes; 0 = no limit. */
  maxmemoryBytes: number | null;
}

/** Every maxmemory policy Redis knows (the label set of `fleet_redis_maxmemory_policy`). */
export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;

/** Picks the eviction fields out of an INFO reply (`field:value` lines). */
export function parseEvictionInfo(info: string | null): EvictionInfo {
  const field = (name: string): string | null =>
    info === null ? null : (new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1] ?? null);
  const number = (name: string): number | null => {
    const text = field(name);
    return text !== null && /^\d+$/.test(text) ? Number(text) : null;
  };
  return {
    evictedKeys: number('evicted_keys'),
    policy: field('maxmemory_policy'),
    maxmemoryBytes: number('maxmemory'),
  };
}

/** Eviction as the monitor has watched it, across collections. */
export interface EvictionWatch {
  evictedKeys: number | null;
  /** Monitor time at which evicted_keys was last seen to rise. */
  lastRiseAtMs: number | null;
}

/**
 * The next watch after one INFO reading. A rise is only ever seen between two readings: the
 * first reading, or one after Redis restarted (the counter went down), only sets the baseline.
 */
export function watchEvictions(
  previous: EvictionWatch,
  evictedKeys: number | null,
  nowMs: number,
): EvictionWatch {
  if (evictedKeys === null) return previous;
  const rose = previous.evictedKeys !== null && evictedKeys > previous.evictedKeys;
  return { evictedKeys, lastRiseAtMs: rose ? nowMs : previous.lastRiseAtMs };
}

/** True while the last rise is at most `holdMs` old. */
export function isEvicting(watch: EvictionWatch, nowMs: number, holdMs: number): boolean {
  return watch.lastRiseAtMs !== null && nowMs - watch.lastRiseAtMs <= holdMs;
}
