import { unlistedWorker, type WorkerSpec } from './contracts/fleet.js';
import type { UnlistedInfo } from './contracts/status-document.js';
import type { WorkerKind } from './contracts/worker-kinds.js';

/** Why a heartbeat key found by the SCAN pass is not shown as a worker. */
export const DROP_REASONS = ['too_many', 'too_long', 'unshowable'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface UnlistedRules {
  /** At most this many unlisted workers are remembered. */
  limit: number;
  /** A name longer than this (in UTF-8 bytes) is dropped. */
  nameMaxBytes: number;
  /** An unlisted worker whose heartbeat key has been missing this long is forgotten. */
  forgetAfterMs: number;
}

/** How many unshowable names the document lists, escaped. */
const UNSHOWABLE_EXAMPLES = 10;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Control characters and the line and paragraph separators: they break a line, a label, a log. */
const UNSHOWABLE = /[\p{Cc}\p{Zl}\p{Zp}]/u;

export type NameCheck = { ok: true; name: string } | { ok: false; reason: DropReason };

/** Whether a heartbeat key's `<name>` bytes can be shown as a worker name. */
export function checkWorkerName(bytes: Buffer, nameMaxBytes: number): NameCheck {
  if (bytes.length > nameMaxBytes) return { ok: false, reason: 'too_long' };
  let name: string;
  try {
    name = STRICT_UTF8.decode(bytes);
  } catch {
    return { ok: false, reason: 'unshowable' };
  }
  return UNSHOWABLE.test(name) ? { ok: false, reason: 'unshowable' } : { ok: true, name };
}

/** A name made printable: `\xNN` for a byte that is not UTF-8, `\uNNNN` for a control character. */
export function escapeWorkerName(bytes: Buffer): string {
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return [...bytes]
      .map((byte) =>
        byte >= 0x20 && byte < 0x7f && byte !== 0x5c
          ? String.fromCharCode(byte)
          : `\\x${byte.toString(16).padStart(2, '0')}`,
      )
      .join('');
  }
  return text.replace(
    /[\p{Cc}\p{Zl}\p{Zp}\\]/gu,
    (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
}

interface Entry {
  spec: WorkerSpec;
  alive: boolean;
  lastAliveAtMs: number;
}

/**
 * The workers that beat without being in the fleet file. They come from the SCAN pass and go
 * after `forgetAfterMs` without a heartbeat key; when the limit is reached, a new live worker
 * takes the place of the one gone longest, so junk that was deleted cannot keep a real worker
 * out. What a pass left out is counted by reason.
 */
export class UnlistedWorkers {
  private readonly entries = new Map<string, Entry>();
  private dropped: Record<DropReason, number> = { too_many: 0, too_long: 0, unshowable: 0 };
  private unshowable: string[] = [];
  private forgotten = 0;

  constructor(private readonly rules: UnlistedRules) {}

  /**
   * Takes in the heartbeat names of one SCAN pass (their keys existed just now). Returns the
   * names that made room for new ones, so their memory can go too.
   */
  admit(names: readonly Buffer[], isListed: (name: string) => boolean, nowMs: number): string[] {
    const dropped: Record<DropReason, number> = { too_many: 0, too_long: 0, unshowable: 0 };
    const unshowable: string[] = [];
    const replaced: string[] = [];
    for (const bytes of names) {
      const check = checkWorkerName(bytes, this.rules.nameMaxBytes);
      if (!check.ok) {
        dropped[check.reason] += 1;
        if (check.reason === 'unshowable' && unshowable.length < UNSHOWABLE_EXAMPLES) {
          unshowable.push(escapeWorkerName(bytes));
        }
        continue;
      }
      const { name } = check;
      if (isListed(name) || this.entries.has(name)) continue;
      if (this.entries.size >= this.rules.limit) {
        const gone = this.longestGone();
        if (gone === null) {
          dropped.too_many += 1;
          continue;
        }
        this.entries.delete(gone);
        this.forgotten += 1;
        replaced.push(gone);
      }
      // The kind is provisional until the worker's heartbeat is read.
      this.entries.set(name, {
        spec: unlistedWorker(name, 'render'),
        alive: true,
        lastAliveAtMs: nowMs,
      });
    }
    this.dropped = dropped;
    this.unshowable = unshowable;
    return replaced;
  }

  /** The workers to read, by name. */
  specs(): WorkerSpec[] {
    return [...this.entries.values()]
      .map((entry) => entry.spec)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * What one collection found for an unlisted worker: whether its key exists, and its kind
   * once the heartbeat says it.
   */
  observe(name: string, alive: boolean, kind: WorkerKind | null, nowMs: number): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.alive = alive;
    if (alive) entry.lastAliveAtMs = nowMs;
    if (kind !== null && kind !== entry.spec.kind) entry.spec = unlistedWorker(name, kind);
  }

  /** Forgets the workers gone for `forgetAfterMs`; returns their names. */
  forget(nowMs: number): string[] {
    const forgotten: string[] = [];
    for (const [name, entry] of this.entries) {
      if (!entry.alive && nowMs - entry.lastAliveAtMs >= this.rules.forgetAfterMs) {
        this.entries.delete(name);
        forgotten.push(name);
      }
    }
    this.forgotten += forgotten.length;
    return forgotten;
  }

  /** Their queues (for matching in-flight lists). */
  queues(): string[] {
    return [...this.entries.values()].flatMap((entry) =>
      entry.spec.queue ? [entry.spec.queue] : [],
    );
  }

  info(): UnlistedInfo {
    return {
      count: this.entries.size,
      limit: this.rules.limit,
      forget_after_s: Math.round(this.rules.forgetAfterMs / 1000),
      name_max_bytes: this.rules.nameMaxBytes,
      dropped: { ...this.dropped },
      unshowable_names: [...this.unshowable],
      forgotten: this.forgotten,
    };
  }

  private longestGone(): string | null {
    let oldest: [string, Entry] | null = null;
    for (const item of this.entries) {
      if (!item[1].alive && (oldest === null || item[1].lastAliveAtMs < oldest[1].lastAliveAtMs)) {
        oldest = item;
      }
    }
    return oldest?.[0] ?? null;
  }
}
