import { formatDuration } from '../duration.js';
import { clip, escapeHtml, fitLines, htmlToPlain, splitLines } from '../html.js';
import type { Lang } from '../lang.js';
import type { RenderedMessage } from '../messages.js';
import type { HistoryEvent } from './history-event.js';
import type { ReliabilityReport, WorkerReliability } from './reliability-report.js';

/** Entries `/history <worker>` shows. */
export const HISTORY_SHOWN = 20;
const MAX_NAME_CHARS = 200;

const TEXTS = {
  ko: {
    locale: 'ko-KR',
    historyTitle: (name: string, count: number) => `<b>[${name}] 최근 기록 ${count}건</b>`,
    noHistory: (name: string) => `[${name}] 기록이 없습니다.`,
    quiet: ' (무음)',
    events: {
      down: (e: Ev<'down'>) => `🔴 다운${e.atBoot ? ' (시작 후 하트비트 없음)' : ''}`,
      recovered: (e: Ev<'recovered'>, l: Lang) =>
        `🟢 복구 (다운 ${formatDuration(e.downForMs, l)})`,
      dead_letters: (e: Ev<'dead_letters'>) => `❌ 실패 누적 ${e.count}건`,
      queue_stuck: (e: Ev<'queue_stuck'>) => `⏳ 큐 정체 (대기 ${e.depth}건)`,
      queue_moving: (e: Ev<'queue_moving'>) => `▶️ 큐 처리 재개 (대기 ${e.depth}건)`,
      heartbeat_stale: () => '⚠️ 하트비트 멈춤',
      heartbeat_fresh: () => '✅ 하트비트 다시 갱신',
      job_stuck: () => '🧊 작업 멈춤',
      job_moving: () => '▶️ 작업 다시 진행',
      redis_lost: () => '🚨 Redis 읽기 실패',
      redis_back: (e: Ev<'redis_back'>, l: Lang) =>
        `✅ Redis 복구 (${formatDuration(e.downForMs, l)} 동안 끊김)`,
      evicting: () => '⚠️ Redis 키 내보내기 시작',
      evicting_over: () => '✅ Redis 키 내보내기 멈춤',
      maintenance_start: (e: Ev<'maintenance_start'>) =>
        `🛠 점검 시작 (${esc(e.target)})${windowBy(e, '플리트 파일')}`,
      maintenance_end: (e: Ev<'maintenance_end'>) =>
        `🛠 점검 끝 (${esc(e.target)})${windowBy(e, '플리트 파일')}`,
      acknowledged: (e: Ev<'acknowledged'>) => `👀 ${esc(e.by.name)} 확인`,
      escalated: () => '📣 에스컬레이션',
      silenced: (e: Ev<'silenced'>) => `🔕 무음 (${esc(e.target)})${by(e.by)}`,
      unsilenced: (e: Ev<'unsilenced'>) => `🔔 무음 해제 (${esc(e.target)})${by(e.by)}`,
    },
    reportTitle: (days: number) => `<b>📊 신뢰성 리포트 · 최근 ${days}일</b>`,
    period: (from: string, to: string) => `${from} – ${to}`,
    worker: (w: WorkerReliability, l: Lang) => [
      `<b>${esc(w.worker)}</b> ${w.uptimePct === null ? '—' : percent(w.uptimePct)}`,
      `장애 ${w.incidents}회`,
      w.incidents > 0
        ? `다운 ${formatDuration(w.downtimeMs, l)} (최장 ${formatDuration(w.longestMs, l)})`
        : null,
      w.mttrMs === null ? null : `MTTR ${formatDuration(w.mttrMs, l)}`,
      w.deadLetters > 0 ? `dead-letter ${w.deadLetters}건` : null,
      w.down ? '🔴 다운 중' : null,
    ],
    redis: (count: number, duration: string) =>
      `Redis 끊김 ${count}회 (${duration}): 계산에서 제외`,
    footer: '점검 시간은 제외. 가동률 = (관측 시간 − 다운) ÷ 관측 시간',
    weeklyTitle: '<b>📅 주간 리포트</b>',
    omitted: (count: number) => `… 외 ${count}줄`,
    usage: {
      history: '사용법: /history &lt;워커&gt;',
      report: '사용법: /report [7d|30d]',
    },
  },
  en: {
    locale: 'en-GB',
    historyTitle: (name: string, count: number) => `<b>[${name}] last ${count} events</b>`,
    noHistory: (name: string) => `[${name}] no history yet.`,
    quiet: ' (silenced)',
    events: {
      down: (e: Ev<'down'>) => `🔴 down${e.atBoot ? ' (no heartbeat since start)' : ''}`,
      recovered: (e: Ev<'recovered'>, l: Lang) =>
        `🟢 recovered (down ${formatDuration(e.downForMs, l)})`,
      dead_letters: (e: Ev<'dead_letters'>) => `❌ ${e.count} failed jobs`,
      queue_stuck: (e: Ev<'queue_stuck'>) => `⏳ queue stuck (${e.depth} waiting)`,
      queue_moving: (e: Ev<'queue_moving'>) => `▶️ queue moving (${e.depth} waiting)`,
      heartbeat_stale: () => '⚠️ heartbeat stale',
      heartbeat_fresh: () => '✅ heartbeat moving again',
      job_stuck: () => '🧊 job stuck',
      job_moving: () => '▶️ job moving again',
      redis_lost: () => '🚨 Redis unreadable',
      redis_back: (e: Ev<'redis_back'>, l: Lang) =>
        `✅ Redis back (was down ${formatDuration(e.downForMs, l)})`,
      evicting: () => '⚠️ Redis started evicting keys',
      evicting_over: () => '✅ Redis stopped evicting keys',
      maintenance_start: (e: Ev<'maintenance_start'>) =>
        `🛠 maintenance started (${esc(e.target)})${windowBy(e, 'fleet file')}`,
      maintenance_end: (e: Ev<'maintenance_end'>) =>
        `🛠 maintenance ended (${esc(e.target)})${windowBy(e, 'fleet file')}`,
      acknowledged: (e: Ev<'acknowledged'>) => `👀 acknowledged by ${esc(e.by.name)}`,
      escalated: () => '📣 escalated',
      silenced: (e: Ev<'silenced'>) => `🔕 silenced (${esc(e.target)})${by(e.by)}`,
      unsilenced: (e: Ev<'unsilenced'>) => `🔔 unsilenced (${esc(e.target)})${by(e.by)}`,
    },
    reportTitle: (days: number) => `<b>📊 Reliability report · last ${days} days</b>`,
    period: (from: string, to: string) => `${from} – ${to}`,
    worker: (w: WorkerReliability, l: Lang) => [
      `<b>${esc(w.worker)}</b> ${w.uptimePct === null ? '—' : percent(w.uptimePct)}`,
      `${w.incidents} incident${w.incidents === 1 ? '' : 's'}`,
      w.incidents > 0
        ? `down ${formatDuration(w.downtimeMs, l)} (longest ${formatDuration(w.longestMs, l)})`
        : null,
      w.mttrMs === null ? null : `MTTR ${formatDuration(w.mttrMs, l)}`,
      w.deadLetters > 0 ? `${w.deadLetters} dead letters` : null,
      w.down ? '🔴 down now' : null,
    ],
    redis: (count: number, duration: string) =>
      `Redis lost ${count}× (${duration}): left out of the figures`,
    footer: 'Maintenance left out. Uptime = (observed time − down) ÷ observed time',
    weeklyTitle: '<b>📅 Weekly report</b>',
    omitted: (count: number) => `… ${count} more lines`,
    usage: {
      history: 'Usage: /history &lt;worker&gt;',
      report: 'Usage: /report [7d|30d]',
    },
  },
} as const;

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;
type Renderers = { [T in HistoryEvent['type']]: (event: Ev<T>, lang: Lang) => string };
// Checked: a text for every event type, in both languages.
const RENDERERS: Record<Lang, Renderers> = { ko: TEXTS.ko.events, en: TEXTS.en.events };

