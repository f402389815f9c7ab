import type { Logger } from '@fleet/core';
import type { StatusDocument } from '@fleet/core/contracts';
import {
  type Api,
  type CallbackQuery,
  longPoll,
  TelegramApiError,
  type Update,
} from 'node-telegram-bot-api';
import type { AlertButtonBot } from './alert-button-bot.js';
import type { AlertState } from './alert-state.js';
import type { AlertStore } from './alert-store.js';
import type { AlertingMetrics } from './alerting-metrics.js';
import { parseCommand, renderHelp, renderStatus, renderUsage } from './bot-commands.js';
import type { DeadLetterBot } from './dead-letters/dead-letter-bot.js';
import type { HistoryBot } from './history/history-bot.js';
import type { Lang } from './lang.js';
import type { CommandOrigin, MaintenanceBot } from './maintenance-bot.js';
import type { RenderedMessage } from './messages.js';
import { describeError, type Scrubber } from './scrub.js';
import type { SilenceBot } from './silence-bot.js';
import type { TelegramAuthWatch } from './telegram-auth-watch.js';
import { backoffMs } from './telegram-sender.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** Pause before polling again after a failure the library does not retry (401, 409 …). */
const RESTART_DELAY_MS = 5000;

export interface CommandPollerOptions {
  /** The Bot API client (its token is never logged). */
  api: Api;
  store: AlertStore;
  /** Chats whose commands are obeyed; every other chat is ignored and logged. */
  chatIds: readonly string[];
  /** Long-poll wait of each `getUpdates`, in seconds. */
  pollTimeoutS: number;
  lang: Lang;
  /** Clock times (until when a silence or a window runs) are told in this zone. */
  timeZone: string;
  now: () => number;
  logger: Logger;
  metrics: AlertingMetrics;
  scrub: Scrubber;
  /** The latest status document and alert state, for `/status`. */
  snapshot: () => { document: StatusDocument | null; state: AlertState | null };
  /** Queues an answer to a chat (through the outbox). */
  reply: (chatId: string, message: RenderedMessage) => Promise<void>;
  /** Answers `/dl` and its buttons. */
  deadLetters: DeadLetterBot;
  /** Told when Telegram accepts or refuses (401/403) the bot. */
  auth?: TelegramAuthWatch;
  /** Answers the buttons under alerts (acknowledge, silence 1 h, details). */
  alertButtons: AlertButtonBot;
  /** Answers `/maintenance`. */
  maintenance: MaintenanceBot;
  /** Answers `/silence` and `/unsilence`. */
  silences: SilenceBot;
  /** Answers `/history` and `/report`. */
  history: HistoryBot;
}

/**
 * Answers bot commands by long polling `getUpdates`. Only the replica holding the lease polls
 * (Telegram allows one poller per bot); the update offset is kept in Redis so a command is not
 * obeyed twice across a restart or a change of replica.
 */
export class CommandPoller {
  private readonly abort = new AbortController();
  private readonly sleeper = new WakeableSleep();
  private running: Promise<void> | undefined;
  private offset: number | undefined;

  constructor(private readonly options: CommandPollerOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Stops polling (an open long poll is aborted); safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.sleeper.stop();
    await this.running;
  }

  private async run(): Promise<void> {
    const { api, store, logger, scrub, pollTimeoutS } = this.options;
    const signal = this.abort.signal;
    let refusals = 0;
    while (!signal.aborted) {
      try {
        const me = await api.getMe(signal);
        this.options.auth?.accepted();
        refusals = 0;
        this.offset ??= await store.loadUpdateOffset();
        logger.info({ bot: me.username }, 'listening for bot commands');
        const updates = longPoll(
          api,
          {
            offset: this.offset,
            timeout: pollTimeoutS,
            allowedUpdates: ['message', 'callback_query'],
            onError: (error) =>
              logger.warn({ error: describeError(error, scrub) }, 'getUpdates failed; retrying'),
          },
          signal,
        );
        for await (const update of updates) {
          await this.handle(update, me.username ?? null);
          this.offset = update.update_id + 1;
          await store.saveUpdateOffset(this.offset).catch((error: Error) => {
            logger.warn({ error: error.message }, 'could not save the update offset');
          });
        }
      } catch (error) {
        if (signal.aborted) return;
        const description = describeError(error, scrub);
        if (error instanceof TelegramApiError && [401, 403].includes(error.errorCode)) {
          // Said once, at error level, by the watch; then asked again less and less often.
          this.options.auth?.refused('getMe', description);
          refusals += 1;
          const delayMs = Math.max(RESTART_DELAY_MS, backoffMs(refusals));
          logger.warn({ error: description, retryInMs: delayMs }, 'Telegram refuses the bot');
          await this.sleeper.sleep(delayMs);
          continue;
        }
        logger.error(
          { error: description },
          `bot command polling stopped; retrying in ${RESTART_DELAY_MS / 1000} s`,
        );
        await this.sleeper.sleep(RESTART_DELAY_MS);
      }
    }
  }

