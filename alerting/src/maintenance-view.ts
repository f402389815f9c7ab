import { type MaintenanceWindow, maintenanceCovers } from '@fleet/core';
import { formatClock } from './duration.js';
import type { HistoryActor } from './history/history-event.js';
import { clip, escapeHtml } from './html.js';
import type { Lang } from './lang.js';

/** A host's (or `all`'s) list of covered workers is clipped to this in a window's line. */
const MAX_COVERED_CHARS = 300;

const TEXTS = {
  ko: {
    title: '🛠 점검 중',
    none: '진행 중인 점검이 없습니다.',
    window: (id: string, target: string, until: string) => `#${id} ${target} · ${until}까지`,
    fleetFile: '플리트 파일',
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
    fleetFile: 'fleet file',
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

/** The texts of `/maintenance` answers. */
export function maintenanceTexts(lang: Lang) {
  return TEXTS[lang];
}

/** A window running now, and who started it (null: the fleet file's, or not known). */
export type RunningWindow = MaintenanceWindow & { startedBy: HistoryActor | null };

/**
 * One line per running window: its number, what it covers (a host's or `all`'s workers named),
 * until when, who started it or "fleet file", and why. For `/maintenance` and `/status`.
 */
export function runningWindowLines(
  windows: readonly RunningWindow[],
  workers: readonly { name: string; host: string }[],
  at: number,
  lang: Lang,
  timeZone: string,
): string[] {
  const r = TEXTS[lang];
  return windows.map((window) => {
    const covered = workers.filter((worker) => maintenanceCovers(window.target, worker));
    const names = covered.map((worker) => worker.name);
    const target =
      names.length === 1 && names[0] === window.target
        ? escapeHtml(window.target)
        : `${escapeHtml(window.target)} (${escapeHtml(clip(names.join(', '), MAX_COVERED_CHARS))})`;
    const who =
      window.source === 'schedule'
        ? r.fleetFile
        : window.startedBy
          ? escapeHtml(`@${window.startedBy.name || window.startedBy.id}`)
          : null;
    return [
      r.window(window.id, target, formatClock(Date.parse(window.until), at, timeZone)),
      ...(who ? [who] : []),
      ...(window.reason ? [escapeHtml(window.reason)] : []),
    ].join(' · ');
  });
}