function esc(text: string): string {
  return escapeHtml(clip(text, MAX_NAME_CHARS));
}

function by(actor: { name: string } | null): string {
  return actor ? ` · ${esc(actor.name)}` : '';
}

/** Who started (or ended) a window: a person, or the fleet file's schedule. */
function windowBy(event: Ev<'maintenance_start' | 'maintenance_end'>, fleetFile: string): string {
  return event.source === 'schedule' ? ` · ${fleetFile}` : by(event.by);
}

/** Two decimals, never rounded up to a perfect 100 that was not. */
function percent(value: number): string {
  return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
}

/** `12/02 09:13` in the report's time zone. */
export function formatTime(at: number, lang: Lang, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date =
    lang === 'ko' ? `${part('month')}/${part('day')}` : `${part('day')}/${part('month')}`;
  return `${date} ${part('hour')}:${part('minute')}`;
}

function rendered(html: string): RenderedMessage {
  return { html, plain: htmlToPlain(html) };
}

/** `/history <worker>`: its newest events (given newest first), one line each, newest first. */
export function renderHistory(
  worker: string,
  events: readonly HistoryEvent[],
  lang: Lang,
  timeZone: string,
): RenderedMessage {
  const t = TEXTS[lang];
  if (events.length === 0) return rendered(t.noHistory(esc(worker)));
  const lines = [
    t.historyTitle(esc(worker), events.length),
    ...events.map((event) => historyLine(event, lang, timeZone)),
  ];
  return rendered(fitLines(lines, t.omitted));
}

/** One history event as `/history` and the details button show it: when, what, who (HTML). */
export function historyLine(event: HistoryEvent, lang: Lang, timeZone: string): string {
  const text = (RENDERERS[lang][event.type] as (e: HistoryEvent, l: Lang) => string)(event, lang);
  const quiet = 'quiet' in event && event.quiet ? TEXTS[lang].quiet : '';
  return `${formatTime(event.at, lang, timeZone)} ${text}${quiet}`;
}

/** `/report` and the weekly digest: one line per worker, split into messages of ≤ 4096. */
export function renderReport(
  report: ReliabilityReport,
  lang: Lang,
  timeZone: string,
  options: { weekly?: boolean } = {},
): RenderedMessage[] {
  const t = TEXTS[lang];
  const days = Math.round((report.to - report.from) / 86_400_000);
  const lines = [
    ...(options.weekly ? [t.weeklyTitle] : []),
    t.reportTitle(days),
    t.period(formatTime(report.from, lang, timeZone), formatTime(report.to, lang, timeZone)),
    '',
    ...report.workers.map((figures) =>
      t
        .worker(figures, lang)
        .filter((part) => part !== null)
        .join(' · '),
    ),
    '',
    ...(report.redisOutages > 0
      ? [t.redis(report.redisOutages, formatDuration(report.redisDownMs, lang))]
      : []),
    `<i>${t.footer}</i>`,
  ];
  return splitLines(lines).map(rendered);
}

export function renderHistoryUsage(command: 'history' | 'report', lang: Lang): RenderedMessage {
  return rendered(TEXTS[lang].usage[command]);
}
