import type { Logger } from '@fleet/core';
import type { Gauge } from 'prom-client';

export interface TelegramAuthWatchOptions {
  /** `fleet_alerting_telegram_auth_failed`. */
  gauge: Gauge;
  logger: Logger;
  now: () => number;
}

/**
 * Telegram refusing the bot (401: token revoked or wrong; 403: the bot may not write to a chat)
 * is an alarm of its own, since then nothing else can be said: a gauge at 1, one error line when
 * it starts and one info line when it ends, and `/healthz` says so. The retries themselves are
 * the outbox's (backoff up to 5 min) and the command poller's.
 */
export class TelegramAuthWatch {
  private refusedSince: number | null = null;

  constructor(private readonly options: TelegramAuthWatchOptions) {
    options.gauge.set(0);
  }

  get isRefused(): boolean {
    return this.refusedSince !== null;
  }

  /** A Bot API call was refused; `error` is already scrubbed of the token. */
  refused(call: string, error: string): void {
    if (this.refusedSince !== null) return;
    this.refusedSince = this.options.now();
    this.options.gauge.set(1);
    this.options.logger.error(
      { call, error },
      'Telegram refuses the bot (401/403): no alert can be sent until TELEGRAM_BOT_TOKEN or the chat membership is fixed; messages wait in the outbox',
    );
  }

  /** A Bot API call succeeded. */
  accepted(): void {
    if (this.refusedSince === null) return;
    const refusedForS = Math.round((this.options.now() - this.refusedSince) / 1000);
    this.refusedSince = null;
    this.options.gauge.set(0);
    this.options.logger.info({ refusedForS }, 'Telegram accepts the bot again');
  }
}
