import { alertingKeys, redisKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, type SentMessage, TEST_TOKEN } from '@fleet/testing';
import { CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import { DEFAULTS } from '../src/config.js';
import { retryEnd } from '../src/dead-letters/dead-letter-store.js';
import {
  type DeadLetterCallback,
  encodeCallback,
  type PeekedItem,
  parseCallback,
  previewItem,
} from '../src/dead-letters/dead-letter-view.js';

function peeked(content: Buffer | string, position = 0): PeekedItem {
  const bytes = Buffer.from(content);
  return { position, length: bytes.length, head: bytes.subarray(0, 512), sha1: 'x' };
}

describe('previewItem', () => {
  const big = `{"type":"render_video","task_id":"t-9","blob":"${'a'.repeat(1024 * 1024)}"}`;
  it.each<[string, Buffer | string, string]>([
    [
      'a JSON job: type and task id',
      '{"type":"render_video","task_id":"8812","x":1}',
      '<code>render_video #8812</code>',
    ],
    ['JSON without job fields: its first characters', '{"a":1}', '<code>{"a":1}</code>'],
    ['plain text, escaped', 'job <b>&</b>', '<code>job &lt;b&gt;&amp;&lt;/b&gt;</code>'],
    ['long text, cut on a character', '가'.repeat(100), `<code>${'가'.repeat(80)}</code>…`],
    ['emoji are not split', '🎬'.repeat(90), `<code>${'🎬'.repeat(80)}</code>…`],
    [
      'binary: its first bytes in hex',
      Buffer.from([0, 1, 2, 0xff, 0xfe]),
      '<i>binary</i> <code>000102fffe</code>',
    ],
    ['a 1 MB JSON job, from its first bytes', big, '<code>render_video #t-9</code>'],
    ['a 1 MB text, cut', 'z'.repeat(1024 * 1024), `<code>${'z'.repeat(80)}</code>…`],
  ])('%s', (_case, content, expected) => {
    expect(previewItem(peeked(content), 'en')).toBe(expected);
  });

  it('a multi-byte character cut by the 512-byte read is dropped, not shown broken', () => {
    const text = `${'a'.repeat(511)}가나다`;
    const item = { ...peeked(text), head: Buffer.from(text).subarray(0, 512) };
    expect(previewItem(item, 'en')).toBe(`<code>${'a'.repeat(80)}</code>…`);
  });
});

describe('callback data', () => {
  it.each<DeadLetterCallback>([
    { kind: 'page', workerIndex: 3, offset: 10 },
    { kind: 'ask', action: 'requeue', ref: 'AbCdEfGh_-1' },
    { kind: 'confirm', action: 'requeue_all', ref: 'x' },
    { kind: 'confirm', action: 'purge', ref: 'y' },
    { kind: 'ask', action: 'delete', ref: 'z' },
  ])('%j round-trips within 64 bytes', (callback) => {
    const data = encodeCallback(callback);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(parseCallback(data)).toEqual(callback);
  });
  it.each(['dl:q:1', 'dl:a:x:abc', 'other', 'dl:p:1'])('%j is not ours', (data) => {
    expect(parseCallback(data)).toBeNull();
  });
});

describe('retryEnd (fleet file take_from × retry_to)', () => {
  it.each([
    ['right', 'front', 'RPUSH'],
    ['right', 'back', 'LPUSH'],
    ['left', 'front', 'LPUSH'],
    ['left', 'back', 'RPUSH'],
  ] as const)('taken from the %s, retried to the %s: %s', (takeFrom, retryTo, push) => {
    expect(retryEnd({ takeFrom, retryTo }).pushCommand).toBe(push);
  });
});

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;
const ALLOWED = 4242;
const STRANGER = { id: 31337, username: 'stranger' };
const DEAD = redisKeys.deadLetter('queue:video-render');
const QUEUE = 'queue:video-render';

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  service = await startAlerting(
    fastOptions(db.redis, telegram, log, {
      telegramAllowedUserIds: [ALLOWED],
      // No dead-letter alerts in the way of the answers.
      deadLetterThreshold: 1_000_000,
      ...overrides,
    }),
  );
  await eventually(
    () => telegram.requests.some((request) => request.method === 'getUpdates'),
    5000,
    'the first getUpdates',
  );
  return service;
}

