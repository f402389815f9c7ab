export interface SingleflightCacheOptions {
  /** A result this young (since it arrived) is served again instead of loading anew. */
  maxAgeMs: number;
  /** @defaultValue `performance.now` */
  now?: () => number;
}

export interface SingleflightCache<T> {
  /** The cached value, the load in flight, or a new load: never two loads at once. */
  get(): Promise<T>;
}

/**
 * Shares one load among every caller: concurrent callers join the load in flight, and later
 * callers reuse its result until it is `maxAgeMs` old. A failed load is not cached.
 */
export function createSingleflightCache<T>(
  load: () => Promise<T>,
  options: SingleflightCacheOptions,
): SingleflightCache<T> {
  const now = options.now ?? (() => performance.now());
  let inFlight: Promise<T> | undefined;
  let cached: { value: T; at: number } | undefined;
  return {
    get() {
      if (inFlight) return inFlight;
      if (cached && now() - cached.at < options.maxAgeMs) return Promise.resolve(cached.value);
      const loading = load().then((value) => {
        cached = { value, at: now() };
        return value;
      });
      inFlight = loading.finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
