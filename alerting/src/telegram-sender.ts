import type { Logger } from '@fleet/core';
import { type Api, ParseError, TelegramApiError } from 'node-telegram-bot-api';
import type { OutboxMessage } from './alert-store.js';
import { markup } from './inline-keyboard.js';
import { describeError, type Scrubber } from './scrub.js';

/** Why a send attempt failed, as counted in `fleet_alerting_messages_failed_total`. */
export const SEND_FAILURE_REASONS = [
  'rate_limited',
  'server_error',
  'network',
  'unauthorized',
  'unparseable_html',
  'rejected',
] as const;
export type SendFailureReason = (typeof SEND_FAILURE_REASONS)[number];

/** What to do with a message after one attempt to send it. */
export type SendOutcome =
  /** Accepted; `messageId` names it for later edits (absent in log-only mode). */
  | { kind: 'sent'; messageId?: number }
  /** Keep it and try again after `afterMs`. */
  | { kind: 'retry'; afterMs: number; reason: SendFailureReason; detail: string }
  /** Telegram refused the HTML: send the plain form instead, right away. */
  | { kind: 'plain_text'; reason: 'unparseable_html'; detail: string }
  /** Telegram will never take this message as it is. */
  | { kind: 'rejected'; reason: 'rejected'; detail: string };

/** Sends one outbox message; never throws, the outcome says what to do next. */
export interface MessageSender {
  send(message: OutboxMessage): Promise<SendOutcome>;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

/** Exponential backoff by failed attempts so far: 1 s, 2 s, 4 s … capped at 5 min. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

/**
 * The retry decision for a failed send, in the manner of Alertmanager's Telegram notifier: a 429
 * waits out `retry_after`; 5xx and transport failures back off; a 400 "can't parse entities"
 * falls back to plain text; any other 400 is final. 401/403/404 mean the bot or chat setup is
 * wrong, which an operator can fix, so those messages wait with backoff rather than being lost.
 */
export function classifySendError(
  error: unknown,
  message: Pick<OutboxMessage, 'parseMode' | 'attempts'>,
  scrub: Scrubber,
): Exclude<SendOutcome, { kind: 'sent' }> {
  const detail = describeError(error, scrub);
  const backoff = backoffMs(message.attempts + 1);
  if (error instanceof TelegramApiError) {
    if (error.errorCode === 429) {
      return {
        kind: 'retry',
        afterMs: (error.retryAfter ?? 1) * 1000,
        reason: 'rate_limited',
        detail,
      };
    }
    if (error.errorCode >= 500)
      return { kind: 'retry', afterMs: backoff, reason: 'server_error', detail };
    if (error.errorCode === 400) {
      if (message.parseMode === 'html' && /can't parse entities/i.test(error.description)) {
        return { kind: 'plain_text', reason: 'unparseable_html', detail };
      }
      return { kind: 'rejected', reason: 'rejected', detail };
    }
    return { kind: 'retry', afterMs: backoff, reason: 'unauthorized', detail };
  }
  // An unreadable answer came from a server in trouble; anything else is the transport's.
  if (error instanceof ParseError)
    return { kind: 'retry', afterMs: backoff, reason: 'server_error', detail };
  return { kind: 'retry', afterMs: backoff, reason: 'network', detail };
}

export interface TelegramSenderOptions {
  /** A Bot API client built with `maxRetries: 0`: the outbox owns every retry. */
  api: Api;
  /** Removes the bot token from anything that reaches a log line. */
  scrub: Scrubber;
}

/** Sends outbox messages through the Bot API (`sendMessage`). */
export class TelegramSender implements MessageSender {
  constructor(private readonly options: TelegramSenderOptions) {}

  async send(message: OutboxMessage): Promise<SendOutcome> {
    try {
      const sent = await this.options.api.sendMessage({
        chat_id: message.chatId,
        text: message.parseMode === 'html' ? message.html : message.plain,
        ...(message.parseMode === 'html' ? { parse_mode: 'HTML' } : {}),
        link_preview_options: { is_disabled: true },
        ...markup(message.keyboard),
      });
      return { kind: 'sent', messageId: sent.message_id };
    } catch (error) {
      return classifySendError(error, message, this.options.scrub);
    }
  }
}

/** Without a bot token, messages are written to the log and count as sent. */
export class LogOnlySender implements MessageSender {
  constructor(private readonly logger: Logger) {}

  async send(message: OutboxMessage): Promise<SendOutcome> {
    this.logger.info(
      { chatId: message.chatId, text: message.plain },
      'alert (log-only, no bot token)',
    );
    return { kind: 'sent' };
  }
}
