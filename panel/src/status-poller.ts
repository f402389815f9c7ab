import type { StatusDocument } from '@fleet/core/contracts/data';
import type { StatusStore } from './status-store.js';

/** Raised for a poll that got an answer the panel cannot use. */
export class StatusFetchError extends Error {
  override name = 'StatusFetchError';
}

/** The parts of `document` that decide whether polling runs. */
export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface StatusPollerOptions {
  /** URL of the status document (`GET /api/agent-office/nodes`). */
  endpoint: string;
  store: StatusStore;
  /** Delay between polls while they succeed. @defaultValue 3000 */
  intervalMs?: number;
  /** Longest delay between polls while they fail. @defaultValue 30000 */
  maxBackoffMs?: number;
  /** A poll taking longer than this is aborted and counts as failed. @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Browser clock. @defaultValue Date.now */
  now?: () => number;
  /** Polling stops while this is hidden. @defaultValue globalThis.document */
  visibility?: VisibilitySource;
}

/** Delay before the next poll after `failures` failures in a row: doubling, capped. */
export function backoffDelay(intervalMs: number, failures: number, maxMs: number): number {
  return Math.min(intervalMs * 2 ** Math.max(0, failures), Math.max(intervalMs, maxMs));
}

/** A cheap structural check (no schema library in the bundle) of the LOCKED fields the panel reads. */
export function isStatusDocument(value: unknown): value is StatusDocument {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Record<string, unknown>;
  return (
    typeof doc.redis_ok === 'boolean' &&
    typeof doc.paused === 'boolean' &&
    typeof doc.generated_at === 'string' &&
    Array.isArray(doc.links) &&
    Array.isArray(doc.workers) &&
    doc.workers.every(
      (w: unknown) =>
        typeof w === 'object' &&
        w !== null &&
        typeof (w as Record<string, unknown>).name === 'string' &&
        typeof (w as Record<string, unknown>).alive === 'boolean',
    )
  );
}

/**
 * Polls the status document into a store: every `intervalMs` while polls succeed, backing off
 * while they fail (the store keeps the last good document, marked stale), and not at all while
 * the page is hidden.
 */
export class StatusPoller {
  private readonly intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly visibility: VisibilitySource | undefined;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private running = false;

  constructor(private readonly options: StatusPollerOptions) {
    this.intervalMs = options.intervalMs ?? 3000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.visibility =
      options.visibility ?? (typeof document === 'undefined' ? undefined : document);
  }

  /** Polls now (unless hidden) and keeps polling until `close()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.visibility?.addEventListener('visibilitychange', this.onVisibilityChange);
    if (!this.visibility?.hidden) void this.poll();
  }

  /** Stops polling and aborts a poll in flight. Safe to call twice. */
  close(): void {
    this.running = false;
    this.visibility?.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.halt();
  }

  private halt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private readonly onVisibilityChange = (): void => {
    if (!this.running) return;
    if (this.visibility?.hidden) this.halt();
    else if (!this.inFlight) {
      clearTimeout(this.timer);
      void this.poll();
    }
  };

  private async poll(): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(this.options.endpoint, {
        signal: controller.signal,
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new StatusFetchError(`HTTP ${response.status}`);
      const body: unknown = await response.json();
      if (!isStatusDocument(body)) throw new StatusFetchError('not a status document');
      if (controller.signal.aborted) return;
      this.failures = 0;
      this.options.store.acceptDocument(body, this.now());
    } catch (error) {
      // Aborted by close() or a hidden tab: not a failure of the exporter.
      if (this.inFlight !== controller) return;
      this.failures += 1;
      const message = controller.signal.aborted
        ? `no answer within ${this.timeoutMs / 1000}s`
        : error instanceof Error
          ? error.message
          : String(error);
      this.options.store.acceptError(message);
    } finally {
      clearTimeout(timeout);
      if (this.inFlight === controller) {
        this.inFlight = undefined;
        this.schedule();
      }
    }
  }

  private schedule(): void {
    if (!this.running || this.visibility?.hidden) return;
    const delay =
      this.failures === 0
        ? this.intervalMs
        : backoffDelay(this.intervalMs, this.failures, this.maxBackoffMs);
    this.timer = setTimeout(() => void this.poll(), delay);
  }
}
