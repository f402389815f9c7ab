import type { Logger } from '@fleet/core';
import type { StatusDocument, WorkerSpec } from '@fleet/core/contracts';
import { type Api, type CallbackQuery, TelegramApiError } from 'node-telegram-bot-api';
import {
  type AlertButtonAction,
  type AlertButtonResult,
  BUTTON_SILENCE_MS,
  buttonTexts,
  parseAlertCallback,
  renderDetails,
} from './alert-buttons.js';
import type { AlertState, PressRecord } from './alert-state.js';
import type { AlertStore, SentAlert } from './alert-store.js';
import type { AlertingMetrics } from './alerting-metrics.js';
import type { AuditEntry } from './dead-letters/dead-letter-view.js';
import type { HistoryActor, HistoryEvent } from './history/history-event.js';
import type { HistoryStream } from './history/history-stream.js';
import { fitLines, htmlToPlain, TELEGRAM_MAX_CHARS } from './html.js';
import { markup } from './inline-keyboard.js';
import type { Lang } from './lang.js';
import { acknowledgedLine, clockTime, pressedBy } from './messages.js';
import { describeError, type Scrubber } from './scrub.js';
import { isAllowedUser } from './telegram-users.js';

/** Last history entries "details" shows. */
const DETAILS_HISTORY = 5;

export interface AlertButtonBotOptions {
  api: Api;
  store: AlertStore;
  /** Appends a press to the audit stream (the one of the dead-letter actions). */
  audit: (entry: Omit<AuditEntry, 'at'>) => Promise<void>;
  /** The fleet's workers, in fleet-file order (an incident id names a worker by its index). */
  workers: readonly WorkerSpec[];
  /** Telegram user ids that may acknowledge and silence; null = nobody (read-only). */
  allowedUserIds: readonly number[] | null;
  lang: Lang;
  /** Times in the history lines of "details" are in this zone, as in `/history`. */
  timeZone: string;
  now: () => number;
  logger: Logger;
  metrics: AlertingMetrics;
  scrub: Scrubber;
  /** The history stream: presses are recorded there, and "details" shows its last entries. */
  history: Pick<HistoryStream, 'append' | 'latest'>;
  /** The latest status document and alert state, for "details". */
  snapshot: () => { document: StatusDocument | null; state: AlertState | null };
}

/**
 * The buttons under alerts: acknowledge (stops the reminders, edits the alert in every chat to
 * say who and when), silence the worker for 1 h, and details. Acknowledge and silence are for
 * the allowed users only, recorded once in Redis (a second press learns who pressed first) and
 * audited; details is read-only, like `/status`, so anyone in a configured chat may press it.
 */
export class AlertButtonBot {
  constructor(private readonly options: AlertButtonBotOptions) {}

  /** Handles a button press; returns false when the button is not one of these. */
  async callback(query: CallbackQuery): Promise<boolean> {
    const callback = query.data ? parseAlertCallback(query.data) : null;
    if (!callback) return false;
    const { api, lang, logger, metrics, scrub } = this.options;
    const t = buttonTexts(lang);
    const actor = { userId: query.from.id, userName: query.from.username ?? '' };
    const action: AlertButtonAction = callback.kind;
    const finish = async (
      result: AlertButtonResult,
      worker: string,
      text?: string,
      showAlert = false,
    ) => {
      metrics.alertButtons.inc({ action, result });
      await this.options
        .audit({
          user: String(actor.userId),
          userName: actor.userName,
          worker,
          action,
          count: result === 'done' ? 1 : 0,
          left: 0,
          result,
        })
        .catch((error: Error) => logger.warn({ error: error.message }, 'could not audit a press'));
      await api.answerCallbackQuery({
        callback_query_id: query.id,
        ...(text ? { text } : {}),
        ...(showAlert ? { show_alert: true } : {}),
      });
    };
    try {
      if (callback.kind === 'details') {
        const worker = this.options.workers[callback.workerIndex];
        if (!worker || !query.message) {
          await finish('expired', worker?.name ?? '', t.answers.over);
          return true;
        }
        await this.sendDetails(String(query.message.chat.id), worker.name);
        await finish('done', worker.name);
        return true;
      }
      const state = (await this.options.store.loadState()).state;
      const incident = state?.incidents?.[callback.incident];
      if (!incident) {
        await finish('expired', '', t.answers.over);
        return true;
      }
      if (!isAllowedUser(this.options.allowedUserIds, query.from)) {
        logger.warn(
          { userId: actor.userId, user: actor.userName, action, worker: incident.worker },
          'refused an alert button press from a user who is not allowed',
        );
        await finish('refused', incident.worker, t.answers.refused, true);
        return true;
      }
      const record: PressRecord = { ...actor, at: this.options.now() };
      if (callback.kind === 'ack') {
        const outcome = await this.options.store.acknowledgeIncident(callback.incident, record);
        logger.info(
          { ...actor, worker: incident.worker, incident: callback.incident, done: outcome.done },
          'incident acknowledged',
        );
        if (outcome.done) {
          await this.record(
            { type: 'acknowledged', at: record.at, worker: incident.worker, by: by(actor) },
            `ack:${callback.incident}`,
          );
        }
        if (!outcome.done) {
          await finish(
            'already_done',
            incident.worker,
            t.answers.alreadyAcked(
              pressedBy(outcome.record),
              clockTime(outcome.record.at, this.options.timeZone),
            ),
          );
          return true;
        }
        await this.editAlerts(callback.incident);
        await finish('done', incident.worker, t.answers.acked);
        return true;
      }
      const until = record.at + BUTTON_SILENCE_MS;
      const outcome = await this.options.store.silenceFromButton(
        callback.incident,
        incident.worker,
        { ...record, until },
      );
      logger.info(
        { ...actor, worker: incident.worker, until, done: outcome.done },
        'worker silenced by a button',
      );
      if (outcome.done) {
        await this.record(
          { type: 'silenced', at: record.at, target: incident.worker, until, by: by(actor) },
          `silence:${callback.incident}:${record.at}`,
        );
      }
      await finish(
        outcome.done ? 'done' : 'already_done',
        incident.worker,
        outcome.done
          ? t.answers.silenced(incident.worker, clockTime(until, this.options.timeZone))
          : t.answers.alreadySilenced(
              pressedBy(outcome.record),
              clockTime(outcome.record.until ?? until, this.options.timeZone),
            ),
      );
      return true;
    } catch (error) {
      logger.error({ error: describeError(error, scrub), action }, 'alert button press failed');
      await finish('error', '', t.answers.error).catch(() => {});
      return true;
    }
  }

