import { encodeCallback } from './dead-letters/dead-letter-view.js';
import type { AlertEvent } from './evaluate-check.js';
import { clip, escapeHtml } from './html.js';
import type { Button, Keyboard } from './inline-keyboard.js';
import type { Lang } from './lang.js';
import type { RenderedMessage } from './messages.js';

/** What an incident is: a problem someone should take on, with buttons under its alert. */
export const INCIDENT_KINDS = ['down', 'queue_stuck', 'job_stuck'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

const KIND_CODES: Record<IncidentKind, string> = { down: 'd', queue_stuck: 'q', job_stuck: 'j' };

/** The event that opens each kind of incident. */
export const OPENING_EVENTS: Record<IncidentKind, AlertEvent['type']> = {
  down: 'worker_down',
  queue_stuck: 'queue_stuck',
  job_stuck: 'job_stuck',
};

/**
 * An incident's id: kind, the worker's index in the fleet and when it opened (base 36), e.g.
 * `d1.mbx3k2p0`. Short, so a callback (`al:k:<id>`) stays far below Telegram's 64 bytes.
 */
export function incidentId(kind: IncidentKind, workerIndex: number, openedAt: number): string {
  return `${KIND_CODES[kind]}${workerIndex}.${Math.round(openedAt).toString(36)}`;
}

/** What an alert button asks for. */
export type AlertCallback =
  | { kind: 'ack'; incident: string }
  | { kind: 'silence'; incident: string }
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
      rows.push({
        worker: event.worker,
        buttons: [
          { text: t.ack, callback_data: encodeAlertCallback({ kind: 'ack', incident }) },
          { text: t.silence, callback_data: encodeAlertCallback({ kind: 'silence', incident }) },
          {
            text: t.details,
            callback_data: encodeAlertCallback({ kind: 'details', workerIndex: index }),
          },
        ],
      });
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
