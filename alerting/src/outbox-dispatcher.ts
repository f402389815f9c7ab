import type { Logger } from '@fleet/core';
import { incidentsUnder } from './alert-buttons.js';
import type { AlertStore, OutboxMessage } from './alert-store.js';
import type { AlertingMetrics } from './alerting-metrics.js';
import type { TelegramAuthWatch } from './telegram-auth-watch.js';
import type { MessageSender, SendOutcome } from './telegram-sender.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface OutboxDispatcherOptions {
  store: AlertStore;
  sender: MessageSender;
  /** This replica's id, written into its claims. */
  owner: string;
  now: () => number;
  logger: Logger;
  metrics: AlertingMetrics;
  /** Told of every send Telegram accepts or refuses (401/403). */
  auth?: TelegramAuthWatch;
  /**
   * How often an idle dispatcher looks into the outbox (messages queued by this process wake it
   * at once; this bounds the delay for those of another replica and for retries).
   * @defaultValue 1000
   */
  idlePollMs?: number;
  /**
   * A claim expires after this long, so a message claimed by a replica that died is sent by
   * another. Longer than one send attempt can take (the Bot API client times out at 15 s).
   * @defaultValue 30000
   */
  claimMs?: number;
}

/**
 * Sends what is in the outbox, oldest first per chat, and removes a message only once Telegram
 * has accepted it. Every replica runs one; atomic claims make each message go out once. Messages
 * that could not be written to Redis (it is down) wait in memory and are sent from here too.
 */
export class OutboxDispatcher {
  private readonly sleeper = new WakeableSleep();
  private readonly held: OutboxMessage[] = [];
  private running: Promise<void> | undefined;
  private lastStoreError: string | undefined;
  private readonly idlePollMs: number;
  private readonly claimMs: number;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.claimMs = options.claimMs ?? 30_000;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New messages are in the outbox: look now rather than at the next poll. */
  wake(): void {
    this.sleeper.wake();
  }

  /** Keeps messages in memory because Redis cannot take them now. */
  hold(messages: readonly OutboxMessage[]): void {
    this.held.push(...messages);
    this.wake();
  }

  /** Messages waiting, in Redis and in memory. */
  async pendingCount(): Promise<number> {
    try {
      return this.held.length + (await this.options.store.outboxSize());
    } catch {
      // Redis is down: what is held in memory is all that can be counted.
      return this.held.length;
    }
  }

  /** Stops after the message in flight, if any; safe to call twice. */
  async close(): Promise<void> {
    this.sleeper.stop();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.sleeper.isStopped) {
      const sentSomething = (await this.sendHeld()) || (await this.sendFromStore());
      if (!sentSomething) await this.sleeper.sleep(this.idlePollMs);
    }
  }

  private async sendHeld(): Promise<boolean> {
    const message = this.held[0];
    if (!message || message.dueAt > this.options.now()) return false;
    const outcome = await this.attempt(message);
    if (outcome.kind === 'sent' || outcome.kind === 'rejected') this.held.shift();
    else this.held[0] = this.afterFailure(message, outcome);
    return outcome.kind !== 'retry';
  }

  private async sendFromStore(): Promise<boolean> {
    const { store, owner, logger } = this.options;
    try {
      const claimed = await store.claimNext(owner, this.options.now(), this.claimMs);
      this.lastStoreError = undefined;
      if (!claimed) return false;
      const { id, message } = claimed;
      const outcome = await this.attempt(message);
      if (outcome.kind === 'sent') {
        if (!(await store.acknowledge(id, owner))) {
          logger.warn({ id }, 'outbox claim expired before the send finished');
        }
      } else if (outcome.kind === 'rejected') {
        await store.reject(id, owner, message, outcome.detail);
      } else {
        await store.reschedule(id, owner, this.afterFailure(message, outcome));
      }
      return true;
    } catch (error) {
      const description = (error as Error).message;
      if (description !== this.lastStoreError) {
        logger.warn({ error: description }, 'outbox unreachable in Redis');
        this.lastStoreError = description;
      }
      return false;
    }
  }

  private async attempt(message: OutboxMessage): Promise<SendOutcome> {
    const { sender, logger, metrics } = this.options;
    const outcome = await sender.send(message);
    if (outcome.kind === 'sent') {
      this.options.auth?.accepted();
      metrics.messagesSent.inc();
      logger.info({ chatId: message.chatId, attempts: message.attempts + 1 }, 'message sent');
      await this.remember(message, outcome.messageId);
      return outcome;
    }
    metrics.countFailure(outcome.reason);
    if (outcome.reason === 'unauthorized')
      this.options.auth?.refused('sendMessage', outcome.detail);
    const context = { chatId: message.chatId, reason: outcome.reason, error: outcome.detail };
    if (outcome.kind === 'rejected') logger.error(context, 'Telegram refused the message for good');
    else if (outcome.kind === 'plain_text')
      logger.warn(context, 'Telegram refused the HTML; resending as plain text');
    else logger.warn({ ...context, retryInMs: outcome.afterMs }, 'send failed; will retry');
    return outcome;
  }

  /** An alert with incidents under it is remembered, so that an acknowledgement can edit it. */
  private async remember(message: OutboxMessage, messageId: number | undefined): Promise<void> {
    const incidents = incidentsUnder(message.keyboard);
    if (messageId === undefined || incidents.length === 0 || !message.keyboard) return;
    try {
      await this.options.store.recordSentAlert({
        chatId: message.chatId,
        messageId,
        text: message.parseMode === 'html' ? message.html : message.plain,
        parseMode: message.parseMode,
        keyboard: message.keyboard,
        incidents,
      });
    } catch (error) {
      // The alert is out; only its later edit (who acknowledged) is lost.
      this.options.logger.warn(
        { error: (error as Error).message, chatId: message.chatId },
        'could not remember a sent alert for its acknowledgement',
      );
    }
  }

  private afterFailure(
    message: OutboxMessage,
    outcome: Extract<SendOutcome, { kind: 'retry' | 'plain_text' }>,
  ): OutboxMessage {
    if (outcome.kind === 'plain_text') return { ...message, parseMode: 'plain' };
    return {
      ...message,
      attempts: message.attempts + 1,
      dueAt: this.options.now() + outcome.afterMs,
    };
  }
}