  /** Appends a press to the history; the press itself holds when Redis refuses it. */
  private async record(event: HistoryEvent, onceId: string): Promise<void> {
    await this.options.history.append(event, { onceId }).catch((error: Error) => {
      this.options.logger.warn({ error: error.message }, 'could not record a press in the history');
    });
  }

  /** Adds who acknowledged to every alert (in every chat) that shows the incident. */
  private async editAlerts(incident: string): Promise<void> {
    const { store, api, logger, scrub } = this.options;
    const alerts = await store.sentAlerts(incident);
    if (alerts.length === 0) return;
    const acks = await store.loadAcks();
    for (const alert of alerts) {
      const view = this.acknowledgedView(alert, acks);
      try {
        await api.editMessageText({
          chat_id: alert.chatId,
          message_id: alert.messageId,
          text: view.text,
          ...(alert.parseMode === 'html' ? { parse_mode: 'HTML' } : {}),
          link_preview_options: { is_disabled: true },
          ...markup(view.keyboard),
        });
      } catch (error) {
        if (error instanceof TelegramApiError && /message is not modified/i.test(error.description))
          continue;
        // The acknowledgement holds; only this chat's copy keeps its old text.
        logger.warn(
          { error: describeError(error, scrub), chatId: alert.chatId, incident },
          'could not edit an alert to show its acknowledgement',
        );
      }
    }
  }

  /**
   * The alert as sent, plus a line per acknowledged incident under it, and without their
   * acknowledge buttons. Whole lines of the alert make room when it would pass 4096 characters.
   */
  private acknowledgedView(
    alert: SentAlert,
    acks: Readonly<Record<string, PressRecord>>,
  ): { text: string; keyboard: SentAlert['keyboard'] } {
    const acked = alert.incidents.filter((id) => acks[id]);
    const lines = acked.map((id) =>
      acknowledgedLine(
        this.workerOf(id),
        acks[id] as PressRecord,
        this.options.lang,
        this.options.timeZone,
      ),
    );
    const added = alert.parseMode === 'html' ? lines.join('\n') : htmlToPlain(lines.join('\n'));
    const room = TELEGRAM_MAX_CHARS - added.length - 2;
    const base = fitLines(alert.text.split('\n'), () => '…', room);
    const keyboard = alert.keyboard
      .map((row) =>
        row.filter((button) => {
          const callback = parseAlertCallback(button.callback_data);
          return !(callback?.kind === 'ack' && acked.includes(callback.incident));
        }),
      )
      .filter((row) => row.length > 0);
    return { text: `${base}\n\n${added}`, keyboard };
  }

  /** The worker an incident id names (by its index in the fleet). */
  private workerOf(incident: string): string {
    const index = Number(/^[a-z](\d+)\./.exec(incident)?.[1] ?? -1);
    return this.options.workers[index]?.name ?? '?';
  }

  private async sendDetails(chatId: string, worker: string): Promise<void> {
    const { document, state } = this.options.snapshot();
    const acks = await this.options.store.loadAcks();
    const silences = await this.options.store.loadSilences(this.options.now());
    const html = renderDetails(
      worker,
      {
        status: document?.workers.find((w) => w.name === worker) ?? null,
        alert: state?.workers[worker] ?? null,
        incidents: Object.entries(state?.incidents ?? {})
          .filter(([, incident]) => incident.worker === worker)
          .map(([id, incident]) => ({ ...incident, ack: acks[id] ?? null })),
        silencedUntil: silences[worker] ?? null,
        history: await this.options.history.latest(worker, DETAILS_HISTORY),
      },
      this.options.now(),
      this.options.lang,
      this.options.timeZone,
    );
    await this.options.api.sendMessage({
      chat_id: chatId,
      text: html,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  }
}

function by(actor: { userId: number; userName: string }): HistoryActor {
  return { id: actor.userId, name: actor.userName };
}
