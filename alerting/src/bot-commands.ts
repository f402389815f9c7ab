import { type StatusDocument, stateLabel } from '@fleet/core/contracts';
import type { AlertState } from './alert-state.js';
import { formatClock, formatDuration, parseDuration } from './duration.js';
import { escapeHtml, fitLines, htmlToPlain, wrapList } from './html.js';
import type { Lang } from './lang.js';
import { type RunningWindow, runningWindowLines } from './maintenance-view.js';
import type { RenderedMessage } from './messages.js';
import { isSilenced, SILENCE_ALL, type Silences } from './silences.js';

/** Longest silence a command may set: a forgotten silence must not hide alerts for ever. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

export type BotCommand =
  | { name: 'status' }
  | { name: 'help' }
  | { name: 'silence'; target: string; durationMs: number }
  | { name: 'unsilence'; target: string }
  /** `/dl <worker>` or `/dl log`: dead letters (answered by dead-letters/dead-letter-bot.ts). */
  | { name: 'dl'; args: string[] }
  /** `/maintenance` alone lists the windows; with a target and a duration it starts one. */
  | { name: 'maintenance'; action: 'list' }
  | {
      name: 'maintenance';
      action: 'start';
      target: string;
      durationMs: number;
      reason: string | null;
    }
  | { name: 'maintenance'; action: 'end'; selector: string }
  /** `/history <worker>`, `/report [7d|30d]` (answered by history/history-bot.ts). */
  | { name: 'history'; args: string[] }
  | { name: 'report'; args: string[] }
  /** A known command with bad arguments: answer with its usage. */
  | { name: 'usage'; command: UsageTopic };

export type UsageTopic = 'silence' | 'unsilence' | 'maintenance';

