import type { Logger } from '@fleet/core';
import type { WorkerSpec } from '@fleet/core/contracts';
import { type Api, type CallbackQuery, TelegramApiError } from 'node-telegram-bot-api';
import type { AlertingMetrics } from '../alerting-metrics.js';
import { escapeHtml } from '../html.js';
import { markup } from '../inline-keyboard.js';
import type { Lang } from '../lang.js';
import { describeError, type Scrubber } from '../scrub.js';
import { isAllowedUser } from '../telegram-users.js';
import type { DeadLetterRef, DeadLetterStore } from './dead-letter-store.js';
import {
  type DeadLetterAction,
  type DeadLetterPage,
  deadLetterTexts,
  itemLine,
  PAGE_SIZE,
  type PageView,
  parseCallback,
  renderConfirm,
  renderLog,
  renderPage,
  resultText,
} from './dead-letter-view.js';

/** Entries `/dl log` shows. */
const LOG_ENTRIES = 10;

export interface DeadLetterBotOptions {
  api: Api;
  store: DeadLetterStore;
  /** The fleet's workers, in fleet-file order (a button names a worker by its index). */
  workers: readonly WorkerSpec[];
  /** Telegram user ids that may act; null = read-only (no action buttons, every press refused). */
  allowedUserIds: readonly number[] | null;
  /** Items one "requeue all" moves at most. */
  requeueCap: number;
  lang: Lang;
  logger: Logger;
  metrics: AlertingMetrics;
  scrub: Scrubber;
}

/**
 * `/dl <worker>`, `/dl log` and the buttons under their answers. Answers are sent and edited
 * directly (not through the outbox): they answer a person who is looking, and a lost one is
 * asked for again with a press.
 */
export class DeadLetterBot {
  constructor(private readonly options: DeadLetterBotOptions) {}

  /** Answers `/dl <args>` in `chatId`. */
  async command(chatId: string, args: readonly string[]): Promise<void> {
    const { lang } = this.options;
    const t = deadLetterTexts(lang);
    const [target] = args;
    let view: PageView;
    if (args.length !== 1 || !target) {
      view = { html: `${t.usage}\n${this.workerChoices()}`, keyboard: [] };
    } else if (target === 'log') {
      view = {
        html: renderLog(await this.options.store.lastActions(LOG_ENTRIES), lang),
        keyboard: [],
      };
    } else {
      const index = this.options.workers.findIndex((w) => w.name === target && w.queue);
      view =
        index < 0
          ? { html: `${t.usage}\n${this.workerChoices()}`, keyboard: [] }
          : await this.page(index, 0);
    }
    await this.send(chatId, view);
  }

  /** Handles a button press; returns false when the button is not one of these. */
  async callback(query: CallbackQuery): Promise<boolean> {
    const callback = query.data ? parseCallback(query.data) : null;
    if (!callback) return false;
    const { api, lang, logger } = this.options;
    const t = deadLetterTexts(lang);
    const message = query.message;
    const answer = (text?: string) =>
      api.answerCallbackQuery({ callback_query_id: query.id, ...(text ? { text } : {}) });
    if (!message) {
      await answer(t.results.expired);
      return true;
    }
    const edit = (view: PageView) => this.edit(message.chat.id, message.message_id, view);
    if (callback.kind === 'page' || callback.kind === 'open') {
      if (!this.options.workers[callback.workerIndex]?.queue) {
        await answer(t.results.expired);
        return true;
      }
      // Read-only, like `/dl`: anyone in a configured chat may look.
      if (callback.kind === 'open') {
        await this.send(String(message.chat.id), await this.page(callback.workerIndex, 0));
      } else {
        await edit(await this.page(callback.workerIndex, callback.offset));
      }
      await answer();
      return true;
    }
    const actor = { id: query.from.id, username: query.from.username ?? '' };
    const ref = await this.options.store.loadRef(callback.ref);
    const workerIndex = ref ? this.options.workers.findIndex((w) => w.name === ref.worker) : -1;
    const worker = this.options.workers[workerIndex];
    if (!ref || !worker?.queue) {
      await answer(t.results.expired);
      return true;
    }
    if (!isAllowedUser(this.options.allowedUserIds, query.from)) {
      this.options.metrics.deadLetterActions.inc({ action: callback.action, result: 'refused' });
      logger.warn(
        { userId: actor.id, user: actor.username, action: callback.action, worker: worker.name },
        'refused a dead-letter action from a user who is not allowed',
      );
      await this.options.store.audit({
        user: String(actor.id),
        userName: actor.username,
        worker: worker.name,
        action: callback.action,
        count: 0,
        left: 0,
        result: 'refused',
      });
      await api.answerCallbackQuery({
        callback_query_id: query.id,
        text: t.results.refused,
        show_alert: true,
      });
      return true;
    }
    if (callback.kind === 'ask') {
      await edit(await this.confirmView(callback.action, callback.ref, ref, workerIndex));
      await answer();
      return true;
    }
    const text = await this.act(
      callback.action,
      callback.ref,
      ref,
      { ...worker, queue: worker.queue },
      actor,
    );
    try {
      await edit(await this.page(workerIndex, ref.offset, escapeHtml(text)));
    } finally {
      await answer(text);
    }
    return true;
  }

