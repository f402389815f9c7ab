import {
  activeMaintenance,
  type Logger,
  MAINTENANCE_ALL,
  type MaintenanceSpec,
  nextStart,
} from '@fleet/core';
import type { BotCommand } from './bot-commands.js';
import { formatClock, formatDuration } from './duration.js';
import { escapeHtml, fitLines, htmlToPlain } from './html.js';
import type { Lang } from './lang.js';
import type { MaintenanceActor, MaintenanceStore } from './maintenance-store.js';
import type { RenderedMessage } from './messages.js';
import { isAllowedUser, type TelegramUser } from './telegram-users.js';

export type MaintenanceCommand = Extract<BotCommand, { name: 'maintenance' }>;

const REPLIES = {
  ko: {
    title: '🛠 점검 중',
    none: '진행 중인 점검이 없습니다.',
    window: (id: string, target: string, until: string) => `#${id} ${target} · ${until}까지`,
    scheduled: '예정 (플리트 파일)',
    schedule: (target: string, schedule: string, tz: string, duration: string) =>
      `${target} · ${schedule} (${tz}), ${duration}`,
    next: (at: string) => `다음 ${at}`,
    started: (id: string, target: string, until: string) =>
      `🛠 #${id} ${target}: ${until}까지 점검 (알림 없음). 끝내기: /maintenance end ${id}`,
    ended: (ids: string) => `🛠 점검 끝: ${ids}`,
    nothingToEnd: (selector: string) => `끝낼 점검이 없습니다: ${selector}`,
    scheduleOnly: (id: string) => `${id}는 플리트 파일의 점검입니다: 파일에서 바꾸세요.`,
    refused: '이 작업을 할 권한이 없습니다.',
    unknownTarget: (target: string, known: string) =>
      `알 수 없는 대상: ${target}\n가능한 값: ${known}`,
    omitted: (count: number) => `… 외 ${count}줄`,
  },
  en: {
    title: '🛠 Maintenance',
    none: 'No maintenance running.',
    window: (id: string, target: string, until: string) => `#${id} ${target} · until ${until}`,
    scheduled: 'Scheduled (fleet file)',
    schedule: (target: string, schedule: string, tz: string, duration: string) =>
      `${target} · ${schedule} (${tz}), ${duration}`,
    next: (at: string) => `next ${at}`,
    started: (id: string, target: string, until: string) =>
      `🛠 #${id} ${target}: maintenance until ${until} (no alerts). To end it: /maintenance end ${id}`,
    ended: (ids: string) => `🛠 maintenance ended: ${ids}`,
    nothingToEnd: (selector: string) => `No maintenance to end: ${selector}`,
    scheduleOnly: (id: string) => `${id} comes from the fleet file: change it there.`,
    refused: 'You are not allowed to do this.',
    unknownTarget: (target: string, known: string) =>
      `Unknown target: ${target}\nChoose from: ${known}`,
    omitted: (count: number) => `… ${count} more lines`,
  },
} as const;

export interface MaintenanceBotOptions {
  store: MaintenanceStore;
  /** The fleet's workers and hosts: the valid targets, with `all`. */
  workers: readonly string[];
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
    const r = REPLIES[lang];
    if (command.action === 'list') return this.list();
    const actor: MaintenanceActor = {
      userId: origin.from?.id ?? null,
      name: origin.from?.username ?? origin.from?.first_name ?? null,
      chatId: origin.chatId,
    };
    if (!isAllowedUser(this.options.allowedUserIds, origin.from)) {
      logger.warn(
        { userId: actor.userId, chatId: origin.chatId, action: command.action },
        'refused a maintenance command from a user who is not allowed',
      );
      await store.refused(command.action, actor, now());
      return this.rendered([r.refused]);
    }
    if (command.action === 'end') {
      if (command.selector.startsWith('schedule:')) {
        return this.rendered([r.scheduleOnly(escapeHtml(command.selector))]);
      }
      const ended = await store.end(command.selector, actor, now());
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
      { target: command.target, start, until, reason: command.reason, by },
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

  /** Every valid target: `all`, the hosts, the workers. */
  private targets(): string[] {
    return [MAINTENANCE_ALL, ...this.options.hosts, ...this.options.workers];
  }

  private async list(): Promise<RenderedMessage> {
    const { store, lang, now, schedules, timeZone } = this.options;
    const r = REPLIES[lang];
    const at = now();
    const running = activeMaintenance(schedules, await store.running(at), at);
    const lines = [`<b>${r.title}</b>`];
    if (running.length === 0) lines.push(r.none);
    for (const window of running) {
      const until = formatClock(Date.parse(window.until), at, timeZone);
      const reason = window.reason ? ` · ${escapeHtml(window.reason)}` : '';
      lines.push(`${r.window(window.id, escapeHtml(window.target), until)}${reason}`);
    }
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
    const html = fitLines(lines, REPLIES[this.options.lang].omitted);
    return { html, plain: htmlToPlain(html) };
  }
}