/** Sends `/dl …` and returns the answer. */
async function dl(args: string): Promise<SentMessage> {
  const before = telegram.sent.length;
  telegram.pushMessage(CHAT, `/dl ${args}`);
  const sent = await telegram.waitFor(
    (all) => all.length > before,
    5000,
    `the answer to /dl ${args}`,
  );
  return sent.at(-1) as SentMessage;
}

/** The callback_data of the button whose text contains `label`, under message `id` as it is now. */
function button(id: number, label: string): string {
  const buttons = telegram.live.get(id)?.replyMarkup?.inline_keyboard.flat() ?? [];
  const found = buttons.find((b) => b.text.includes(label));
  if (!found)
    throw new Error(`no button "${label}" in ${JSON.stringify(buttons.map((b) => b.text))}`);
  return found.callback_data;
}

/** Presses a button and waits for its answer; returns the answer text. */
async function press(id: number, data: string, user = { id: ALLOWED, username: 'operator' }) {
  const query = telegram.pushCallback(id, data, user);
  return (await telegram.waitForAnswer(query)).text;
}

async function actionCount(action: string, result: string): Promise<number> {
  const metric = await (service as AlertingService).metrics.deadLetterActions.get();
  return (
    metric.values.find((v) => v.labels.action === action && v.labels.result === result)?.value ?? -1
  );
}

