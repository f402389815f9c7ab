import { alertingKeys } from '@fleet/core/contracts';
import type { Redis, Result } from 'ioredis';
import type { AlertState, PressRecord } from './alert-state.js';
import { APPEND_HISTORY_LUA, type HistoryBatch } from './history/history-stream.js';
import type { Keyboard } from './inline-keyboard.js';
import type { RenderedMessage } from './messages.js';
import type { Silences } from './silences.js';

/** A message waiting in the outbox until Telegram accepts it. */
export interface OutboxMessage {
  chatId: string;
  html: string;
  plain: string;
  /** `html` until Telegram refuses the markup, then `plain`. */
  parseMode: 'html' | 'plain';
  /** Failed attempts so far (drives the backoff). */
  attempts: number;
  createdAt: number;
  /** Not to be sent before this time (a 429's retry_after, or the backoff). */
  dueAt: number;
  /**
   * Inline buttons under the message. Kept with it, so a resend after a crash mid-send (or the
   * plain-text fallback) carries the same buttons.
   */
  keyboard?: Keyboard;
}

/** A message for the outbox, due now, to be sent as HTML first. */
export function outboxMessage(chatId: string, text: RenderedMessage, now: number): OutboxMessage {
  return {
    chatId,
    html: text.html,
    plain: text.plain,
    parseMode: 'html',
    attempts: 0,
    createdAt: now,
    dueAt: now,
    ...(text.keyboard && text.keyboard.length > 0 ? { keyboard: text.keyboard } : {}),
  };
}

/** An alert as Telegram accepted it, with the incidents under it: what an edit starts from. */
export interface SentAlert {
  chatId: string;
  messageId: number;
  /** The text as sent, in its parse mode. */
  text: string;
  parseMode: 'html' | 'plain';
  keyboard: Keyboard;
  incidents: string[];
}

/** A press recorded once; `done` is false when an earlier press got there first. */
export interface PressOutcome {
  done: boolean;
  record: PressRecord;
}

export interface ClaimedMessage {
  id: string;
  message: OutboxMessage;
}

/** Bumped when the stored shape changes: an older shape is then ignored, not misread. */
const STATE_FORMAT = 2;
/**
 * How long a sent alert is remembered for edits (its buttons work after that, but the message is
 * no longer edited).
 */
const SENT_ALERT_TTL_S = 30 * 86_400;
/** How many outbox entries one claim looks at (the oldest per chat go first). */
const CLAIM_SCAN_LIMIT = 200;
/** How long a once-only message's mark is kept (longer than any schedule's period). */
const SENT_MARK_MS = 30 * 86_400_000;
/** Messages Telegram refused for good are kept this deep for inspection. */
const FAILED_KEEP = 100;

// A sequence that vanished (evicted under allkeys-*) restarts above the newest message waiting,
// so that no id is reused and the order per chat holds.
const RESTORE_SEQUENCE = (queue: string, sequence: string) => `
if redis.call('EXISTS', ${sequence}) == 0 then
  local newest = redis.call('ZRANGE', ${queue}, -1, -1, 'WITHSCORES')
  if newest[2] then redis.call('SET', ${sequence}, newest[2]) end
end
`;

// The state, its messages and its history entries go together or not at all: a check that
// crashes before this script, or loses the compare-and-set, records no transition, and the one
// that commits records each exactly once.
const COMMIT = {
  numberOfKeys: 5,
  lua: `${APPEND_HISTORY_LUA}
local current = redis.call('HGET', KEYS[1], 'rev') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'format', ARGV[3], 'json', ARGV[4])
${RESTORE_SEQUENCE('KEYS[2]', 'KEYS[4]')}
local last = 7 + tonumber(ARGV[5])
for i = 8, last do
  local id = redis.call('INCR', KEYS[4])
  redis.call('HSET', KEYS[3], id, ARGV[i])
  redis.call('ZADD', KEYS[2], id, id)
end
if #ARGV > last then append_history(KEYS[5], ARGV[6], ARGV[7], last + 1, #ARGV) end
return 1
`,
};