  private allowed(chat: { id: number; username?: string }): boolean {
    const { chatIds } = this.options;
    return (
      chatIds.includes(String(chat.id)) ||
      (!!chat.username && chatIds.includes(`@${chat.username}`))
    );
  }

  private async handle(update: Update, botUsername: string | null): Promise<void> {
    const { logger, metrics, scrub } = this.options;
    if ('callback_query' in update) return this.handleCallback(update.callback_query);
    if (!('message' in update) || !update.message.text) return;
    const message = update.message;
    const text = update.message.text;
    if (!this.allowed(message.chat)) {
      metrics.commands.inc({ command: 'ignored' });
      logger.warn(
        { chatId: message.chat.id, from: message.from?.username ?? message.from?.id ?? null },
        'ignored a message from a chat that is not configured',
      );
      return;
    }
    const command = parseCommand(text, botUsername);
    if (!command) return;
    metrics.commands.inc({ command: command.name });
    logger.info({ chatId: message.chat.id, command: command.name }, 'bot command');
    try {
      if (command.name === 'dl') {
        await this.options.deadLetters.command(String(message.chat.id), command.args);
        return;
      }
      const chatId = String(message.chat.id);
      const origin: CommandOrigin = { chatId, messageId: message.message_id, from: message.from };
      if (command.name === 'maintenance') {
        await this.options.reply(chatId, await this.options.maintenance.answer(command, origin));
        return;
      }
      if (command.name === 'silence' || command.name === 'unsilence') {
        await this.options.reply(chatId, await this.options.silences.answer(command, origin));
        return;
      }
      if (command.name === 'history' || command.name === 'report') {
        for (const part of await this.options.history.command(command.name, command.args)) {
          await this.options.reply(String(message.chat.id), part);
        }
        return;
      }
      await this.options.reply(String(message.chat.id), await this.execute(command));
    } catch (error) {
      logger.error(
        { error: describeError(error, scrub), command: command.name },
        'bot command failed',
      );
    }
  }

  /** A button press: only under a message in a configured chat (who may act is checked later). */
  private async handleCallback(query: CallbackQuery): Promise<void> {
    const { logger, scrub, api } = this.options;
    try {
      if (query.message && this.allowed(query.message.chat)) {
        if (await this.options.alertButtons.callback(query)) return;
        if (await this.options.deadLetters.callback(query)) return;
      } else {
        logger.warn(
          { userId: query.from.id },
          'ignored a button press outside the configured chats',
        );
      }
      await api.answerCallbackQuery({ callback_query_id: query.id });
    } catch (error) {
      logger.error({ error: describeError(error, scrub) }, 'button press failed');
    }
  }

  private async execute(
    command: Exclude<
      NonNullable<ReturnType<typeof parseCommand>>,
      { name: 'dl' | 'maintenance' | 'history' | 'report' | 'silence' | 'unsilence' }
    >,
  ): Promise<RenderedMessage> {
    const { store, lang, now } = this.options;
    switch (command.name) {
      case 'help':
        return renderHelp(lang);
      case 'usage':
        return renderUsage(command.command, lang);
      case 'status': {
        const { document, state } = this.options.snapshot();
        const at = now();
        const mutes = {
          silences: await store.loadSilences(at),
          windows: await this.options.maintenance.running(at),
        };
        return renderStatus(document, state, mutes, at, lang, this.options.timeZone);
      }
    }
  }
}