describe('/dl through the real client and the fake Bot API', () => {
  it('lists JSON, text, binary and 1 MB items, newest first, with the total and older pages', async () => {
    const huge = `{"type":"render_video","task_id":"huge","data":"${'x'.repeat(1024 * 1024)}"}`;
    for (let i = 0; i < 8; i += 1) await db.client.lpush(DEAD, `old-${i}`);
    await db.client.lpush(DEAD, Buffer.from([0x00, 0xff, 0x10]));
    await db.client.lpush(DEAD, 'plain <text> & more');
    await db.client.lpush(DEAD, huge);
    await db.client.lpush(DEAD, JSON.stringify({ type: 'render_video', task_id: 'v-1' }));
    await start();
    const list = await dl('video-render');
    const lines = list.text.split('\n');
    expect(lines[0]).toBe('<b>❌ [video-render] dead-letter 12건</b>');
    expect(lines[1]).toMatch(/^#1 · \d+ B · <code>render_video #v-1<\/code>$/);
    expect(lines[2]).toBe('#2 · 1.0 MB · <code>render_video #huge</code>');
    expect(lines[3]).toBe('#3 · 19 B · <code>plain &lt;text&gt; &amp; more</code>');
    expect(lines[4]).toBe('#4 · 3 B · <i>바이너리</i> <code>00ff10</code>');
    expect(lines[5]).toBe('#5 · 5 B · <code>old-7</code>');
    expect(lines[6]).toBe('<i>1–5 / 12 (최신 순)</i>');
    expect(list.text.length).toBeLessThanOrEqual(4096);
    // Buttons per item, requeue all / purge, and the next page; all within 64 bytes (checked by the fake).
    expect(list.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['↩️ #1', '🗑 #1'],
      ['↩️ #2', '🗑 #2'],
      ['↩️ #3', '🗑 #3'],
      ['↩️ #4', '🗑 #4'],
      ['↩️ #5', '🗑 #5'],
      ['↩️ 전부 재시도 (최대 100)', '🧹 전부 삭제'],
      ['이전 ▶'],
    ]);
    expect(await press(list.messageId, button(list.messageId, '이전'))).toBeNull();
    const page2 = telegram.live.get(list.messageId)?.text.split('\n') ?? [];
    expect(page2[1]).toBe('#6 · 5 B · <code>old-6</code>');
    expect(page2.at(-1)).toBe('<i>6–10 / 12 (최신 순)</i>');
    await press(list.messageId, button(list.messageId, '이전'));
    expect(telegram.live.get(list.messageId)?.text).toContain('11–12 / 12');
    await press(list.messageId, button(list.messageId, '최신'));
    expect(telegram.live.get(list.messageId)?.text).toContain('6–10 / 12');
  });

  it('requeues one item (confirm step) to the taking end; a second press does nothing twice', async () => {
    await db.client.rpush(QUEUE, 'waiting-1', 'waiting-2');
    await db.client.lpush(DEAD, 'job-a', 'job-b', 'job-c');
    await start();
    const list = await dl('video-render');
    await press(list.messageId, button(list.messageId, '↩️ #2'));
    expect(telegram.live.get(list.messageId)?.text).toBe(
      '이 작업을 큐에 다시 넣을까요?\n#2 · 5 B · <code>job-b</code>',
    );
    const yes = button(list.messageId, '실행');
    // Two presses before the first is handled (Telegram delivers both).
    const first = telegram.pushCallback(list.messageId, yes, { id: ALLOWED, username: 'operator' });
    const second = telegram.pushCallback(list.messageId, yes, {
      id: ALLOWED,
      username: 'operator',
    });
    expect((await telegram.waitForAnswer(first)).text).toBe('✅ 재시도: 1건 (남은 2건)');
    expect((await telegram.waitForAnswer(second)).text).toBe('이미 처리한 버튼입니다.');
    expect(await db.client.lrange(DEAD, 0, -1)).toEqual(['job-c', 'job-a']);
    // Taken from the right by default, and retried to the front: next to be taken.
    expect(await db.client.lrange(QUEUE, 0, -1)).toEqual(['waiting-1', 'waiting-2', 'job-b']);
    // The second press's answer is the last edit; the list under it has not changed again.
    expect(telegram.live.get(list.messageId)?.text).toMatch(
      /^이미 처리한 버튼입니다\.\n\n<b>❌ \[video-render\] dead-letter 2건<\/b>/,
    );
    expect(await actionCount('requeue', 'done')).toBe(1);
    expect(await actionCount('requeue', 'already_done')).toBe(1);
  });

  it('an item removed meanwhile is "already gone" and nothing moves; identical copies are matched by content', async () => {
    await db.client.lpush(DEAD, 'same', 'other', 'same');
    await start();
    const list = await dl('video-render');
    await press(list.messageId, button(list.messageId, '↩️ #2'));
    await db.client.lrem(DEAD, 1, 'other');
    await db.client.lpush(DEAD, 'newcomer');
    expect(await press(list.messageId, button(list.messageId, '실행'))).toBe(
      '이미 없어진 항목입니다 (아무것도 옮기지 않음).',
    );
    expect(await db.client.lrange(DEAD, 0, -1)).toEqual(['newcomer', 'same', 'same']);
    expect(await db.client.llen(QUEUE)).toBe(0);
    // The list shifted under the shown positions: #1 still means the item shown as #1.
    const again = await dl('video-render');
    await db.client.lpush(DEAD, 'pushed-after');
    await press(again.messageId, button(again.messageId, '🗑 #1'));
    await press(again.messageId, button(again.messageId, '실행'));
    expect(await db.client.lrange(DEAD, 0, -1)).toEqual(['pushed-after', 'same', 'same']);
    expect(await actionCount('requeue', 'already_gone')).toBe(1);
    expect(await actionCount('delete', 'done')).toBe(1);
  });

  it('refuses presses from a user who is not allowed (answered, logged, audited), and nothing moves', async () => {
    await db.client.lpush(DEAD, 'job-a');
    await start();
    const list = await dl('video-render');
    const answer = telegram.pushCallback(list.messageId, button(list.messageId, '↩️ #1'), STRANGER);
    expect(await telegram.waitForAnswer(answer)).toEqual({
      callbackQueryId: answer,
      text: '이 작업을 할 권한이 없습니다.',
      showAlert: true,
    });
    expect(await db.client.lrange(DEAD, 0, -1)).toEqual(['job-a']);
    expect(telegram.edits).toHaveLength(0);
    expect(log.messages()).toContain('refused a dead-letter action from a user who is not allowed');
    expect(await actionCount('requeue', 'refused')).toBe(1);
    const audit = await dl('log');
    expect(audit.text).toMatch(/@stranger \(31337\) · video-render · requeue · 0 · refused/);
  });

  it('is read-only without TELEGRAM_ALLOWED_USER_IDS: no action buttons', async () => {
    for (let i = 0; i < 7; i += 1) await db.client.lpush(DEAD, `job-${i}`);
    await start({ telegramAllowedUserIds: undefined, lang: 'en' });
    const list = await dl('video-render');
    expect(list.text).toContain('<i>read-only (no TELEGRAM_ALLOWED_USER_IDS)</i>');
    expect(list.text.split('\n')[0]).toBe('<b>❌ [video-render] 7 dead letters</b>');
    expect(list.replyMarkup?.inline_keyboard).toEqual([
      [{ text: 'older ▶', callback_data: 'dl:p:1:5' }],
    ]);
  });

  it('requeue all moves at most the cap, says how many are left, while workers pop the queue: nothing lost or doubled', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => `job-${i}`);
    await db.client.lpush(DEAD, ...jobs);
    await start({ deadLetterRequeueCap: 100, lang: 'en' });
    const worker = db.redis.client();
    const taken: string[] = [];
    let stop = false;
    const popping = (async () => {
      while (!stop) {
        const job = await worker.lmove(QUEUE, `processing:${QUEUE}:w1`, 'RIGHT', 'LEFT');
        if (job) taken.push(job);
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const list = await dl('video-render');
    const answers: (string | null)[] = [];
    for (let round = 0; round < 3; round += 1) {
      await press(list.messageId, button(list.messageId, 'requeue all'));
      expect(telegram.live.get(list.messageId)?.text).toMatch(/^Requeue the \d+ oldest\?$/);
      answers.push(await press(list.messageId, button(list.messageId, 'do it')));
    }
    expect(answers).toEqual([
      '✅ requeued: 100 (150 left)',
      '✅ requeued: 100 (50 left)',
      '✅ requeued: 50 (0 left)',
    ]);
    await eventually(
      async () => (await db.client.llen(QUEUE)) === 0,
      5000,
      'the workers to drain the queue',
    );
    stop = true;
    await popping;
    worker.disconnect();
    expect(await db.client.llen(DEAD)).toBe(0);
    expect(taken).toHaveLength(250);
    expect(new Set(taken).size).toBe(250);
    // Oldest first: the first batch is the 100 oldest, taken oldest first.
    expect(taken.slice(0, 3)).toEqual(['job-0', 'job-1', 'job-2']);
    expect(telegram.live.get(list.messageId)?.text).toContain('no dead letters');
  });

  it('purges the list after a confirm; cancel goes back to the list; /dl log shows the actions', async () => {
    await db.client.lpush(DEAD, 'a', 'b', 'c');
    await start({ lang: 'en' });
    const list = await dl('video-render');
    const shown = telegram.live.get(list.messageId)?.text;
    await press(list.messageId, button(list.messageId, 'purge'));
    expect(telegram.live.get(list.messageId)?.text).toBe('Delete all 3 dead letters?');
    await press(list.messageId, button(list.messageId, 'cancel'));
    expect(telegram.live.get(list.messageId)?.text).toBe(shown);
    await press(list.messageId, button(list.messageId, 'purge'));
    expect(await press(list.messageId, button(list.messageId, 'do it'))).toBe(
      '✅ purged: 3 (0 left)',
    );
    expect(await db.client.exists(DEAD)).toBe(0);
    const audit = await dl('log');
    expect(audit.text.split('\n')[0]).toBe('<b>Last dead-letter actions</b>');
    expect(audit.text).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · @operator \(4242\) · video-render · purge · 3 · done$/m,
    );
    const entries = await db.client.xrange(
      alertingKeys.deadLetterAudit(DEFAULTS.keyPrefix),
      '-',
      '+',
    );
    expect(entries).toHaveLength(1);
    const metrics = await (service as AlertingService).metrics.registry.metrics();
    expect(metrics).toContain(
      'fleet_alerting_deadletter_actions_total{action="purge",result="done"} 1',
    );
    expect(metrics).toContain(
      'fleet_alerting_deadletter_actions_total{action="requeue_all",result="refused"} 0',
    );
  });

  it('answers a bad worker with the usage, and an empty list plainly', async () => {
    await start({ lang: 'en' });
    expect((await dl('nobody')).text).toBe(
      'Usage: /dl &lt;worker&gt; or /dl log\nmusic-render, video-render',
    );
    const empty = await dl('video-render');
    expect(empty.text).toBe('<b>✅ [video-render] no dead letters</b>');
    expect(empty.replyMarkup).toBeNull();
  });
});
