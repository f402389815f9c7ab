export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Settles like `promise`, or rejects with a TimeoutError after `ms` if it has not by then. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Milliseconds rounded to a tenth, as the status document reports durations. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
