import {
  activeMaintenance,
  type Logger,
  MAINTENANCE_ALL,
  type MaintenanceSpec,
  maintenanceSourceOf,
  nextStart,
} from '@fleet/core';
import type { BotCommand } from './bot-commands.js';
import { formatClock, formatDuration } from './duration.js';
import { escapeHtml, fitLines, htmlToPlain } from './html.js';
import type { Lang } from './lang.js';
import type { MaintenanceActor, MaintenanceStore } from './maintenance-store.js';
import { maintenanceTexts, type RunningWindow, runningWindowLines } from './maintenance-view.js';
import type { RenderedMessage } from './messages.js';
import { historyActor, isAllowedUser, type TelegramUser } from './telegram-users.js';

export type MaintenanceCommand = Extract<BotCommand, { name: 'maintenance' }>;

export interface MaintenanceBotOptions {
  store: MaintenanceStore;
  /** The fleet's workers and hosts: the valid targets, with `all`. */
  workers: readonly { name: string; host: string }[];
  hosts: readonly string[];
  /** The fleet file's recurring windows. */
  schedules: readonly MaintenanceSpec[];
  /** Telegram user ids who may start and end windows; null = nobody (read-only). */
  allowedUserIds: readonly number[] | null;
  lang: Lang;
  timeZone: string;
  now: () => number;
  logger: Logger;
  /** Runs a check soon, so that the window's start (or end) is told without waiting. */
  wakeChecks: () => void;
}

/** Where a command came from: its chat, message (to start nothing twice) and sender. */
export interface CommandOrigin {
  chatId: string;
  messageId: number;
  from: TelegramUser | undefined;
}

/**
 * `/maintenance`: lists the running windows (anyone in a configured chat); starts and ends
 * one-off windows (TELEGRAM_ALLOWED_USER_IDS only; refusals answered, logged and audited).
 */
export class MaintenanceBot {
  constructor(private readonly options: MaintenanceBotOptions) {}

  async answer(command: MaintenanceCommand, origin: CommandOrigin): Promise<RenderedMessage> {
    const { store, lang, now, logger } = this.options;
    const r = maintenanceTexts(lang);
    if (command.action === 'list') return this.list();
    const actor: MaintenanceActor = {
      userId: origin.from?.id ?? null,
      name: origin.from?.username ?? origin.from?.first_name ?? null,
      chatId: origin.chatId,
    };
    const user = origin.from;
    if (!user || !isAllowedUser(this.options.allowedUserIds, user)) {
      logger.warn(
        { userId: actor.userId, chatId: origin.chatId, action: command.action },
        'refused a maintenance command from a user who is not allowed',
      );
      await store.refused(command.action, actor, now());
      return this.rendered([r.refused]);
    }
    if (command.action === 'end') {
      if (maintenanceSourceOf(command.selector) === 'schedule') {
        return this.rendered([r.scheduleOnly(escapeHtml(command.selector))]);
      }
      const ended = await store.end(command.selector, historyActor(user), actor, now());
      logger.info({ userId: actor.userId, selector: command.selector, ended }, 'maintenance ended');
      if (ended.length === 0) return this.rendered([r.nothingToEnd(escapeHtml(command.selector))]);
      this.options.wakeChecks();
      return this.rendered([r.ended(ended.map((id) => `#${id}`).join(', '))]);
    }
    const known = this.targets();
    if (!known.includes(command.target)) {
      return this.rendered([
        r.unknownTarget(escapeHtml(command.target), escapeHtml(known.join(', '))),
      ]);
    }
    const start = now();
    const until = start + command.durationMs;
    const by = actor.name ? `${actor.name} (${actor.userId})` : String(actor.userId);
    const { id, created } = await store.start(
      {
        target: command.target,
        start,
        until,
        reason: command.reason,
        by,
        startedBy: historyActor(user),
      },
      { chatId: origin.chatId, messageId: origin.messageId },
      actor,
      start,
    );
    logger.info(
      {
        userId: actor.userId,
        id,
        target: command.target,
        until: new Date(until).toISOString(),
        created,
      },
      created ? 'maintenance started' : 'maintenance command seen before; nothing started',
    );
    this.options.wakeChecks();
    return this.rendered([
      r.started(id, escapeHtml(command.target), formatClock(until, start, this.options.timeZone)),
    ]);
  }

  /** The windows running at `at`, fleet file's and commands', with who started them. */
  async running(at: number): Promise<RunningWindow[]> {
    const stored = await this.options.store.running(at);
    const startedBy = new Map(stored.map((window) => [window.id, window.startedBy ?? null]));
    return activeMaintenance(this.options.schedules, stored, at).map((window) => ({
      ...window,
      startedBy: startedBy.get(window.id) ?? null,
    }));
  }

  /** Every valid target: `all`, the hosts, the workers. */
  private targets(): string[] {
    return [
      MAINTENANCE_ALL,
      ...this.options.hosts,
      ...this.options.workers.map((worker) => worker.name),
    ];
  }

  private async list(): Promise<RenderedMessage> {
    const { lang, now, schedules, timeZone, workers } = this.options;
    const r = maintenanceTexts(lang);
    const at = now();
    const running = await this.running(at);
    const lines = [`<b>${r.title}</b>`];
    if (running.length === 0) lines.push(r.none);
    lines.push(...runningWindowLines(running, workers, at, lang, timeZone));
    if (schedules.length > 0) lines.push('', `<i>${r.scheduled}</i>`);
    for (const spec of schedules) {
      const next = nextStart(spec, at);
      const parts = [
        r.schedule(
          escapeHtml(spec.target),
          escapeHtml(spec.schedule),
          spec.tz,
          formatDuration(spec.durationMs, lang),
        ),
        ...(next === null ? [] : [r.next(formatClock(next, at, timeZone))]),
        ...(spec.reason ? [escapeHtml(spec.reason)] : []),
      ];
      lines.push(parts.join(' · '));
    }
    return this.rendered(lines);
  }

  private rendered(lines: string[]): RenderedMessage {
    const html = fitLines(lines, maintenanceTexts(this.options.lang).omitted);
    return { html, plain: htmlToPlain(html) };
  }
}