  private async act(
    action: DeadLetterAction,
    refId: string,
    ref: DeadLetterRef,
    worker: WorkerSpec & { queue: string },
    actor: { id: number; username: string },
  ): Promise<string> {
    const { store, metrics, logger, lang, requeueCap, scrub } = this.options;
    try {
      const outcome = await store.act(action, `${action}:${refId}`, ref, worker, {
        cap: requeueCap,
        actor,
      });
      metrics.deadLetterActions.inc({ action, result: outcome.result });
      logger.info(
        { userId: actor.id, user: actor.username, action, worker: worker.name, ...outcome },
        'dead-letter action',
      );
      return resultText(action, outcome, lang);
    } catch (error) {
      metrics.deadLetterActions.inc({ action, result: 'error' });
      logger.error(
        { error: describeError(error, scrub), action, worker: worker.name },
        'dead-letter action failed',
      );
      return resultText(action, { result: 'error', moved: 0, left: 0 }, lang);
    }
  }

  private async confirmView(
    action: DeadLetterAction,
    refId: string,
    ref: DeadLetterRef,
    workerIndex: number,
  ): Promise<PageView> {
    const worker = this.options.workers[workerIndex] as WorkerSpec & { queue: string };
    const { total } = await this.options.store.peek(worker.queue, 0);
    const line =
      ref.sha1 === undefined
        ? undefined
        : ((await this.findShown(worker.queue, ref)) ?? `#${(ref.position ?? 0) + 1}`);
    return renderConfirm(
      action,
      refId,
      {
        ...(line ? { itemLine: line } : {}),
        total,
        requeueCap: this.options.requeueCap,
        workerIndex,
        offset: ref.offset,
      },
      this.options.lang,
    );
  }

  /** The shown item's line, when it is still on its page. */
  private async findShown(queue: string, ref: DeadLetterRef): Promise<string | undefined> {
    const { items } = await this.options.store.peek(queue, ref.offset);
    const item = items.find((i) => i.sha1 === ref.sha1 && i.length === ref.length);
    return item ? itemLine(item, this.options.lang) : undefined;
  }

  /** A page of a worker's list, with fresh refs for its buttons when actions are allowed. */
  private async page(workerIndex: number, offset: number, note?: string): Promise<PageView> {
    const worker = this.options.workers[workerIndex] as WorkerSpec & { queue: string };
    let { total, items } = await this.options.store.peek(worker.queue, offset);
    if (items.length === 0 && offset > 0) {
      // The list shrank under the page: show its last page instead.
      offset = Math.max(0, total - (total % PAGE_SIZE || PAGE_SIZE));
      ({ total, items } = await this.options.store.peek(worker.queue, offset));
    }
    const page: DeadLetterPage = { worker: worker.name, workerIndex, total, offset, items };
    const writable = this.options.allowedUserIds !== null && total > 0;
    const refs = writable
      ? await this.options.store.saveRefs([
          ...items.map((item) => ({
            worker: worker.name,
            sha1: item.sha1,
            length: item.length,
            position: item.position,
            offset,
          })),
          { worker: worker.name, offset },
        ])
      : null;
    return renderPage(
      page,
      refs ? { items: refs.slice(0, -1), list: refs.at(-1) as string } : null,
      { lang: this.options.lang, requeueCap: this.options.requeueCap, ...(note ? { note } : {}) },
    );
  }

  private async send(chatId: string, view: PageView): Promise<void> {
    await this.options.api.sendMessage({
      chat_id: chatId,
      text: view.html,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...markup(view.keyboard),
    });
  }

  private async edit(chatId: number, messageId: number, view: PageView): Promise<void> {
    try {
      await this.options.api.editMessageText({
        chat_id: chatId,
        message_id: messageId,
        text: view.html,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...markup(view.keyboard),
      });
    } catch (error) {
      // Pressing "cancel" on an unchanged list edits nothing: Telegram says so with a 400.
      if (error instanceof TelegramApiError && /message is not modified/i.test(error.description))
        return;
      throw error;
    }
  }

  private workerChoices(): string {
    return escapeHtml(
      this.options.workers
        .filter((w) => w.queue)
        .map((w) => w.name)
        .join(', '),
    );
  }
}
