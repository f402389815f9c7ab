import type { AlertState } from './alert-state.js';
import { formatDuration } from './duration.js';
import type { AlertEvent } from './evaluate-check.js';
import { clip, escapeHtml, fitLines, htmlToPlain } from './html.js';
import type { Lang } from './lang.js';

/** A message ready for Telegram: the HTML form, and the plain form to fall back on. */
export interface RenderedMessage {
  html: string;
  plain: string;
}

const MAX_ERROR_CHARS = 300;

/** Texts by language. Names and errors arrive already escaped; the rest is literal. */
const TEXTS = {
  ko: {
    workerDown: (name: string) => `🔴 [${name}] 워커 다운`,
    lastBeat: (ago: string) => `마지막 하트비트 ${ago} 전`,
    noBeatSinceBoot: (grace: string) => `모니터 시작 후 ${grace} 동안 하트비트 없음`,
    workerRecovered: (name: string) => `🟢 [${name}] 워커 복구`,
    downFor: (duration: string) => `다운 ${duration}`,
    stillDown: (name: string, duration: string) => `🔁 [${name}] 여전히 다운 (${duration}째)`,
    deadLetter: (name: string, count: number) => `❌ [${name}] 실패 누적 ${count}건 (dead-letter)`,
    queueStuck: (name: string, depth: number, duration: string) =>
      `⏳ [${name}] 큐 정체: 대기 ${depth}건, ${duration}째 줄지 않음`,
    queueMoving: (name: string, depth: number) => `▶️ [${name}] 큐 처리 재개 (대기 ${depth}건)`,
    redisDown: '🚨 모니터가 Redis를 읽을 수 없음',
    redisError: (error: string) => `오류: ${error}`,
    redisStillDown: (duration: string) => `🔁 Redis 여전히 연결 안 됨 (${duration}째)`,
    redisRestored: (duration: string) => `✅ Redis 연결 복구 (${duration} 동안 끊김)`,
    stillDownList: '아직 다운:',
    omitted: (count: number) => `… 외 ${count}줄`,
  },
  en: {
    workerDown: (name: string) => `🔴 [${name}] worker down`,
    lastBeat: (ago: string) => `last heartbeat ${ago} ago`,
    noBeatSinceBoot: (grace: string) => `no heartbeat in the ${grace} since the monitor started`,
    workerRecovered: (name: string) => `🟢 [${name}] worker recovered`,
    downFor: (duration: string) => `down ${duration}`,
    stillDown: (name: string, duration: string) => `🔁 [${name}] still down (${duration})`,
    deadLetter: (name: string, count: number) => `❌ [${name}] ${count} failed jobs (dead-letter)`,
    queueStuck: (name: string, depth: number, duration: string) =>
      `⏳ [${name}] queue stuck: ${depth} waiting, not falling for ${duration}`,
    queueMoving: (name: string, depth: number) =>
      `▶️ [${name}] queue moving again (${depth} waiting)`,
    redisDown: '🚨 The monitor cannot read Redis',
    redisError: (error: string) => `error: ${error}`,
    redisStillDown: (duration: string) => `🔁 Redis still unreachable (${duration})`,
    redisRestored: (duration: string) => `✅ Redis reachable again (was down ${duration})`,
    stillDownList: 'Still down:',
    omitted: (count: number) => `… ${count} more lines`,
  },
} as const;

export type MessageTexts = (typeof TEXTS)[Lang];

export function textsFor(lang: Lang): MessageTexts {
  return TEXTS[lang];
}

function eventLines(event: AlertEvent, now: number, lang: Lang): string[] {
  const t = TEXTS[lang];
  const duration = (ms: number) => formatDuration(ms, lang);
  const name = 'worker' in event ? escapeHtml(event.worker) : '';
  switch (event.type) {
    case 'worker_down': {
      const detail = event.atBoot
        ? t.noBeatSinceBoot(duration(now - event.downSince))
        : event.lastBeatAt
          ? t.lastBeat(duration(now - Date.parse(event.lastBeatAt)))
          : null;
      return [`<b>${t.workerDown(name)}</b>`, ...(detail ? [`   ${detail}`] : [])];
    }
    case 'worker_recovered':
      return [`<b>${t.workerRecovered(name)}</b> (${t.downFor(duration(event.downForMs))})`];
    case 'worker_still_down':
      return [t.stillDown(name, duration(event.downForMs))];
    case 'dead_letter':
      return [`<b>${t.deadLetter(name, event.count)}</b>`];
    case 'queue_stuck':
      return [`<b>${t.queueStuck(name, event.depth, duration(event.stuckForMs))}</b>`];
    case 'queue_moving':
      return [t.queueMoving(name, event.depth)];
    case 'redis_down':
      return [
        `<b>${t.redisDown}</b>`,
        ...(event.error
          ? [`   ${t.redisError(escapeHtml(clip(event.error, MAX_ERROR_CHARS)))}`]
          : []),
      ];
    case 'redis_still_down':
      return [t.redisStillDown(duration(event.downForMs))];
    case 'redis_restored':
      return [`<b>${t.redisRestored(duration(event.downForMs))}</b>`];
  }
}

/**
 * One message for the events of one check, followed by what is still down that the events did
 * not just mention: whoever reads only the latest message still sees the whole picture.
 */
export function renderAlertMessage(
  events: readonly AlertEvent[],
  state: AlertState,
  now: number,
  lang: Lang,
): RenderedMessage {
  const t = TEXTS[lang];
  const lines = events.flatMap((event) => eventLines(event, now, lang));
  const mentioned = new Set(
    events.flatMap((event) =>
      event.type === 'worker_down' || event.type === 'worker_still_down' ? [event.worker] : [],
    ),
  );
  const stillDown = Object.entries(state.workers)
    .filter(([name, entry]) => entry.status === 'down' && !mentioned.has(name))
    .map(
      ([name, entry]) =>
        `${escapeHtml(name)} (${formatDuration(now - (entry.downSince ?? now), lang)})`,
    );
  if (stillDown.length > 0) lines.push('', `<i>${t.stillDownList}</i> ${stillDown.join(', ')}`);
  const html = fitLines(lines, t.omitted);
  return { html, plain: htmlToPlain(html) };
}
