import { createLogger } from '@fleet/core';
import { redisKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { Api } from 'node-telegram-bot-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertCallback,
  attachButtons,
  encodeAlertCallback,
  parseAlertCallback,
} from '../src/alert-buttons.js';
import { AlertStore, outboxMessage } from '../src/alert-store.js';
import { AlertingMetrics } from '../src/alerting-metrics.js';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import type { Keyboard } from '../src/inline-keyboard.js';
import { OutboxDispatcher } from '../src/outbox-dispatcher.js';
import { createScrubber } from '../src/scrub.js';
import { TelegramSender } from '../src/telegram-sender.js';

const db = useAlertingRedis();

describe('alert callback data', () => {
  it.each<AlertCallback>([
    { kind: 'ack', incident: 'd3.mbx3k2p0' },
    { kind: 'silence', incident: 'q9999.zzzzzzzzzzzz' },
    { kind: 'details', workerIndex: 12 },
  ])('%j round-trips within 64 bytes', (callback) => {
    const data = encodeAlertCallback(callback);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(parseAlertCallback(data)).toEqual(callback);
  });
  it.each(['al:k:x1.2', 'al:i:x', 'dl:p:1:0', 'al:k:d1.', 'al:z:d1.a'])(
    '%j is not ours',
    (data) => {
      expect(parseAlertCallback(data)).toBeNull();
    },
  );
});

describe('attachButtons', () => {
  const row = (worker: string) => ({
    worker,
    buttons: [{ text: worker, callback_data: `x:${worker}` }],
  });
  it('puts each row under the part that names its worker, at most 8 a message', () => {
    const parts = [
      { html: '<b>[a]</b> down\n<b>[b&amp;c]</b> down', plain: '' },
      { html: '<b>[d]</b> down', plain: '' },
    ];
    const names = ['a', 'b&c', 'd', ...Array.from({ length: 9 }, (_, i) => `a${i}`)];
    const [first, second] = attachButtons(parts, names.map(row));
    expect(first?.keyboard?.map((r) => r[0]?.text)).toEqual(['a', 'b&c']);
    // Not named anywhere: under the last part.
    expect(second?.keyboard?.map((r) => r[0]?.text)).toEqual([
      'd',
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6',
    ]);
  });
});

describe('the fake Bot API is as strict about reply_markup as Telegram', () => {
  let telegram: FakeTelegramServer;
  beforeEach(async () => {
    telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  });
  afterEach(async () => {
    await telegram.stop();
  });

  it.each<[string, string, string]>([
    ['JSON that does not parse', '{"inline_keyboard": [[', "can't parse reply keyboard markup"],
    ['rows that are not arrays', '{"inline_keyboard": [{"text":"a"}]}', 'Array of Arrays'],
    ['an empty button text', '{"inline_keyboard":[[{"text":" ","callback_data":"a"}]]}', 'TEXT'],
    ['a missing callback_data', '{"inline_keyboard":[[{"text":"a"}]]}', 'BUTTON_DATA_INVALID'],
    [
      'callback_data over 64 bytes',
      JSON.stringify({ inline_keyboard: [[{ text: 'a', callback_data: '가'.repeat(22) }]] }),
      'BUTTON_DATA_INVALID',
    ],
  ])('refuses %s with a 400', async (_case, replyMarkup, description) => {
    const response = await fetch(`${telegram.url}/bot${TEST_TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: CHAT, text: 'hi', reply_markup: replyMarkup }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { description: string }).description).toContain(description);
    expect(telegram.sent).toEqual([]);
  });
});

describe('buttons travel with their message through the outbox', () => {
  let telegram: FakeTelegramServer;
  const keyboard: Keyboard = [[{ text: '✅ 확인', callback_data: 'al:k:d0.abc' }]];

  beforeEach(async () => {
    telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  });
  afterEach(async () => {
    await telegram.stop();
  });

  async function dispatch(store: AlertStore, until: () => boolean): Promise<void> {
    const api = new Api(TEST_TOKEN, { apiRoot: telegram.url, maxRetries: 0 });
    const dispatcher = new OutboxDispatcher({
      store,
      sender: new TelegramSender({ api, scrub: createScrubber([TEST_TOKEN]) }),
      owner: 'live',
      now: Date.now,
      logger: createLogger('test', 'silent'),
      metrics: new AlertingMetrics(async () => 0),
      idlePollMs: 50,
    });
    dispatcher.start();
    try {
      await eventually(until, 5000, 'the message');
    } finally {
      await dispatcher.close();
    }
  }

  it('a message claimed by a replica that died mid-send is sent again with its buttons', async () => {
    const store = new AlertStore(db.client, 'kb:');
    await store.enqueue([
      outboxMessage(CHAT, { html: '<b>down</b>', plain: 'down', keyboard }, Date.now()),
    ]);
    // Claimed by an owner that is not present: as if it crashed before Telegram answered.
    expect(await store.claimNext('dead-replica', Date.now(), 60_000)).not.toBeNull();
    await dispatch(store, () => telegram.sent.length === 1);
    expect(telegram.sent[0]?.replyMarkup).toEqual({ inline_keyboard: keyboard });
  });

  it('the plain-text fallback keeps the buttons', async () => {
    const store = new AlertStore(db.client, 'kb2:');
    telegram.failNext('sendMessage', {
      status: 400,
      description: "Bad Request: can't parse entities: nope",
    });
    await store.enqueue([
      outboxMessage(CHAT, { html: '<b>down</b>', plain: 'down', keyboard }, Date.now()),
    ]);
    await dispatch(store, () => telegram.sent.length === 1);
    expect(telegram.sent[0]).toMatchObject({
      text: 'down',
      parseMode: null,
      replyMarkup: { inline_keyboard: keyboard },
    });
  });
});

describe('the button under a dead-letter alert', () => {
  let telegram: FakeTelegramServer;
  let service: AlertingService | undefined;
  let log: CapturedLog;

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

  it.each<[AlertingOptions['lang'], string, string]>([
    ['ko', '📋 실패 작업 보기', '❌ [video-render] dead-letter 2건'],
    ['en', '📋 Dead letters', '❌ [video-render] 2 dead letters'],
  ])(
    '(%s) opens the /dl list in a new message and leaves the alert as it was',
    async (lang, label, title) => {
      service = await startAlerting(fastOptions(db.redis, telegram, log, { lang }));
      await eventually(
        () => telegram.requests.some((request) => request.method === 'getUpdates'),
        5000,
        'the first getUpdates',
      );
      await db.client.lpush(redisKeys.deadLetter('queue:video-render'), 'job-a', 'job-b');
      const [alert] = await telegram.waitFor((sent) => sent.length === 1, 10_000, 'the alert');
      expect(alert?.replyMarkup).toEqual({
        inline_keyboard: [[{ text: label, callback_data: 'dl:o:1' }]],
      });
      const id = alert?.messageId as number;
      // A stranger may look: the list is read-only unless the user is allowed.
      const query = telegram.pushCallback(id, 'dl:o:1', { id: 31337, username: 'stranger' });
      expect((await telegram.waitForAnswer(query)).text).toBeNull();
      const [, list] = await telegram.waitFor((sent) => sent.length === 2, 5000, 'the list');
      expect(list?.text.split('\n')[0]).toBe(`<b>${title}</b>`);
      expect(telegram.live.get(id)?.text).toBe(alert?.text);
      expect(telegram.edits).toEqual([]);
    },
  );
});
