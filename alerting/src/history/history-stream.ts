import { alertingKeys } from '@fleet/core/contracts';
import type { Redis, Result } from 'ioredis';
import { concernsWorker, HISTORY_EVENT_TYPES, type HistoryEvent } from './history-event.js';

/** What a history stream keeps. */
export interface HistoryRetention {
  /** Events older than this are trimmed (`XTRIM MINID ~`). @defaultValue 90 days */
  retentionMs: number;
  /** A safety cap on the number of events (`XADD MAXLEN ~`). @defaultValue 100 000 */
  maxLength: number;
}

/**
 * Events ready to be appended by a Lua script of another store (the check's commit), so that a
 * transition is recorded in the same atomic step as the state that decided it.
 */
export interface HistoryBatch {
  key: string;
  /** Entries with a smaller id (older) are trimmed. */
  minId: number;
  maxLength: number;
  /** `at`, JSON, `at`, JSON … */
  args: string[];
}

/**
 * Lua: `append_history(key, minId, maxLength, first, last)` appends the (at, JSON) pairs of
 * ARGV[first..last]. Ids are the event's time, so that time retention runs on the monitor's clock
 * (not Redis's), and never go backwards: an event older than the newest entry (clock skew
 * between replicas) takes the newest entry's millisecond.
 */
export const APPEND_HISTORY_LUA = `
local function append_history(key, minId, maxLength, first, last)
  local tip = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
  local lastMs, lastSeq = -1, 0
  if tip then
    local ms, seq = string.match(tip[1], '^(%d+)-(%d+)$')
    lastMs, lastSeq = tonumber(ms), tonumber(seq)
  end
  for i = first, last - 1, 2 do
    local at = tonumber(ARGV[i])
    if at > lastMs then lastMs, lastSeq = at, 0 else lastSeq = lastSeq + 1 end
    redis.call('XADD', key, 'MAXLEN', '~', maxLength,
      string.format('%.0f-%.0f', lastMs, lastSeq), 'e', ARGV[i + 1])
  end
  redis.call('XTRIM', key, 'MINID', '~', minId)
end
`;

const APPEND = {
  numberOfKeys: 2,
  lua: `${APPEND_HISTORY_LUA}
if tonumber(ARGV[3]) > 0 then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then return 0 end
end
append_history(KEYS[1], ARGV[1], ARGV[2], 4, #ARGV)
return 1
`,
};

declare module 'ioredis' {
  interface RedisCommander<Context> {
    historyAppend(
      stream: string,
      once: string,
      minId: number,
      maxLength: number,
      onceMs: number,
      ...pairs: string[]
    ): Result<number, Context>;
  }
}

/** A page of XRANGE / XREVRANGE: bounded, so one read never blocks Redis for long. */
const PAGE = 500;
const KNOWN_TYPES = new Set<string>(HISTORY_EVENT_TYPES);

export interface HistoryQuery {
  /** Only events at or after this time (epoch ms). */
  since?: number;
  /** Only events at or before this time (epoch ms). */
  until?: number;
  /** Only events about this worker (fleet-wide ones included). */
  worker?: string;
}

/**
 * The history of transitions: a capped Redis stream `<prefix>history` (one JSON field `e` per
 * entry, id = the event's time). The check's transitions are appended by the check's own commit
 * (see {@link HistoryStream.batch}); everything else (button presses, maintenance) by
 * {@link HistoryStream.append}.
 */
export class HistoryStream {
  readonly key: string;
  private readonly oncePrefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly retention: HistoryRetention,
    private readonly now: () => number,
  ) {
    redis.defineCommand('historyAppend', APPEND);
    this.key = alertingKeys.history(prefix);
    this.oncePrefix = alertingKeys.historyOncePrefix(prefix);
  }

  /**
   * Trims are approximate (whole stream nodes, the cheap way); reads cut at the retention
   * exactly.
   */
  private oldestKept(): number {
    return Math.max(0, this.now() - this.retention.retentionMs);
  }

  /** The events as arguments for {@link APPEND_HISTORY_LUA}, trimmed as of now. */
  batch(events: readonly HistoryEvent[]): HistoryBatch {
    return {
      key: this.key,
      minId: this.oldestKept(),
      maxLength: this.retention.maxLength,
      args: events.flatMap((event) => [String(event.at), JSON.stringify(event)]),
    };
  }

  /**
   * Appends events atomically. With `onceId`, a second append with the same id (a retried
   * button press, a replica doing the same work) records nothing and returns false; the id is
   * remembered as long as events are.
   */
  async append(
    events: HistoryEvent | readonly HistoryEvent[],
    options: { onceId?: string } = {},
  ): Promise<boolean> {
    const list = Array.isArray(events) ? events : [events as HistoryEvent];
    if (list.length === 0) return false;
    const { key, minId, maxLength, args } = this.batch(list);
    // Without an id no mark is set (TTL 0), but the key is still one of ours: the
    // least-privilege ACL refuses any other, '' included.
    const once = `${this.oncePrefix}${options.onceId ?? ''}`;
    const result = await this.redis.historyAppend(
      key,
      once,
      minId,
      maxLength,
      options.onceId === undefined ? 0 : this.retention.retentionMs,
      ...args,
    );
    return result === 1;
  }

  /** Events in time order (oldest first), within the query and the retention. */
  async read(query: HistoryQuery = {}): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    const since = Math.max(query.since ?? 0, this.oldestKept());
    let start = String(Math.floor(since));
    const end = query.until === undefined ? '+' : String(Math.floor(query.until));
    for (;;) {
      const page = await this.redis.xrange(this.key, start, end, 'COUNT', PAGE);
      for (const [, fields] of page) {
        const event = decode(fields);
        if (event && matches(event, { ...query, since })) events.push(event);
      }
      if (page.length < PAGE) return events;
      start = `(${(page.at(-1) as [string, string[]])[0]}`;
    }
  }

  /** The newest `count` events about `worker` (fleet-wide ones included), newest first. */
  async latest(worker: string, count: number): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    const oldest = String(this.oldestKept());
    let end = '+';
    for (;;) {
      const page = await this.redis.xrevrange(this.key, end, oldest, 'COUNT', PAGE);
      for (const [, fields] of page) {
        const event = decode(fields);
        if (event && event.at >= Number(oldest) && concernsWorker(event, worker))
          events.push(event);
        if (events.length === count) return events;
      }
      if (page.length < PAGE) return events;
      end = `(${(page.at(-1) as [string, string[]])[0]}`;
    }
  }
}

function matches(event: HistoryEvent, query: HistoryQuery): boolean {
  if (query.since !== undefined && event.at < query.since) return false;
  if (query.until !== undefined && event.at > query.until) return false;
  return query.worker === undefined || concernsWorker(event, query.worker);
}

/** An entry this version cannot read (a newer type, a hand edit) is skipped, not fatal. */
function decode(fields: string[]): HistoryEvent | null {
  const index = fields.indexOf('e');
  const json = index === -1 ? undefined : fields[index + 1];
  if (json === undefined) return null;
  try {
    const event = JSON.parse(json) as HistoryEvent;
    return KNOWN_TYPES.has(event.type) && typeof event.at === 'number' ? event : null;
  } catch {
    return null;
  }
}
