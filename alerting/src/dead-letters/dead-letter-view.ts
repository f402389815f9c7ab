import { escapeHtml, TELEGRAM_MAX_CHARS } from '../html.js';
import type { Button, Keyboard } from '../inline-keyboard.js';
import type { Lang } from '../lang.js';

/** Items per page of `/dl`. */
export const PAGE_SIZE = 5;
/** Bytes of each item read for its preview (a 1 MB item is never read whole). */
export const PREVIEW_BYTES = 512;
/** Characters of an item shown when it is not a recognised JSON job. */
const PREVIEW_CHARS = 80;

export const DEAD_LETTER_ACTIONS = ['requeue', 'requeue_all', 'delete', 'purge'] as const;
export type DeadLetterAction = (typeof DEAD_LETTER_ACTIONS)[number];
export const DEAD_LETTER_RESULTS = [
  'done',
  'already_done',
  'already_gone',
  'refused',
  'error',
] as const;
export type DeadLetterResult = (typeof DEAD_LETTER_RESULTS)[number];

/** One item as the peek script saw it. */
export interface PeekedItem {
  /** Its index in the list (0 = newest, pushed last on the left). */
  position: number;
  length: number;
  head: Buffer;
  sha1: string;
}

export interface DeadLetterPage {
  worker: string;
  /** Index of the worker in the fleet: how a button names it within 64 bytes. */
  workerIndex: number;
  total: number;
  offset: number;
  items: PeekedItem[];
}

/**
 * What a button press asks for; `ref` is a short id of what the list showed, stored in Redis.
 * Encoded as `dl:p:<worker index>:<offset>` (turn the page), `dl:o:<worker index>` (open the
 * list in a new message: the button under a dead-letter alert, which must stay as it is),
 * `dl:a:<action code>:<ref>` (ask to confirm), `dl:y:<action code>:<ref>` (confirmed).
 */
export type DeadLetterCallback =
  | { kind: 'page'; workerIndex: number; offset: number }
  | { kind: 'open'; workerIndex: number }
  | { kind: 'ask' | 'confirm'; action: DeadLetterAction; ref: string };

const ACTION_CODES: Record<DeadLetterAction, string> = {
  requeue: 'r',
  requeue_all: 'R',
  delete: 'd',
  purge: 'P',
};

export function encodeCallback(callback: DeadLetterCallback): string {
  if (callback.kind === 'page') return `dl:p:${callback.workerIndex}:${callback.offset}`;
  if (callback.kind === 'open') return `dl:o:${callback.workerIndex}`;
  return `dl:${callback.kind === 'ask' ? 'a' : 'y'}:${ACTION_CODES[callback.action]}:${callback.ref}`;
}

/** Parses a button's callback_data; null when it is not one of these. */
export function parseCallback(data: string): DeadLetterCallback | null {
  const page = /^dl:p:(\d{1,4}):(\d{1,9})$/.exec(data);
  if (page) return { kind: 'page', workerIndex: Number(page[1]), offset: Number(page[2]) };
  const open = /^dl:o:(\d{1,4})$/.exec(data);
  if (open) return { kind: 'open', workerIndex: Number(open[1]) };
  const act = /^dl:([ay]):([rRdP]):([A-Za-z0-9_-]{1,32})$/.exec(data);
  if (!act) return null;
  const action = DEAD_LETTER_ACTIONS.find((a) => ACTION_CODES[a] === act[2]) as DeadLetterAction;
  return { kind: act[1] === 'a' ? 'ask' : 'confirm', action, ref: act[3] as string };
}

