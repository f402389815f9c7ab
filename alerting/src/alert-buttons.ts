import { stateLabel, type WorkerStatus } from '@fleet/core/contracts';
import type { Incident, PressRecord, WorkerAlertState } from './alert-state.js';
import { encodeCallback } from './dead-letters/dead-letter-view.js';
import { formatDuration } from './duration.js';
import type { AlertEvent } from './evaluate-check.js';
import type { HistoryEvent } from './history/history-event.js';
import { historyLine } from './history/history-view.js';
import { clip, escapeHtml, fitLines } from './html.js';
import type { Button, Keyboard } from './inline-keyboard.js';
import type { Lang } from './lang.js';
import { clockTime, incidentText, presser, type RenderedMessage } from './messages.js';

export const ALERT_BUTTON_ACTIONS = ['ack', 'silence', 'details'] as const;
export type AlertButtonAction = (typeof ALERT_BUTTON_ACTIONS)[number];
export const ALERT_BUTTON_RESULTS = [
  'done',
  'already_done',
  'refused',
  'expired',
  'error',
] as const;
export type AlertButtonResult = (typeof ALERT_BUTTON_RESULTS)[number];

/** What an alert button asks for. */
export type AlertCallback =
  | { kind: Exclude<AlertButtonAction, 'details'>; incident: string }
  | { kind: 'details'; workerIndex: number };

export function encodeAlertCallback(callback: AlertCallback): string {
  switch (callback.kind) {
    case 'ack':
      return `al:k:${callback.incident}`;
    case 'silence':
      return `al:s:${callback.incident}`;
    case 'details':
      return `al:i:${callback.workerIndex}`;
  }
}

/** Parses an alert button's callback_data; null when it is not one of these. */
export function parseAlertCallback(data: string): AlertCallback | null {
  const incident = /^al:([ks]):([dqj]\d{1,4}\.[0-9a-z]{1,12})$/.exec(data);
  if (incident) {
    return { kind: incident[1] === 'k' ? 'ack' : 'silence', incident: incident[2] as string };
  }
  const details = /^al:i:(\d{1,4})$/.exec(data);
  return details ? { kind: 'details', workerIndex: Number(details[1]) } : null;
}

/** The incidents whose acknowledge button is in a keyboard. */
export function incidentsUnder(keyboard: Keyboard | undefined): string[] {
  return (keyboard ?? []).flat().flatMap((button) => {
    const callback = parseAlertCallback(button.callback_data);
    return callback?.kind === 'ack' ? [callback.incident] : [];
  });
}

const LABELS = {
  ko: {
    ack: '✅ 확인',
    silence: '🔕 무음 1시간',
    details: 'ℹ️ 상세',
    deadLetters: '📋 실패 작업 보기',
  },
  en: {
    ack: '✅ Acknowledge',
    silence: '🔕 Silence 1h',
    details: 'ℹ️ Details',
    deadLetters: '📋 Dead letters',
  },
} as const;

