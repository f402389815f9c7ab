import type { Logger } from '@fleet/core';
import { Cron } from 'croner';
import { type AlertStore, outboxMessage } from '../alert-store.js';
import type { HistoryBot } from './history-bot.js';

export interface WeeklyDigestOptions {
  /** Cron pattern of when it is due, in `timeZone`. */
  schedule: string;
  timeZone: string;
  store: AlertStore;
  bot: HistoryBot;
  chatIds: readonly string[];
  now: () => number;
  logger: Logger;
}

/**
 * How late a digest may still go out: a restart or a Redis outage across the due time still
 * sends it, but a service started (or the setting turned on) days later does not send last
 * week's.
 */
const CATCH_UP_MS = 12 * 3_600_000;

/**
 * The weekly reliability digest. Each check of the acting replica asks whether one is due; the
 * digest of a due time is queued by one script together with a Redis key marking that due time
 * sent, so replicas and restarts send it once.
 */
export class WeeklyDigest {
  private readonly cron: Cron;

  constructor(private readonly options: WeeklyDigestOptions) {
    this.cron = new Cron(options.schedule, { timezone: options.timeZone, paused: true });
  }

  /** Queues the digest if one is due and not yet sent; true when this call queued it. */
  async tick(): Promise<boolean> {
    const { store, bot, chatIds, now: clock, logger } = this.options;
    const now = clock();
    // previousRuns is strictly before its reference: the due instant itself counts.
    const due = this.cron.previousRuns(1, new Date(now + 1))[0]?.getTime();
    if (due === undefined || now - due > CATCH_UP_MS) return false;
    if (await store.wasSent(`weekly:${due}`)) return false;
    const messages = (await bot.weekly()).flatMap((text) =>
      chatIds.map((chatId) => outboxMessage(chatId, text, now)),
    );
    const queued = await store.enqueueOnce(`weekly:${due}`, messages);
    if (queued) logger.info({ due: new Date(due).toISOString() }, 'weekly report queued');
    return queued;
  }
}