const TEXTS = {
  ko: {
    title: (worker: string, total: number) => `❌ [${worker}] dead-letter ${total}건`,
    empty: (worker: string) => `✅ [${worker}] dead-letter 없음`,
    range: (from: number, to: number, total: number) => `${from}–${to} / ${total} (최신 순)`,
    binary: '바이너리',
    cut: '…(잘림)',
    readOnly: '읽기 전용 (TELEGRAM_ALLOWED_USER_IDS 없음)',
    newer: '◀ 최신',
    older: '이전 ▶',
    requeue: (n: number) => `↩️ #${n}`,
    remove: (n: number) => `🗑 #${n}`,
    requeueAll: (cap: number) => `↩️ 전부 재시도 (최대 ${cap})`,
    purge: '🧹 전부 삭제',
    yes: '✅ 실행',
    cancel: '✖ 취소',
    ask: {
      requeue: (item: string) => `이 작업을 큐에 다시 넣을까요?\n${item}`,
      delete: (item: string) => `이 작업을 삭제할까요?\n${item}`,
      requeue_all: (count: number) => `가장 오래된 ${count}건을 큐에 다시 넣을까요?`,
      purge: (total: number) => `dead-letter ${total}건을 모두 삭제할까요?`,
    },
    results: {
      done: (action: DeadLetterAction, moved: number, left: number) =>
        `✅ ${ACTION_WORDS.ko[action]}: ${moved}건 (남은 ${left}건)`,
      already_done: '이미 처리한 버튼입니다.',
      already_gone: '이미 없어진 항목입니다 (아무것도 옮기지 않음).',
      refused: '이 작업을 할 권한이 없습니다.',
      error: '실패했습니다. 다시 시도해 주세요.',
      expired: '버튼이 만료되었습니다. /dl 로 다시 여세요.',
    },
    logTitle: '최근 dead-letter 작업',
    logEmpty: '아직 작업 기록이 없습니다.',
    usage: '사용법: /dl &lt;워커&gt; 또는 /dl log',
  },
  en: {
    title: (worker: string, total: number) => `❌ [${worker}] ${total} dead letters`,
    empty: (worker: string) => `✅ [${worker}] no dead letters`,
    range: (from: number, to: number, total: number) => `${from}–${to} of ${total} (newest first)`,
    binary: 'binary',
    cut: '…(cut)',
    readOnly: 'read-only (no TELEGRAM_ALLOWED_USER_IDS)',
    newer: '◀ newer',
    older: 'older ▶',
    requeue: (n: number) => `↩️ #${n}`,
    remove: (n: number) => `🗑 #${n}`,
    requeueAll: (cap: number) => `↩️ requeue all (up to ${cap})`,
    purge: '🧹 purge',
    yes: '✅ do it',
    cancel: '✖ cancel',
    ask: {
      requeue: (item: string) => `Requeue this job?\n${item}`,
      delete: (item: string) => `Delete this job?\n${item}`,
      requeue_all: (count: number) => `Requeue the ${count} oldest?`,
      purge: (total: number) => `Delete all ${total} dead letters?`,
    },
    results: {
      done: (action: DeadLetterAction, moved: number, left: number) =>
        `✅ ${ACTION_WORDS.en[action]}: ${moved} (${left} left)`,
      already_done: 'That button was already used.',
      already_gone: 'Already gone (nothing moved).',
      refused: 'You are not allowed to do this.',
      error: 'Failed; please try again.',
      expired: 'This button has expired; open /dl again.',
    },
    logTitle: 'Last dead-letter actions',
    logEmpty: 'No actions yet.',
    usage: 'Usage: /dl &lt;worker&gt; or /dl log',
  },
} as const;

const ACTION_WORDS: Record<Lang, Record<DeadLetterAction, string>> = {
  ko: { requeue: '재시도', requeue_all: '전부 재시도', delete: '삭제', purge: '전부 삭제' },
  en: { requeue: 'requeued', requeue_all: 'requeued', delete: 'deleted', purge: 'purged' },
};

export function deadLetterTexts(lang: Lang) {
  return TEXTS[lang];
}