const TEXTS = {
  ko: {
    answers: {
      acked: '확인했습니다. 이 장애의 반복 알림을 멈춥니다.',
      alreadyAcked: (who: string, when: string) => `이미 ${who} 님이 확인했습니다 (${when}).`,
      silenced: (name: string, until: string) => `🔕 ${name}: ${until}까지 알림 끔`,
      alreadySilenced: (who: string, until: string) =>
        `이미 ${who} 님이 ${until}까지 무음으로 설정했습니다.`,
      over: '이미 끝난 장애입니다.',
      refused: '이 작업을 할 권한이 없습니다.',
      error: '실패했습니다. 다시 시도해 주세요.',
    },
    details: {
      title: (name: string) => `ℹ️ [${name}] 상세`,
      noData: '아직 확인한 데이터가 없습니다.',
      state: (label: string) => `상태: ${label}`,
      lastBeat: (when: string, ago: string) => `마지막 하트비트: ${when} (${ago} 전)`,
      downSince: (when: string, duration: string) => `다운 시작: ${when} (${duration}째)`,
      queue: (depth: number, dead: number, inFlight: number) =>
        `대기 ${depth} · 처리 중 ${inFlight} · dead-letter ${dead}`,
      silenced: (until: string) => `🔕 무음: ${until}까지`,
      maintenance: (window: string, until: string) => `🛠 점검 중: ${window} · ${until}까지`,
      incident: (line: string, since: string) => `장애: ${line} · ${since}부터`,
      ackedBy: (who: string, when: string) => `✅ ${who} 님이 확인 (${when})`,
      notAcked: '확인 안 됨',
      escalated: (when: string) => `⏫ ${when} 에스컬레이션`,
      history: '최근 기록:',
    },
  },
  en: {
    answers: {
      acked: 'Acknowledged. Reminders for this incident stop.',
      alreadyAcked: (who: string, when: string) => `Already acknowledged by ${who} (${when}).`,
      silenced: (name: string, until: string) => `🔕 ${name}: silenced until ${until}`,
      alreadySilenced: (who: string, until: string) => `Already silenced by ${who} until ${until}.`,
      over: 'This incident is already over.',
      refused: 'You are not allowed to do this.',
      error: 'Failed; please try again.',
    },
    details: {
      title: (name: string) => `ℹ️ [${name}] details`,
      noData: 'No data checked yet.',
      state: (label: string) => `state: ${label}`,
      lastBeat: (when: string, ago: string) => `last heartbeat: ${when} (${ago} ago)`,
      downSince: (when: string, duration: string) => `down since: ${when} (${duration})`,
      queue: (depth: number, dead: number, inFlight: number) =>
        `queue ${depth} · in flight ${inFlight} · dead-letter ${dead}`,
      silenced: (until: string) => `🔕 silenced until ${until}`,
      maintenance: (window: string, until: string) => `🛠 maintenance: ${window} · until ${until}`,
      incident: (line: string, since: string) => `incident: ${line} · since ${since}`,
      ackedBy: (who: string, when: string) => `✅ acknowledged by ${who} (${when})`,
      notAcked: 'not acknowledged',
      escalated: (when: string) => `⏫ escalated ${when}`,
      history: 'last transitions:',
    },
  },
} as const;

export function buttonTexts(lang: Lang) {
  return TEXTS[lang];
}

export interface WorkerDetails {
  status: WorkerStatus | null;
  alert: WorkerAlertState | null;
  incidents: (Incident & { ack: PressRecord | null })[];
  silencedUntil: number | null;
  /** The newest entries of the history stream about the worker, newest first. */
  history: readonly HistoryEvent[];
}

/**
 * The answer to "details": the worker's state now (alive or down since when, last heartbeat,
 * queue, in flight, dead letters, silence, maintenance), its open incidents (who acknowledged,
 * escalated), and its last transitions as `/history` shows them.
 */
export function renderDetails(
  worker: string,
  details: WorkerDetails,
  now: number,
  lang: Lang,
  timeZone: string,
): string {
  const t = TEXTS[lang].details;
  const name = escapeHtml(clip(worker, 200));
  const duration = (ms: number) => formatDuration(ms, lang);
  const lines = [`<b>${t.title(name)}</b>`];
  const { status, alert } = details;
  if (!status) return [...lines, t.noData].join('\n');
  lines.push(t.state(stateLabel(status, lang)));
  const beat =
    alert?.lastBeatSeenAt ??
    (status.last_beat_age_s === null ? null : now - status.last_beat_age_s * 1000);
  if (beat !== null) lines.push(t.lastBeat(clockTime(beat, timeZone), duration(now - beat)));
  if (alert?.status === 'down' && alert.downSince !== null) {
    lines.push(t.downSince(clockTime(alert.downSince, timeZone), duration(now - alert.downSince)));
  }
  if (status.queue !== null) {
    lines.push(t.queue(status.queue_depth, status.dead_letter, status.processing));
  }
  if (details.silencedUntil !== null && details.silencedUntil > now) {
    lines.push(t.silenced(clockTime(details.silencedUntil, timeZone)));
  }
  const window = status.maintenance;
  if (window) {
    const what = `#${escapeHtml(clip(window.id, 40))} ${escapeHtml(clip(window.target, 200))}`;
    lines.push(t.maintenance(what, clockTime(Date.parse(window.until), timeZone)));
  }
  for (const incident of details.incidents) {
    const parts = [
      t.incident(incidentText(incident.kind, name, lang), clockTime(incident.openedAt, timeZone)),
      incident.ack
        ? t.ackedBy(presser(incident.ack), clockTime(incident.ack.at, timeZone))
        : t.notAcked,
      ...(incident.escalatedAt !== null
        ? [t.escalated(clockTime(incident.escalatedAt, timeZone))]
        : []),
    ];
    lines.push(parts.join(' · '));
  }
  if (details.history.length > 0) {
    lines.push(t.history, ...details.history.map((event) => historyLine(event, lang, timeZone)));
  }
  return fitLines(lines, () => '…');
}

