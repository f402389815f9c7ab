/** The q-quantile (0..1) of samples, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The gaps between consecutive timestamps (a frame's time is the gap to the one before it). */
export function intervals(timestamps: readonly number[]): number[] {
  return timestamps.slice(1).map((time, i) => time - (timestamps[i] as number));
}

export interface Spread {
  median: number;
  p95: number;
  max: number;
}

/** Median, 95th percentile and maximum of samples; NaN for each when there are none. */
export function spread(samples: readonly number[]): Spread {
  return {
    median: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}
