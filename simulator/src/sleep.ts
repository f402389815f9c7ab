import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms` (forever when `Infinity`) or until `signal` aborts, whichever comes first.
 * Resolves true when the full time passed, false when aborted; never rejects.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (!Number.isFinite(ms)) {
    if (!signal) throw new RangeError('sleeping forever needs an abort signal');
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    return false;
  }
  try {
    await delay(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
