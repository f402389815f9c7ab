import type { Logger } from '@fleet/core';
import type { AlertStore } from './alert-store.js';
import {
  type BotCommand,
  checkSilenceTarget,
  renderRefused,
  renderSilenced,
  renderUnsilenced,
} from './bot-commands.js';
import type { AuditEntry } from './dead-letters/dead-letter-view.js';
import type { HistoryEvent } from './history/history-event.js';
import type { HistoryStream } from './history/history-stream.js';
import type { Lang } from './lang.js';
import type { CommandOrigin } from './maintenance-bot.js';
import type { RenderedMessage } from './messages.js';
import { SILENCE_ALL } from './silences.js';
import { historyActor, isAllowedUser } from './telegram-users.js';

export type SilenceCommand = Extract<BotCommand, { name: 'silence' | 'unsilence' }>;

export interface SilenceBotOptions {
  store: Pick<AlertStore, 'silence' | 'unsilence'>;
  /** Worker names of the fleet: the valid targets, with `all`. */
  workers: readonly string[];
  /** Telegram user ids who may silence and unsilence; null = nobody (read-only). */
  allowedUserIds: readonly number[] | null;
  /** Appends to the audit stream of the other writes (`/dl log`). */
  audit: (entry: Omit<AuditEntry, 'at'>) => Promise<void>;
  history: Pick<HistoryStream, 'append'>;
  lang: Lang;
  now: () => number;
  logger: Logger;
}

/**
 * `/silence` and `/unsilence`: writes, so for TELEGRAM_ALLOWED_USER_IDS only, like the buttons
 * and `/maintenance`; every attempt is audited, and what was done goes to the history with who.
 */
export class SilenceBot {
  constructor(private readonly options: SilenceBotOptions) {}

  async answer(command: SilenceCommand, origin: CommandOrigin): Promise<RenderedMessage> {
    const { store, workers, lang, now, logger } = this.options;
    const user = origin.from;
    if (!user || !isAllowedUser(this.options.allowedUserIds, user)) {
      logger.warn(
        { userId: user?.id ?? null, chatId: origin.chatId, command: command.name },
        'refused a silence command from a user who is not allowed',
      );
      await this.audit(command, user, 0, 'refused');
      return renderRefused(lang);
    }
    const invalid = checkSilenceTarget(command.target, workers, lang);
    if (invalid) return invalid;
    const at = now();
    const by = historyActor(user);
    // A command redelivered after a crash is recorded once.
    const onceId = `${command.name}:${origin.chatId}:${origin.messageId}`;
    if (command.name === 'silence') {
      const until = at + command.durationMs;
      await store.silence(command.target, until);
      logger.info({ userId: user.id, target: command.target, until }, 'silenced by a command');
      await this.audit(command, user, 1, 'done');
      await this.record({ type: 'silenced', at, target: command.target, until, by }, onceId);
      return renderSilenced(command.target, command.durationMs, lang);
    }
    // `all` lifts every silence, not only the one set with `all`.
    const targets = command.target === SILENCE_ALL ? [SILENCE_ALL, ...workers] : [command.target];
    const removed = await store.unsilence(targets);
    logger.info({ userId: user.id, target: command.target, removed }, 'unsilenced by a command');
    await this.audit(command, user, removed, removed > 0 ? 'done' : 'already_done');
    if (removed > 0) {
      await this.record({ type: 'unsilenced', at, target: command.target, by }, onceId);
    }
    return renderUnsilenced(command.target, removed, lang);
  }

  /** The silence holds when the audit or the history cannot be written; the log says so. */
  private async audit(
    command: SilenceCommand,
    user: CommandOrigin['from'],
    count: number,
    result: string,
  ): Promise<void> {
    await this.options
      .audit({
        user: String(user?.id ?? ''),
        userName: user?.username ?? user?.first_name ?? '',
        worker: command.target,
        action: command.name,
        count,
        left: 0,
        result,
      })
      .catch((error: Error) => {
        this.options.logger.warn({ error: error.message }, 'could not audit a silence command');
      });
  }

  private async record(event: HistoryEvent, onceId: string): Promise<void> {
    await this.options.history.append(event, { onceId }).catch((error: Error) => {
      this.options.logger.warn({ error: error.message }, 'could not record a silence');
    });
  }
}