/** How long the silence button silences a worker. */
export const BUTTON_SILENCE_MS = 3_600_000;
/** Button rows under one message at most (Telegram allows 100 buttons; a big outage has more). */
export const MAX_ALERT_ROWS = 8;
/** A worker's name on a button is clipped to this (a message with several rows names each). */
const BUTTON_NAME_CHARS = 24;

/** One row of buttons for one worker's event. */
export interface AlertButtonRow {
  worker: string;
  buttons: Button[];
}

/**
 * The rows of buttons for the events of one check: for each incident it opens, acknowledge,
 * silence 1 h and details; for dead letters, the list of that worker's dead letters (`/dl`).
 * `openedIncidents` maps an opening event to its incident id; `workerIndex` names a worker by
 * its place in the fleet (callback data stay short). A message naming several workers puts each
 * one's name on its buttons.
 */
export function alertButtonRows(
  events: readonly AlertEvent[],
  openedIncidents: ReadonlyMap<AlertEvent, string>,
  workerIndex: (worker: string) => number,
  hasQueue: (worker: string) => boolean,
  lang: Lang,
): AlertButtonRow[] {
  const t = LABELS[lang];
  const rows: AlertButtonRow[] = [];
  for (const event of events) {
    if (!('worker' in event)) continue;
    const index = workerIndex(event.worker);
    if (index < 0) continue;
    const incident = openedIncidents.get(event);
    if (incident) {
      rows.push(incidentRow(incident, event.worker, index, lang));
    } else if (event.type === 'dead_letter' && hasQueue(event.worker)) {
      rows.push({
        worker: event.worker,
        buttons: [
          {
            text: t.deadLetters,
            callback_data: encodeCallback({ kind: 'open', workerIndex: index }),
          },
        ],
      });
    }
  }
  return namedRows(rows);
}

/** Acknowledge, silence 1 h and details: the buttons under an incident's alert. */
export function incidentRow(
  incident: string,
  worker: string,
  workerIndex: number,
  lang: Lang,
): AlertButtonRow {
  const t = LABELS[lang];
  return {
    worker,
    buttons: [
      { text: t.ack, callback_data: encodeAlertCallback({ kind: 'ack', incident }) },
      { text: t.silence, callback_data: encodeAlertCallback({ kind: 'silence', incident }) },
      { text: t.details, callback_data: encodeAlertCallback({ kind: 'details', workerIndex }) },
    ],
  };
}

/** Rows for several workers name each one on its first button. */
export function namedRows(rows: AlertButtonRow[]): AlertButtonRow[] {
  const named = new Set(rows.map((row) => row.worker)).size > 1;
  return named
    ? rows.map((row) => ({
        ...row,
        buttons: row.buttons.map((button, i) =>
          i === 0
            ? { ...button, text: `${button.text} · ${clip(row.worker, BUTTON_NAME_CHARS)}` }
            : button,
        ),
      }))
    : rows;
}

/**
 * Puts each row under the message that mentions its worker (a big outage is split across
 * several), at most MAX_ALERT_ROWS a message; the rest go without buttons (`/status`,
 * `/silence` and `/dl` still reach them).
 */
export function attachButtons(
  messages: readonly RenderedMessage[],
  rows: readonly AlertButtonRow[],
): RenderedMessage[] {
  const keyboards: Keyboard[] = messages.map(() => []);
  for (const row of rows) {
    // The name as a whole word: `[name]`, or in a host's list of names.
    const name = escapeHtml(row.worker).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const mention = new RegExp(`(^|[\\s[,(>])${name}($|[\\s\\],)<])`);
    let at = messages.findIndex((message) => mention.test(message.html));
    if (at < 0) at = messages.length - 1;
    const keyboard = keyboards[at];
    if (keyboard && keyboard.length < MAX_ALERT_ROWS) keyboard.push(row.buttons);
  }
  return messages.map((message, index) => {
    const keyboard = keyboards[index] ?? [];
    return keyboard.length > 0 ? { ...message, keyboard } : message;
  });
}