// Queues the messages only if the mark is new, and sets it: a scheduled message (the weekly
// report) goes out once whichever replica, and however many times, it is attempted.
const ENQUEUE_ONCE = {
  numberOfKeys: 4,
  lua: `
if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[1]) then return 0 end
${RESTORE_SEQUENCE('KEYS[1]', 'KEYS[3]')}
for i = 2, #ARGV do
  local id = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[2], id, ARGV[i])
  redis.call('ZADD', KEYS[1], id, id)
end
return 1
`,
};

const ENQUEUE = {
  numberOfKeys: 3,
  lua: `
${RESTORE_SEQUENCE('KEYS[1]', 'KEYS[3]')}
for i = 1, #ARGV do
  local id = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[2], id, ARGV[i])
  redis.call('ZADD', KEYS[1], id, id)
end
return #ARGV
`,
};

// Only the oldest message of each chat may go, so a chat's messages arrive in order even when
// one of them waits out a 429. A claim is live while it has not expired AND its owner is present
// (its presence key, renewed every second, exists): the claim of a replica that crashed mid-send
// is free within seconds, so nothing waits behind a dead send. (Presence keys are named by
// prefix, not passed as KEYS: this service runs on a single Redis, not a cluster.)
const CLAIM = {
  numberOfKeys: 3,
  lua: `
local now = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[4]) - 1)
local seen = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if not raw then
    redis.call('ZREM', KEYS[1], id)
  else
    local message = cjson.decode(raw)
    local chat = tostring(message.chatId)
    if not seen[chat] then
      seen[chat] = true
      local live = false
      local claim = redis.call('HGET', KEYS[3], id)
      if claim then
        local owner, expiry = string.match(claim, '^(.*)|(%d+)$')
        live = tonumber(expiry) > now and redis.call('EXISTS', ARGV[5] .. owner) == 1
      end
      if not live and tonumber(message.dueAt) <= now then
        redis.call('HSET', KEYS[3], id, ARGV[2] .. '|' .. (now + tonumber(ARGV[3])))
        return {id, raw}
      end
    end
  end
end
return false
`,
};

const OWNS_CLAIM = `
local claim = redis.call('HGET', KEYS[3], ARGV[1])
if not claim or string.sub(claim, 1, #ARGV[2] + 1) ~= ARGV[2] .. '|' then return 0 end
`;

const ACKNOWLEDGE = {
  numberOfKeys: 3,
  lua: `${OWNS_CLAIM}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`,
};

const RESCHEDULE = {
  numberOfKeys: 3,
  lua: `${OWNS_CLAIM}
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`,
};

const REJECT = {
  numberOfKeys: 4,
  lua: `${OWNS_CLAIM}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('LPUSH', KEYS[4], ARGV[3])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[4]) - 1)
return 1
`,
};

// Marks the caller present, then takes the lease when it is free or its holder is no longer
// present (it crashed: no waiting out the lease), renews it for its holder, refuses anyone else.
const LEASE = {
  numberOfKeys: 2,
  lua: `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
local holder = redis.call('GET', KEYS[1])
if not holder or holder == ARGV[1] or redis.call('EXISTS', ARGV[4] .. holder) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`,
};

const RELEASE = {
  numberOfKeys: 2,
  lua: `
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
};

// A press under an incident is recorded once: the first one acts, a later one learns who did.
const PRESS_ACK = {
  numberOfKeys: 1,
  lua: `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then return {0, old} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1, ARGV[2]}
`,
};

// "Silence 1 h" sets the silence and its record together; pressed again while that silence runs,
// it changes nothing. A longer silence already set is never shortened.
const PRESS_SILENCE = {
  numberOfKeys: 2,
  lua: `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and tonumber(cjson.decode(old)['until']) > tonumber(ARGV[5]) then return {0, old} end
