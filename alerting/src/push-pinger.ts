import type { Logger } from '@fleet/core';
import type { Counter } from 'prom-client';
import { createScrubber, describeError, type Scrubber } from './scrub.js';

/** What one push did (the `result` label of `fleet_alerting_push_total`). */
export const PUSH_RESULTS = ['ok', 'error', 'skipped'] as const;

export class PushFailedError extends Error {
  override name = 'PushFailedError';
}

export interface PushPingerOptions {
  /** The push URL (ALERT_PUSH_URL); its path and query are a secret. */
  url: string;
  /** Longest wait for the push target's answer. @defaultValue 10 000 ms */
  timeoutMs?: number;
  logger: Logger;
  /** `fleet_alerting_push_total`, by result. */
  pushes: Counter<'result'>;
}

/**
 * The dead man's switch: after each successful check, a GET of a Healthchecks / Uptime Kuma push
 * URL, so something outside the NAS notices when the monitor, the NAS or its network dies. The
 * call runs beside the check loop, never in it: a slow or dead target cannot delay a check. A push
 * due while the previous one is still waiting is skipped rather than queued.
 */
export class PushPinger {
  private readonly url: string;
  private readonly timeoutMs: number;
  /** Scheme, host and port: what a log line may say of the URL. */
  private readonly where: string;
  private readonly scrub: Scrubber;
  private inFlight: Promise<void> | undefined;
  private readonly closing = new AbortController();

  constructor(private readonly options: PushPingerOptions) {
    this.url = options.url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const parsed = new URL(options.url);
    this.where = parsed.origin;
    // Healthchecks and Uptime Kuma put the check's secret in the path (or the query).
    const secretPart = `${parsed.pathname}${parsed.search}`;
    this.scrub = createScrubber([options.url, secretPart.length > 1 ? secretPart : null]);
  }

  /** Pushes in the background; returns at once. */
  ping(): void {
    if (this.closing.signal.aborted) return;
    if (this.inFlight) {
      this.options.pushes.inc({ result: 'skipped' });
      return;
    }
    this.inFlight = this.push().finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Cuts a push in flight short; later pings do nothing. Safe to call twice. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.inFlight;
  }

  private async push(): Promise<void> {
    const { pushes, logger } = this.options;
    try {
      const response = await fetch(this.url, {
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
      });
      await response.body?.cancel();
      if (!response.ok) throw new PushFailedError(`HTTP ${response.status}`);
      pushes.inc({ result: 'ok' });
    } catch (error) {
      if (this.closing.signal.aborted) return; // stopped, not failed
      pushes.inc({ result: 'error' });
      logger.warn(
        { push: this.where, error: describeError(error, this.scrub) },
        "dead man's switch push failed (ALERT_PUSH_URL)",
      );
    }
  }
}
