import type { Logger } from '@fleet/core';
import type { AlertingMetrics } from './alerting-metrics.js';
import type { CheckOutcome } from './evaluate-check.js';
import { describeError, type Scrubber } from './scrub.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** Shortest pause between checks while a Redis failure awaits confirmation. */
const MIN_RECHECK_MS = 100;

/** What the loop sleeps with; a WakeableSleep unless a test injects another. */
export type CheckSleeper = Pick<WakeableSleep, 'sleep' | 'wake' | 'stop' | 'isStopped'>;

export interface CheckLoopOptions {
  /** Runs one check (AlertChecker.check). */
  check: () => Promise<CheckOutcome | null>;
  /** True while this replica holds the lease; the others only sleep. */
  isActing: () => boolean;
  /** Time between checks. */
  intervalMs: number;
  /** How long Redis must stay unreadable before it is announced (ALERT_REDIS_CONFIRM_S). */
  redisConfirmMs: number;
  now: () => number;
  logger: Logger;
  metrics: AlertingMetrics;
  scrub: Scrubber;
  /** @defaultValue a new WakeableSleep */
  sleeper?: CheckSleeper;
}

/**
 * Runs a check every interval while this replica acts. While a Redis failure awaits confirmation
 * it checks again as soon as the confirmation is due, so the outage is announced on time rather
 * than up to an interval late. A failed check is counted and logged; the loop carries on.
 */
export class CheckLoop {
  private readonly sleeper: CheckSleeper;
  private running: Promise<void> | undefined;

  constructor(private readonly options: CheckLoopOptions) {
    this.sleeper = options.sleeper ?? new WakeableSleep();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Checks now rather than at the end of the current pause (e.g. this replica took the lease). */
  wake(): void {
    this.sleeper.wake();
  }

  /** Stops after the check in flight, if any; safe to call twice. */
  async close(): Promise<void> {
    this.sleeper.stop();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.sleeper.isStopped) {
      const delayMs = this.options.isActing() ? await this.checkOnce() : this.options.intervalMs;
      await this.sleeper.sleep(delayMs);
    }
  }

  /** Runs one check and returns how long to wait before the next. */
  private async checkOnce(): Promise<number> {
    const { intervalMs, redisConfirmMs, now, logger, metrics, scrub } = this.options;
    try {
      const outcome = await this.options.check();
      const failingSince = outcome?.next.redis.failingSince;
      if (outcome?.redisUnconfirmed && failingSince != null) {
        const confirmAt = failingSince + redisConfirmMs;
        return Math.min(intervalMs, Math.max(MIN_RECHECK_MS, confirmAt - now()));
      }
    } catch (error) {
      metrics.checks.inc({ result: 'error' });
      logger.error({ error: describeError(error, scrub) }, 'check failed');
    }
    return intervalMs;
  }
}
