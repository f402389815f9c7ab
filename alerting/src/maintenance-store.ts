import { alertingKeys, parseStoredMaintenance, type StoredMaintenance } from '@fleet/core';
import type { Redis, Result } from 'ioredis';
import type { HistoryActor, MaintenanceActors } from './history/history-event.js';

/** Audit entries kept (approximately: `XADD MAXLEN ~`). */
const AUDIT_MAXLEN = 1000;
/** How long a command's message id is remembered, so a redelivered command starts nothing twice. */
const REQUEST_TTL_S = 86_400;
/** How long an ended window is kept: the check that sees it end reads who ended it. */
const ENDED_KEPT_MS = 86_400_000;

// Prunes the windows that ended before ARGV[1], then adds one under the next number, unless this
// request (chat and message id) already did: a command redelivered after a crash starts nothing
// twice. `until` is a Lua keyword, hence w['until'].
const START = {
  numberOfKeys: 4,
  lua: `
local existing = redis.call('GET', KEYS[4])
if existing then return {existing, 0} end
local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ok, w = pcall(cjson.decode, all[i + 1])
  if ok and type(w) == 'table' and tonumber(w['until']) and tonumber(w['until']) <= now then
    redis.call('HDEL', KEYS[1], all[i])
  end
end
local id = tostring(redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], id, '{"id":"' .. id .. '",' .. ARGV[2])
redis.call('SET', KEYS[4], id, 'EX', tonumber(ARGV[3]))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'action', 'start', 'id', id, unpack(ARGV, 5))
return {id, 1}
`,
};

// Ends every running window whose id or target is the selector: its `until` becomes now and it
// records who ended it (ARGV[4], JSON); audits what it ended.
const END = {
  numberOfKeys: 2,
  lua: `
local now = tonumber(ARGV[3])
local ended = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ok, w = pcall(cjson.decode, all[i + 1])
  if ok and type(w) == 'table' and (all[i] == ARGV[1] or w.target == ARGV[1])
    and tonumber(w['until']) and tonumber(w['until']) > now then
    w['until'] = now
    w.endedBy = cjson.decode(ARGV[4])
    redis.call('HSET', KEYS[1], all[i], cjson.encode(w))
    table.insert(ended, all[i])
  end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'action', 'end', 'selector', ARGV[1],
  'ended', table.concat(ended, ','), unpack(ARGV, 5))
return ended
`,
};

declare module 'ioredis' {
  interface RedisCommander<Context> {
    alertingMaintenanceStart(
      windows: string,
      sequence: string,
      audit: string,
      request: string,
      now: number,
      body: string,
      requestTtlS: number,
      auditMaxlen: number,
      ...auditFields: string[]
    ): Result<[string, number], Context>;
    alertingMaintenanceEnd(
      windows: string,
      audit: string,
      selector: string,
      auditMaxlen: number,
      now: number,
      endedBy: string,
      ...auditFields: string[]
    ): Result<string[], Context>;
  }
}

/** Who asked, for the audit. */
export interface MaintenanceActor {
  userId: number | null;
  name: string | null;
  chatId: string;
}

function actorFields(actor: MaintenanceActor, now: number): string[] {
  return [
    'at',
    new Date(now).toISOString(),
    'user',
    String(actor.userId ?? ''),
    'name',
    actor.name ?? '',
    'chat',
    actor.chatId,
  ];
}

/**
 * The one-off maintenance windows (`/maintenance`), in the hash the collectors read
 * (`alertingKeys.maintenance`), with their sequence and an audit stream, under the service's
 * prefix. Starting and ending are each one Lua script.
 */
export class MaintenanceStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    redis.defineCommand('alertingMaintenanceStart', START);
    redis.defineCommand('alertingMaintenanceEnd', END);
    this.keys = {
      windows: alertingKeys.maintenance(prefix),
      sequence: alertingKeys.maintenanceSequence(prefix),
      audit: alertingKeys.maintenanceAudit(prefix),
      request: (chatId: string, messageId: number) =>
        alertingKeys.maintenanceRequest(prefix, chatId, messageId),
    };
  }

  /**
   * Starts a window for `request` (the command's chat and message id); a second call for the
   * same request returns the first window's id with `created: false`.
   */
  async start(
    window: Omit<StoredMaintenance, 'id'>,
    request: { chatId: string; messageId: number },
    actor: MaintenanceActor,
    now: number,
  ): Promise<{ id: string; created: boolean }> {
    // The JSON without its opening brace: the script puts the id first.
    const body = JSON.stringify(window).slice(1);
    const [id, created] = await this.redis.alertingMaintenanceStart(
      this.keys.windows,
      this.keys.sequence,
      this.keys.audit,
      this.keys.request(request.chatId, request.messageId),
      now - ENDED_KEPT_MS,
      body,
      REQUEST_TTL_S,
      AUDIT_MAXLEN,
      'target',
      window.target,
      'until',
      new Date(window.until).toISOString(),
      ...actorFields(actor, now),
    );
    return { id, created: created === 1 };
  }

  /**
   * Ends the running windows whose id or target is `selector`, by `endedBy`; returns the ids
   * ended (none: []).
   */
  async end(
    selector: string,
    endedBy: HistoryActor,
    actor: MaintenanceActor,
    now: number,
  ): Promise<string[]> {
    return this.redis.alertingMaintenanceEnd(
      this.keys.windows,
      this.keys.audit,
      selector,
      AUDIT_MAXLEN,
      now,
      JSON.stringify(endedBy),
      ...actorFields(actor, now),
    );
  }

  /** Who started and who ended each of these command windows (unknown ids are left out). */
  async actors(ids: readonly string[]): Promise<MaintenanceActors> {
    if (ids.length === 0) return {};
    const values = await this.redis.hmget(this.keys.windows, ...ids);
    const found = Object.fromEntries(
      ids.flatMap((id, index) => {
        const value = values[index];
        return typeof value === 'string' ? [[id, value]] : [];
      }),
    );
    return Object.fromEntries(
      parseStoredMaintenance(found).windows.map((window) => [
        window.id,
        { startedBy: window.startedBy ?? null, endedBy: window.endedBy ?? null },
      ]),
    );
  }

  /** Records a refused command, so the audit shows who tried. */
  async refused(command: string, actor: MaintenanceActor, now: number): Promise<void> {
    await this.redis.xadd(
      this.keys.audit,
      'MAXLEN',
      '~',
      AUDIT_MAXLEN,
      '*',
      'action',
      'refused',
      'command',
      command,
      ...actorFields(actor, now),
    );
  }

  /** The command windows running at `now`, soonest end first. */
  async running(now: number): Promise<StoredMaintenance[]> {
    const { windows } = parseStoredMaintenance(await this.redis.hgetall(this.keys.windows));
    return windows
      .filter((window) => window.start <= now && now < window.until)
      .sort((a, b) => a.until - b.until);
  }
}