/** Parses `/maintenance`'s arguments: list, `end <id|target>`, or `<target> <duration> [reason]`. */
function parseMaintenance(args: readonly string[]): BotCommand {
  const [first, second, ...rest] = args;
  if (first === undefined) return { name: 'maintenance', action: 'list' };
  if (first.toLowerCase() === 'end') {
    if (!second || rest.length > 0) return { name: 'usage', command: 'maintenance' };
    return { name: 'maintenance', action: 'end', selector: second.replace(/^#/, '') };
  }
  const durationMs = second ? parseDuration(second) : null;
  if (durationMs === null || durationMs > MAX_SILENCE_MS) {
    return { name: 'usage', command: 'maintenance' };
  }
  const reason = rest.join(' ').slice(0, 200) || null;
  return { name: 'maintenance', action: 'start', target: first, durationMs, reason };
}

/**
 * Parses a chat message into a command; null when it is not one of ours (plain chat, another
 * command, or a command addressed to another bot as `/status@OtherBot`).
 */
export function parseCommand(text: string, botUsername: string | null): BotCommand | null {
  const [head = '', ...args] = text.trim().split(/\s+/);
  const match = /^\/([a-z_]+)(?:@([A-Za-z0-9_]+))?$/i.exec(head);
  if (!match) return null;
  const addressee = match[2];
  if (addressee && botUsername && addressee.toLowerCase() !== botUsername.toLowerCase())
    return null;
  switch (match[1]?.toLowerCase()) {
    case 'status':
      return { name: 'status' };
    case 'help':
    case 'start':
      return { name: 'help' };
    case 'silence': {
      const [target, duration] = args;
      const durationMs = duration ? parseDuration(duration) : null;
      if (!target || durationMs === null || durationMs > MAX_SILENCE_MS || args.length > 2) {
        return { name: 'usage', command: 'silence' };
      }
      return { name: 'silence', target, durationMs };
    }
    case 'unsilence': {
      const [target] = args;
      if (!target || args.length > 1) return { name: 'usage', command: 'unsilence' };
      return { name: 'unsilence', target };
    }
    case 'dl':
      return { name: 'dl', args };
    case 'maintenance':
      return parseMaintenance(args);
    case 'history':
      return { name: 'history', args };
    case 'report':
      return { name: 'report', args };
    default:
      return null;
  }
}

const REPLIES = {
  ko: {
    statusTitle: '워커 상태',
    redisOk: 'Redis 정상',
    redisDown: (error: string) => `🚨 Redis 읽기 실패: ${error}`,
    noData: '아직 확인한 데이터가 없습니다.',
    stale: '(마지막으로 읽은 데이터)',
    queue: (depth: number) => `대기 ${depth}`,
    deadLetter: (count: number) => `dead-letter ${count}`,
    beatAgo: (ago: string) => `${ago} 전`,
    downFor: (duration: string) => `${duration}째`,
    silencedList: '🔕 무음:',
    silencedUntil: (left: string, until: string) => `${left}, ${until}까지`,
    maintenanceList: '🛠 점검 중:',
    silenced: (target: string, duration: string) => `🔕 ${target}: ${duration} 동안 알림 끔`,
    unsilenced: (target: string) => `🔔 ${target}: 알림 다시 켬`,
    notSilenced: (target: string) => `${target}: 꺼진 알림이 없습니다.`,
    refused: '이 작업을 할 권한이 없습니다.',
    unknownTarget: (target: string, known: string) =>
      `알 수 없는 워커: ${target}\n가능한 값: ${known}`,
    usage: {
      silence: '사용법: /silence &lt;워커|all&gt; &lt;기간&gt; (예: /silence video-render 2h)',
      unsilence: '사용법: /unsilence &lt;워커|all&gt;',
      maintenance:
        '사용법: /maintenance &lt;워커|호스트|all&gt; &lt;기간&gt; [사유] (예: /maintenance nas 1h 백업) · /maintenance end &lt;번호|대상&gt; · /maintenance (목록)',
    },
    help: [
      '/status — 현재 상태',
      '/silence &lt;워커|all&gt; &lt;기간&gt; — 알림 끄기 (예: 30m, 2h, 1d) 🔒',
      '/unsilence &lt;워커|all&gt; — 알림 다시 켜기 🔒',
      '/dl &lt;워커&gt; — dead-letter 보기 · 재시도 🔒 (/dl log — 작업 기록)',
      '/maintenance &lt;워커|호스트|all&gt; &lt;기간&gt; [사유] — 점검 (알림 없음) 🔒; /maintenance — 목록; /maintenance end &lt;번호|대상&gt; — 끝내기 🔒',
      '/history &lt;워커&gt; — 최근 기록',
      '/report [7d|30d] — 가동률 리포트',
      '/help — 이 목록',
      '',
      '🔒 = TELEGRAM_ALLOWED_USER_IDS 사용자만 (알림 아래 확인 · 무음 버튼도). 나머지는 이 채팅의 누구나.',
    ],
    omitted: (count: number) => `… 외 ${count}줄`,
  },
  en: {
    statusTitle: 'Worker status',
    redisOk: 'Redis OK',
    redisDown: (error: string) => `🚨 Redis unreadable: ${error}`,
    noData: 'No data checked yet.',
    stale: '(last data read)',
    queue: (depth: number) => `queue ${depth}`,
    deadLetter: (count: number) => `dead-letter ${count}`,
    beatAgo: (ago: string) => `${ago} ago`,
    downFor: (duration: string) => `for ${duration}`,
    silencedList: '🔕 Silenced:',
    silencedUntil: (left: string, until: string) => `${left}, until ${until}`,
    maintenanceList: '🛠 Maintenance:',
    silenced: (target: string, duration: string) => `🔕 ${target}: silenced for ${duration}`,
    unsilenced: (target: string) => `🔔 ${target}: alerts back on`,
    notSilenced: (target: string) => `${target}: nothing was silenced.`,
    refused: 'You are not allowed to do this.',
    unknownTarget: (target: string, known: string) =>
      `Unknown worker: ${target}\nChoose from: ${known}`,
    usage: {
      silence:
        'Usage: /silence &lt;worker|all&gt; &lt;duration&gt; (e.g. /silence video-render 2h)',
      unsilence: 'Usage: /unsilence &lt;worker|all&gt;',
      maintenance:
        'Usage: /maintenance &lt;worker|host|all&gt; &lt;duration&gt; [reason] (e.g. /maintenance nas 1h backup) · /maintenance end &lt;number|target&gt; · /maintenance (list)',
    },
    help: [
      '/status — current status',
      '/silence &lt;worker|all&gt; &lt;duration&gt; — mute alerts (e.g. 30m, 2h, 1d) 🔒',
      '/unsilence &lt;worker|all&gt; — unmute 🔒',
      '/dl &lt;worker&gt; — dead letters: see, requeue 🔒 (/dl log — actions)',
      '/maintenance &lt;worker|host|all&gt; &lt;duration&gt; [reason] — maintenance (no alerts) 🔒; /maintenance — list; /maintenance end &lt;number|target&gt; — end it 🔒',
      '/history &lt;worker&gt; — recent events',
      '/report [7d|30d] — reliability report',
      '/help — this list',
      '',
      '🔒 = TELEGRAM_ALLOWED_USER_IDS users only (the acknowledge and silence buttons under alerts too); the rest: anyone in this chat.',
    ],
    omitted: (count: number) => `… ${count} more lines`,
  },
} as const;

function rendered(lines: string[], lang: Lang): RenderedMessage {
  const html = fitLines(lines, REPLIES[lang].omitted);
  return { html, plain: htmlToPlain(html) };
}

/** What `/status` tells besides the document: the silences and the running windows. */
export interface StatusMutes {
  silences: Silences;
  windows: readonly RunningWindow[];
}

/**
 * The `/status` answer: Redis, then what keeps alerts back (maintenance windows, silences) so
 * that a long fleet list cut at 4096 never hides it, then one line per worker (🛠 / 🔕 on those
 * that are kept quiet).
 */
export function renderStatus(
  document: StatusDocument | null,
  state: AlertState | null,
  mutes: StatusMutes,
  now: number,
  lang: Lang,
  timeZone: string,
): RenderedMessage {
  const r = REPLIES[lang];
  if (!document) return rendered([r.noData], lang);
  const redisLine = document.redis_ok
    ? r.redisOk
    : `${r.redisDown(escapeHtml(document.redis_error ?? '?'))} ${r.stale}`;
  const lines = [`<b>${r.statusTitle}</b> · ${redisLine}`];
  const fleet = document.workers.filter((w) => w.in_fleet);
  if (mutes.windows.length > 0) {
    lines.push(
      r.maintenanceList,
      ...runningWindowLines(mutes.windows, fleet, now, lang, timeZone).map((line) => `  ${line}`),
    );
  }
  const silences = Object.entries(mutes.silences).filter(([, until]) => until > now);
  if (silences.length > 0) {
    const list = silences.map(
      ([target, until]) =>
        `${escapeHtml(target)} (${r.silencedUntil(formatDuration(until - now, lang), formatClock(until, now, timeZone))})`,
    );
    lines.push(...wrapList(r.silencedList, list));
  }
  if (lines.length > 1) lines.push('');
  for (const worker of fleet) {
    const parts = [`${escapeHtml(worker.name)}`, stateLabel(worker, lang)];
    const downSince = state?.workers[worker.name]?.downSince;
    if (!worker.alive && downSince) parts.push(r.downFor(formatDuration(now - downSince, lang)));
    if (worker.alive && worker.last_beat_age_s !== null) {
      parts.push(r.beatAgo(formatDuration(worker.last_beat_age_s * 1000, lang)));
    }
    if (worker.queue !== null) parts.push(r.queue(worker.queue_depth));
    if (worker.dead_letter > 0) parts.push(`❌ ${r.deadLetter(worker.dead_letter)}`);
    if (worker.maintenance !== null) parts.push('🛠');
    if (isSilenced(worker.name, mutes.silences, now)) parts.push('🔕');
    lines.push(parts.join(' · '));
  }
  return rendered(lines, lang);
}

export function renderHelp(lang: Lang): RenderedMessage {
  return rendered([...REPLIES[lang].help], lang);
}

/** The answer to a write from a user who is not in TELEGRAM_ALLOWED_USER_IDS. */
export function renderRefused(lang: Lang): RenderedMessage {
  return rendered([REPLIES[lang].refused], lang);
}

export function renderUsage(command: UsageTopic, lang: Lang): RenderedMessage {
  return rendered([REPLIES[lang].usage[command]], lang);
}

/** Checks a silence target: `all` or a worker of the fleet. Returns the error reply, or null. */
export function checkSilenceTarget(
  target: string,
  workers: readonly string[],
  lang: Lang,
): RenderedMessage | null {
  if (target === SILENCE_ALL || workers.includes(target)) return null;
  const known = [SILENCE_ALL, ...workers].join(', ');
  return rendered([REPLIES[lang].unknownTarget(escapeHtml(target), escapeHtml(known))], lang);
}

export function renderSilenced(target: string, durationMs: number, lang: Lang): RenderedMessage {
  return rendered(
    [REPLIES[lang].silenced(escapeHtml(target), formatDuration(durationMs, lang))],
    lang,
  );
}

export function renderUnsilenced(target: string, removed: number, lang: Lang): RenderedMessage {
  const r = REPLIES[lang];
  return rendered(
    [removed > 0 ? r.unsilenced(escapeHtml(target)) : r.notSilenced(escapeHtml(target))],
    lang,
  );
}
