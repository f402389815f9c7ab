import type { Result } from 'ioredis';

/**
 * The newest items of a dead-letter list, without sending any item whole: per item its length,
 * its first bytes and its SHA-1 (which later finds exactly this item again). Read-only.
 * KEYS: list. ARGV: start, count, preview bytes. Returns { total, len1, head1, sha1, … }.
 */
const PEEK = `
local total = redis.call('LLEN', KEYS[1])
local out = { total }
local start = tonumber(ARGV[1])
local items = redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
for _, item in ipairs(items) do
  out[#out + 1] = #item
  out[#out + 1] = string.sub(item, 1, tonumber(ARGV[3]))
  out[#out + 1] = redis.sha1hex(item)
end
return out
`;

/**
 * One dead-letter action, atomically: requeue or delete the one item whose length and SHA-1 are
 * given (looked for at its shown position first, then through the list), requeue the oldest
 * `cap` items, or purge the list. The action id's key makes a second run a no-op
 * ("already_done"); every run is appended to the capped audit stream.
 * KEYS: dead-letter list, queue, done key, audit stream.
 * ARGV: action, sha1, length, position, push command toward the retry end (LPUSH|RPUSH),
 *   whether that end is the taking end (1|0), cap, audit MAXLEN, done TTL s, user id, user name,
 *   time (ms), worker.
 * Returns { result, moved, left }.
 */
const ACT = `
local done = redis.call('GET', KEYS[3])
if done then
  local moved, left = string.match(done, '^[%a_]+:(%d+):(%d+)$')
  return { 'already_done', tonumber(moved), tonumber(left) }
end
local action, sha, len, push = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[5]
local function same(item)
  return item and #item == len and redis.sha1hex(item) == sha
end
local function find()
  local hinted = redis.call('LINDEX', KEYS[1], tonumber(ARGV[4]))
  if same(hinted) then return hinted end
  local total = redis.call('LLEN', KEYS[1])
  for start = 0, total - 1, 100 do
    for _, item in ipairs(redis.call('LRANGE', KEYS[1], start, start + 99)) do
      if same(item) then return item end
    end
  end
  return nil
end
local moved = 0
if action == 'requeue' or action == 'delete' then
  local item = find()
  if item then
    redis.call('LREM', KEYS[1], 1, item)
    if action == 'requeue' then redis.call(push, KEYS[2], item) end
    moved = 1
  end
elseif action == 'requeue_all' then
  -- The oldest items (dead letters are pushed on the left), newest of the batch first.
  local batch = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[7]), -1)
  moved = #batch
  if moved > 0 then
    if ARGV[6] == '1' then
      -- Toward the taking end: the oldest is pushed last, so it is taken first.
      for i = 1, moved do redis.call(push, KEYS[2], batch[i]) end
    else
      for i = moved, 1, -1 do redis.call(push, KEYS[2], batch[i]) end
    end
    redis.call('LTRIM', KEYS[1], 0, -(moved + 1))
  end
elseif action == 'purge' then
  moved = redis.call('LLEN', KEYS[1])
  redis.call('DEL', KEYS[1])
end
local result = moved > 0 and 'done' or 'already_gone'
local left = redis.call('LLEN', KEYS[1])
redis.call('SET', KEYS[3], result .. ':' .. moved .. ':' .. left, 'EX', tonumber(ARGV[9]))
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'user', ARGV[10], 'user_name', ARGV[11],
  'at', ARGV[12], 'worker', ARGV[13], 'action', action, 'count', moved, 'left', left,
  'result', result)
return { result, moved, left }
`;

/** The scripts, as ioredis commands (`redis.defineCommand`). */
export const DEAD_LETTER_SCRIPTS = {
  deadLetterPeek: { numberOfKeys: 1, lua: PEEK },
  deadLetterAct: { numberOfKeys: 4, lua: ACT },
};

// The commands DEAD_LETTER_SCRIPTS adds to a client, typed: keys first, then arguments.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    deadLetterPeekBuffer(
      list: string,
      start: number,
      count: number,
      previewBytes: number,
    ): Result<(number | Buffer)[], Context>;
    deadLetterAct(
      list: string,
      queue: string,
      doneKey: string,
      audit: string,
      ...args: (string | number)[]
    ): Result<[string, number, number], Context>;
  }
}