/** `230 B`, `1.5 KB`, `1.0 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The head's text, or null when it is binary (not UTF-8, or control characters). */
function headText(head: Buffer, whole: boolean): string | null {
  let bytes = head;
  if (!whole) {
    // A cut may split the last character: drop its incomplete trailing bytes.
    let end = bytes.length;
    let back = 0;
    while (end > 0 && back < 3 && ((bytes[end - 1] as number) & 0xc0) === 0x80) {
      end -= 1;
      back += 1;
    }
    if (end > 0 && ((bytes[end - 1] as number) & 0xc0) === 0xc0) end -= 1;
    else end += back;
    bytes = bytes.subarray(0, end);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary detection
  return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
}

const JOB_TYPE_FIELDS = ['type', 'job_type', 'kind', 'task'];
const JOB_ID_FIELDS = ['task_id', 'job_id', 'id'];

function jobFields(text: string, whole: boolean): { type?: string; id?: string } | null {
  if (whole) {
    try {
      const job: unknown = JSON.parse(text);
      if (!job || typeof job !== 'object' || Array.isArray(job)) return null;
      const record = job as Record<string, unknown>;
      const pick = (fields: string[]) => {
        const value = fields
          .map((f) => record[f])
          .find((v) => typeof v === 'string' || typeof v === 'number');
        return value === undefined ? undefined : String(value);
      };
      const type = pick(JOB_TYPE_FIELDS);
      const id = pick(JOB_ID_FIELDS);
      return type === undefined && id === undefined
        ? null
        : { ...(type ? { type } : {}), ...(id ? { id } : {}) };
    } catch {
      return null;
    }
  }
  // A big JSON item: its first bytes may still name the job.
  if (!text.startsWith('{')) return null;
  const field = (fields: string[]) => {
    for (const f of fields) {
      const match = new RegExp(`"${f}"\\s*:\\s*("((?:[^"\\\\]|\\\\.){0,100})"|-?\\d{1,20})`).exec(
        text,
      );
      if (match) return match[2] ?? match[1];
    }
    return undefined;
  };
  const type = field(JOB_TYPE_FIELDS);
  const id = field(JOB_ID_FIELDS);
  return type === undefined && id === undefined
    ? null
    : { ...(type ? { type } : {}), ...(id ? { id } : {}) };
}

/** Cuts text to `max` characters without splitting a character (surrogate pairs included). */
function cutChars(text: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(text);
  return chars.length <= max
    ? { text, cut: false }
    : { text: chars.slice(0, max).join(''), cut: true };
}

/** One item's preview, HTML-escaped: the job type and id of a JSON job, else its first characters. */
export function previewItem(item: PeekedItem, lang: Lang): string {
  const t = TEXTS[lang];
  const whole = item.head.length >= item.length;
  const text = headText(item.head, whole);
  if (text === null) {
    return `<i>${t.binary}</i> <code>${item.head.subarray(0, 16).toString('hex')}</code>`;
  }
  const job = jobFields(text, whole);
  if (job) {
    const parts = [job.type, job.id ? `#${job.id}` : undefined].filter(Boolean) as string[];
    return `<code>${escapeHtml(cutChars(parts.join(' '), PREVIEW_CHARS).text)}</code>`;
  }
  const oneLine = text.replace(/\s+/g, ' ');
  const { text: shown, cut } = cutChars(oneLine, PREVIEW_CHARS);
  return `<code>${escapeHtml(shown)}</code>${cut || !whole ? '…' : ''}`;
}

/** The line of one item: position, size, preview. */
export function itemLine(item: PeekedItem, lang: Lang): string {
  return `#${item.position + 1} · ${formatSize(item.length)} · ${previewItem(item, lang)}`;
}

export interface PageView {
  html: string;
  keyboard: Keyboard;
}

/**
 * A page of `/dl <worker>`: the total, one line per item, and its buttons. `refs` are the short
 * ids of the shown items and of the list (for requeue-all and purge); null = read-only.
 */
export function renderPage(
  page: DeadLetterPage,
  refs: { items: string[]; list: string } | null,
  options: { lang: Lang; requeueCap: number; note?: string },
): PageView {
  const t = TEXTS[options.lang];
  const worker = escapeHtml(page.worker);
  const head = options.note ? [options.note, ''] : [];
  if (page.total === 0)
    return { html: [...head, `<b>${t.empty(worker)}</b>`].join('\n'), keyboard: [] };
  const lines = [...head, `<b>${t.title(worker, page.total)}</b>`];
  lines.push(...page.items.map((item) => itemLine(item, options.lang)));
  const from = page.offset + 1;
  const to = page.offset + page.items.length;
  lines.push(`<i>${t.range(from, to, page.total)}</i>`);
  if (!refs) lines.push(`<i>${t.readOnly}</i>`);
  let html = lines.join('\n');
  // Previews are short, so this only guards a pathological worker name.
  if (html.length > TELEGRAM_MAX_CHARS)
    html = `<b>${t.title(worker.slice(0, 200), page.total)}</b>`;
  const keyboard: Keyboard = [];
  if (refs) {
    for (const [index, item] of page.items.entries()) {
      const ref = refs.items[index] as string;
      keyboard.push([
        {
          text: t.requeue(item.position + 1),
          callback_data: encodeCallback({ kind: 'ask', action: 'requeue', ref }),
        },
        {
          text: t.remove(item.position + 1),
          callback_data: encodeCallback({ kind: 'ask', action: 'delete', ref }),
        },
      ]);
    }
    keyboard.push([
      {
        text: t.requeueAll(options.requeueCap),
        callback_data: encodeCallback({ kind: 'ask', action: 'requeue_all', ref: refs.list }),
      },
      {
        text: t.purge,
        callback_data: encodeCallback({ kind: 'ask', action: 'purge', ref: refs.list }),
      },
    ]);
  }
  const nav: Button[] = [];
  if (page.offset > 0) {
    nav.push({
      text: t.newer,
      callback_data: encodeCallback({
        kind: 'page',
        workerIndex: page.workerIndex,
        offset: Math.max(0, page.offset - PAGE_SIZE),
      }),
    });
  }
  if (to < page.total) {
    nav.push({
      text: t.older,
      callback_data: encodeCallback({ kind: 'page', workerIndex: page.workerIndex, offset: to }),
    });
  }
  if (nav.length > 0) keyboard.push(nav);
  return { html, keyboard };
}

/** The confirm step of an action: the question and its two buttons. */
export function renderConfirm(
  action: DeadLetterAction,
  ref: string,
  subject: {
    itemLine?: string;
    total: number;
    requeueCap: number;
    workerIndex: number;
    offset: number;
  },
  lang: Lang,
): PageView {
  const t = TEXTS[lang];
  const question =
    action === 'requeue' || action === 'delete'
      ? t.ask[action](subject.itemLine ?? '')
      : action === 'requeue_all'
        ? t.ask.requeue_all(Math.min(subject.total, subject.requeueCap))
        : t.ask.purge(subject.total);
  return {
    html: question,
    keyboard: [
      [
        { text: t.yes, callback_data: encodeCallback({ kind: 'confirm', action, ref }) },
        {
          text: t.cancel,
          callback_data: encodeCallback({
            kind: 'page',
            workerIndex: subject.workerIndex,
            offset: subject.offset,
          }),
        },
      ],
    ],
  };
}

/** The answer to an action, as the pop-up text and the note above the refreshed list. */
export function resultText(
  action: DeadLetterAction,
  outcome: { result: DeadLetterResult; moved: number; left: number },
  lang: Lang,
): string {
  const r = TEXTS[lang].results;
  return outcome.result === 'done'
    ? r.done(action, outcome.moved, outcome.left)
    : r[outcome.result];
}

export interface AuditEntry {
  user: string;
  userName: string;
  at: number;
  worker: string;
  action: string;
  count: number;
  left: number;
  result: string;
}

/** `/dl log`: the last actions, newest first. */
export function renderLog(entries: readonly AuditEntry[], lang: Lang): string {
  const t = TEXTS[lang];
  if (entries.length === 0) return t.logEmpty;
  const lines = entries.map((e) => {
    const when = new Date(e.at).toISOString().replace('T', ' ').slice(0, 19);
    const who = e.userName ? `@${e.userName} (${e.user})` : e.user;
    return `${when} · ${escapeHtml(who)} · ${escapeHtml(e.worker)} · ${e.action} · ${e.count} · ${e.result}`;
  });
  return [`<b>${t.logTitle}</b>`, ...lines].join('\n');
}
