import { randomBytes } from 'node:crypto';
import type { WorkerSpec } from '@fleet/core/contracts';
import { alertingKeys, redisKeys } from '@fleet/core/contracts';
import type { Redis } from 'ioredis';
import { DEAD_LETTER_SCRIPTS } from './dead-letter-scripts.js';
import {
  type AuditEntry,
  type DeadLetterAction,
  type DeadLetterResult,
  PAGE_SIZE,
  type PeekedItem,
  PREVIEW_BYTES,
} from './dead-letter-view.js';

/** Audit entries kept (approximately: `XADD MAXLEN ~`). */
const AUDIT_MAXLEN = 1000;
/** How long a shown list's buttons keep working, and an action id is remembered. */
const REF_TTL_S = 7 * 86_400;

/** What a button's short id stands for: one item as shown, or the list as shown. */
export interface DeadLetterRef {
  worker: string;
  /** The item's SHA-1 and length, found again by content; absent for the whole list. */
  sha1?: string;
  length?: number;
  position?: number;
  /** The page the list was on (where "cancel" goes back to). */
  offset: number;
}

export interface ActionOutcome {
  result: Exclude<DeadLetterResult, 'refused' | 'error'>;
  moved: number;
  left: number;
}

export interface Actor {
  id: number;
  username: string;
}

/** The dead-letter lists of the fleet, read and changed only through one Lua script each. */
export class DeadLetterStore {
  private readonly keys: {
    ref: (id: string) => string;
    done: (id: string) => string;
    audit: string;
  };

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number,
  ) {
    for (const [name, script] of Object.entries(DEAD_LETTER_SCRIPTS))
      redis.defineCommand(name, script);
    this.keys = {
      ref: (id) => alertingKeys.deadLetterRef(prefix, id),
      done: (id) => alertingKeys.deadLetterDone(prefix, id),
      audit: alertingKeys.deadLetterAudit(prefix),
    };
  }

  /** A page of the worker's dead letters, newest first. */
  async peek(queue: string, offset: number): Promise<{ total: number; items: PeekedItem[] }> {
    const reply = await this.redis.deadLetterPeekBuffer(
      redisKeys.deadLetter(queue),
      offset,
      PAGE_SIZE,
      PREVIEW_BYTES,
    );
    const [total, ...rest] = reply;
    const items: PeekedItem[] = [];
    for (let index = 0; index + 2 < rest.length; index += 3) {
      items.push({
        position: offset + index / 3,
        length: Number(rest[index]),
        head: rest[index + 1] as Buffer,
        sha1: (rest[index + 2] as Buffer).toString(),
      });
    }
    return { total: Number(total), items };
  }

  /** Stores what a button refers to under a short random id (the callback data holds the id). */
  async saveRefs(refs: DeadLetterRef[]): Promise<string[]> {
    const ids = refs.map(() => randomBytes(8).toString('base64url'));
    const pipeline = this.redis.pipeline();
    refs.forEach((ref, index) => {
      pipeline.set(this.keys.ref(ids[index] as string), JSON.stringify(ref), 'EX', REF_TTL_S);
    });
    await pipeline.exec();
    return ids;
  }

  async loadRef(id: string): Promise<DeadLetterRef | null> {
    const json = await this.redis.get(this.keys.ref(id));
    return json ? (JSON.parse(json) as DeadLetterRef) : null;
  }

  /**
   * Runs one action atomically; `actionId` makes a second run with the same id a no-op. Requeued
   * items go to the worker's retry end (fleet file: `take_from`, `retry_to`).
   */
  async act(
    action: DeadLetterAction,
    actionId: string,
    ref: DeadLetterRef,
    worker: WorkerSpec & { queue: string },
    options: { cap: number; actor: Actor },
  ): Promise<ActionOutcome> {
    const { pushCommand, towardTaking } = retryEnd(worker);
    const [result, moved, left] = await this.redis.deadLetterAct(
      redisKeys.deadLetter(worker.queue),
      worker.queue,
      this.keys.done(actionId),
      this.keys.audit,
      action,
      ref.sha1 ?? '',
      ref.length ?? -1,
      ref.position ?? 0,
      pushCommand,
      towardTaking ? 1 : 0,
      options.cap,
      AUDIT_MAXLEN,
      REF_TTL_S,
      String(options.actor.id),
      options.actor.username,
      this.now(),
      worker.name,
    );
    return { result: result as ActionOutcome['result'], moved: Number(moved), left: Number(left) };
  }

  /** Records an action that was not run (a refused press), so the audit shows it too. */
  async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.redis.xadd(
      this.keys.audit,
      'MAXLEN',
      '~',
      AUDIT_MAXLEN,
      '*',
      'user',
      entry.user,
      'user_name',
      entry.userName,
      'at',
      String(this.now()),
      'worker',
      entry.worker,
      'action',
      entry.action,
      'count',
      String(entry.count),
      'left',
      String(entry.left),
      'result',
      entry.result,
    );
  }

  /** The last `count` audit entries, newest first. */
  async lastActions(count: number): Promise<AuditEntry[]> {
    const entries = await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', count);
    return entries.map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let index = 0; index + 1 < fields.length; index += 2) {
        record[fields[index] as string] = fields[index + 1] as string;
      }
      return {
        user: record.user ?? '',
        userName: record.user_name ?? '',
        at: Number(record.at ?? 0),
        worker: record.worker ?? '',
        action: record.action ?? '',
        count: Number(record.count ?? 0),
        left: Number(record.left ?? 0),
        result: record.result ?? '',
      };
    });
  }
}

/**
 * The push that puts a requeued job where the fleet file says:
 *
 *     producers LPUSH ─►  [ newest … oldest ]  ─► workers take (take_from: right)
 *                          ▲ retry_to: back        ▲ retry_to: front (taken next)
 */
export function retryEnd(worker: Pick<WorkerSpec, 'takeFrom' | 'retryTo'>): {
  pushCommand: 'LPUSH' | 'RPUSH';
  towardTaking: boolean;
} {
  const towardTaking = worker.retryTo === 'front';
  const end = towardTaking ? worker.takeFrom : worker.takeFrom === 'right' ? 'left' : 'right';
  return { pushCommand: end === 'right' ? 'RPUSH' : 'LPUSH', towardTaking };
}