local current = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
if tonumber(ARGV[4]) > current then redis.call('HSET', KEYS[2], ARGV[3], ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {1, ARGV[2]}
`,
};

/** The scripts, as ioredis commands: run by EVALSHA, sent as EVAL when Redis lacks them. */
const SCRIPTS = {
  alertingCommit: COMMIT,
  alertingEnqueue: ENQUEUE,
  alertingEnqueueOnce: ENQUEUE_ONCE,
  alertingClaim: CLAIM,
  alertingAcknowledge: ACKNOWLEDGE,
  alertingReschedule: RESCHEDULE,
  alertingReject: REJECT,
  alertingLease: LEASE,
  alertingRelease: RELEASE,
  alertingPressAck: PRESS_ACK,
  alertingPressSilence: PRESS_SILENCE,
};

type Arg = string | number;

// The commands SCRIPTS adds to a client, typed: keys first (numberOfKeys of them), then arguments.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    alertingCommit(
      state: string,
      queue: string,
      messages: string,
      sequence: string,
      history: string,
      ...args: Arg[]
    ): Result<number, Context>;
    alertingEnqueue(
      queue: string,
      messages: string,
      sequence: string,
      ...payloads: string[]
    ): Result<number, Context>;
    alertingEnqueueOnce(
      queue: string,
      messages: string,
      sequence: string,
      mark: string,
      markMs: number,
      ...payloads: string[]
    ): Result<number, Context>;
    alertingClaim(
      queue: string,
      messages: string,
      claims: string,
      now: number,
      owner: string,
      claimMs: number,
      scanLimit: number,
      presencePrefix: string,
    ): Result<[string, string] | null, Context>;
    alertingAcknowledge(
      queue: string,
      messages: string,
      claims: string,
      id: string,
      owner: string,
    ): Result<number, Context>;
    alertingReschedule(
      queue: string,
      messages: string,
      claims: string,
      id: string,
      owner: string,
      message: string,
    ): Result<number, Context>;
    alertingReject(
      queue: string,
      messages: string,
      claims: string,
      failed: string,
      id: string,
      owner: string,
      record: string,
      keep: number,
    ): Result<number, Context>;
    alertingLease(
      lease: string,
      presence: string,
      owner: string,
      ttlMs: number,
      presenceMs: number,
      presencePrefix: string,
    ): Result<number, Context>;
    alertingRelease(lease: string, presence: string, owner: string): Result<number, Context>;
    alertingPressAck(
      presses: string,
      field: string,
      record: string,
    ): Result<[number, string], Context>;
    alertingPressSilence(
      presses: string,
      silences: string,
      field: string,
      record: string,
      worker: string,
      until: number,
      now: number,
    ): Result<[number, string], Context>;
  }
}

/**
 * Everything the alerting service keeps in Redis, under its own key prefix: the alert state, the
 * outbox of messages for Telegram, silences, the lease that elects the checking replica, and the
 * Bot API update offset. Every change that must not be split is one Lua script.
 */
export class AlertStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    for (const [name, script] of Object.entries(SCRIPTS)) redis.defineCommand(name, script);
    this.keys = {
      state: alertingKeys.state(prefix),
      queue: alertingKeys.outboxQueue(prefix),
      messages: alertingKeys.outboxMessages(prefix),
      claims: alertingKeys.outboxClaims(prefix),
      sequence: alertingKeys.outboxSequence(prefix),
      failed: alertingKeys.outboxFailed(prefix),
      lease: alertingKeys.lease(prefix),
      presence: alertingKeys.replicaPrefix(prefix),
      silences: alertingKeys.silences(prefix),
      updateOffset: alertingKeys.updateOffset(prefix),
      presses: alertingKeys.incidentPresses(prefix),
      alertMessage: (chatId: string, messageId: number) =>
        alertingKeys.incidentMessage(prefix, chatId, messageId),
      incidentMessages: (id: string) => alertingKeys.incidentMessages(prefix, id),
      sent: (mark: string) => alertingKeys.sent(prefix, mark),
      history: alertingKeys.history(prefix),
    };
  }

  /** The stored state and its revision (0 when there is none, or it is of an older format). */
  async loadState(): Promise<{ state: AlertState | null; rev: number }> {
    const stored = await this.redis.hmget(this.keys.state, 'rev', 'format', 'json');
    const [rev, format, json] = stored;
    const revision = Number(rev ?? 0);
    if (!json || Number(format) !== STATE_FORMAT) return { state: null, rev: revision };
    try {
      return { state: JSON.parse(json) as AlertState, rev: revision };
    } catch {
      // Unreadable (hand-edited?): start afresh rather than stop alerting; the next commit
      // overwrites it.
      return { state: null, rev: revision };
    }
  }

  /**
   * Writes the next state, its messages and its history entries together, only if the stored
   * revision is still `expectedRev`: a second writer that raced this one is refused and must
   * re-evaluate.
   */
  async commitCheck(
    expectedRev: number,
    next: AlertState,
    messages: readonly OutboxMessage[],
    history?: HistoryBatch,
  ): Promise<boolean> {
    const { state, queue, messages: bodies, sequence } = this.keys;
    const result = await this.redis.alertingCommit(
      state,
      queue,
      bodies,
      sequence,
      // Always a real key of ours (never ''): the least-privilege ACL allows no other.
      history?.key ?? this.keys.history,
      String(expectedRev),
      String(next.rev),
      STATE_FORMAT,
      JSON.stringify(next),
      messages.length,
      history?.minId ?? 0,
      history?.maxLength ?? 0,
      ...messages.map((message) => JSON.stringify(message)),
      ...(history?.args ?? []),
    );
    return result === 1;
  }

  async enqueue(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.redis.alertingEnqueue(
      this.keys.queue,
      this.keys.messages,
      this.keys.sequence,
      ...messages.map((message) => JSON.stringify(message)),
    );
  }

  /** Whether the message marked `mark` was queued (see {@link AlertStore.enqueueOnce}). */
  async wasSent(mark: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.sent(mark))) === 1;
  }

  /**
   * Queues the messages unless `mark` was queued before (remembered for 30 days); true when
   * this call queued them.
   */
  async enqueueOnce(mark: string, messages: readonly OutboxMessage[]): Promise<boolean> {
    const result = await this.redis.alertingEnqueueOnce(
      this.keys.queue,
      this.keys.messages,
      this.keys.sequence,
      this.keys.sent(mark),
      SENT_MARK_MS,
      ...messages.map((message) => JSON.stringify(message)),
    );
    return result === 1;
  }

  /** Claims the next message that may be sent now, for `claimMs`; null when none is due. */
  async claimNext(owner: string, now: number, claimMs: number): Promise<ClaimedMessage | null> {
    const { queue, messages, claims } = this.keys;
    const result = await this.redis.alertingClaim(
      queue,
      messages,
      claims,
      now,
      owner,
      claimMs,
      CLAIM_SCAN_LIMIT,
      this.keys.presence,
    );
    if (!result) return null;
    return { id: result[0], message: JSON.parse(result[1]) as OutboxMessage };
  }

  /** Telegram accepted the message: it leaves the outbox. False when the claim was lost. */
  async acknowledge(id: string, owner: string): Promise<boolean> {
    const { queue, messages, claims } = this.keys;
    return (await this.redis.alertingAcknowledge(queue, messages, claims, id, owner)) === 1;
  }

  /** The message goes back to wait (with a new due time or parse mode). */
  async reschedule(id: string, owner: string, message: OutboxMessage): Promise<boolean> {
    const { queue, messages, claims } = this.keys;
    const body = JSON.stringify(message);
    return (await this.redis.alertingReschedule(queue, messages, claims, id, owner, body)) === 1;
  }

  /** Telegram refused the message for good: it moves to the failed list, kept for inspection. */
  async reject(
    id: string,
    owner: string,
    message: OutboxMessage,
    reason: string,
  ): Promise<boolean> {
    const record = JSON.stringify({ ...message, reason });
    const { queue, messages, claims, failed } = this.keys;
    return (
      (await this.redis.alertingReject(
        queue,
        messages,
        claims,
        failed,
        id,
        owner,
        record,
        FAILED_KEEP,
      )) === 1
    );
  }

  async outboxSize(): Promise<number> {
    return this.redis.zcard(this.keys.queue);
  }

  /**
   * Marks `owner` present for `presenceMs`, and takes or renews the lease; false while another
   * replica holds it and is present.
   */
  async holdLease(owner: string, ttlMs: number, presenceMs: number): Promise<boolean> {
    const { lease, presence } = this.keys;
    return (
      (await this.redis.alertingLease(
        lease,
        `${presence}${owner}`,
        owner,
        Math.ceil(ttlMs),
        Math.ceil(presenceMs),
        presence,
      )) === 1
    );
  }

  /** Hands the lease over and ends `owner`'s presence, which frees its outbox claims too. */
  async releaseLease(owner: string): Promise<void> {
    await this.redis.alertingRelease(this.keys.lease, `${this.keys.presence}${owner}`, owner);
  }

  /** Active silences; expired ones are dropped on the way. */
  async loadSilences(now: number): Promise<Silences> {
    const all = await this.redis.hgetall(this.keys.silences);
    const active: Record<string, number> = {};
    const expired: string[] = [];
    for (const [target, until] of Object.entries(all)) {
      if (Number(until) > now) active[target] = Number(until);
      else expired.push(target);
    }
    if (expired.length > 0) await this.redis.hdel(this.keys.silences, ...expired);
    return active;
  }

  async silence(target: string, until: number): Promise<void> {
    await this.redis.hset(this.keys.silences, target, String(until));
  }

  /** Lifts the silences of the given targets; returns how many there were. */
  async unsilence(targets: readonly string[]): Promise<number> {
    if (targets.length === 0) return 0;
    return this.redis.hdel(this.keys.silences, ...targets);
  }

  async loadUpdateOffset(): Promise<number | undefined> {
    const offset = await this.redis.get(this.keys.updateOffset);
    return offset === null ? undefined : Number(offset);
  }

  async saveUpdateOffset(offset: number): Promise<void> {
    await this.redis.set(this.keys.updateOffset, String(offset));
  }

  /** Who acknowledged which incident. */
  async loadAcks(): Promise<Record<string, PressRecord>> {
    const all = await this.redis.hgetall(this.keys.presses);
    const acks: Record<string, PressRecord> = {};
    for (const [field, json] of Object.entries(all)) {
      if (field.startsWith('ack:')) acks[field.slice(4)] = JSON.parse(json) as PressRecord;
    }
    return acks;
  }

  /** Records the acknowledgement of an incident, once. */
  async acknowledgeIncident(id: string, record: PressRecord): Promise<PressOutcome> {
    const [done, json] = await this.redis.alertingPressAck(
      this.keys.presses,
      `ack:${id}`,
      JSON.stringify(record),
    );
    return { done: done === 1, record: JSON.parse(json) as PressRecord };
  }

  /** Silences `worker` until `record.until` for a press under incident `id`, once per silence. */
  async silenceFromButton(
    id: string,
    worker: string,
    record: PressRecord & { until: number },
  ): Promise<PressOutcome> {
    const [done, json] = await this.redis.alertingPressSilence(
      this.keys.presses,
      this.keys.silences,
      `silence:${id}`,
      JSON.stringify(record),
      worker,
      record.until,
      record.at,
    );
    return { done: done === 1, record: JSON.parse(json) as PressRecord };
  }

  /** Drops the presses of incidents that are over (`open` holds the ids of those that are not). */
  async forgetPresses(open: ReadonlySet<string>): Promise<void> {
    const fields = await this.redis.hkeys(this.keys.presses);
    const over = fields.filter((field) => !open.has(field.slice(field.indexOf(':') + 1)));
    if (over.length > 0) await this.redis.hdel(this.keys.presses, ...over);
  }

  /** Remembers an alert Telegram accepted, under each of its incidents, for later edits. */
  async recordSentAlert(alert: SentAlert): Promise<void> {
    const key = this.keys.alertMessage(alert.chatId, alert.messageId);
    const pipeline = this.redis.multi().set(key, JSON.stringify(alert), 'EX', SENT_ALERT_TTL_S);
    for (const id of alert.incidents) {
      pipeline
        .sadd(this.keys.incidentMessages(id), key)
        .expire(this.keys.incidentMessages(id), SENT_ALERT_TTL_S);
    }
    await pipeline.exec();
  }

  /** The alerts (in every chat) that show incident `id`. */
  async sentAlerts(id: string): Promise<SentAlert[]> {
    const keys = await this.redis.smembers(this.keys.incidentMessages(id));
    if (keys.length === 0) return [];
    const alerts = await this.redis.mget(...keys);
    return alerts.flatMap((json) => (json ? [JSON.parse(json) as SentAlert] : []));
  }
}
