import { alertingKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, freePort, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import { DEFAULTS } from '../src/config.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let services: AlertingService[] = [];
let log: CapturedLog;

const SECOND_CHAT = '-100777';
const outboxKey = alertingKeys.outboxQueue(DEFAULTS.keyPrefix);
const failedKey = alertingKeys.outboxFailed(DEFAULTS.keyPrefix);

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT, SECOND_CHAT] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  for (const service of services) await service.close();
  services = [];
  await telegram.stop();
  // The bot token is in every request URL; it must not be in any log line.
  expect(log.text).not.toContain(TEST_TOKEN);
  expect(log.text).not.toContain(TEST_TOKEN.split(':')[1]);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  const service = await startAlerting(fastOptions(db.redis, telegram, log, overrides));
  services.push(service);
  await afterChecks(service);
  return service;
}

/** The failure reasons counted so far (every reason is exported from 0; those are left out). */
async function failures(service: AlertingService): Promise<Record<string, number>> {
  const metric = await service.metrics.messagesFailed.get();
  return Object.fromEntries(
    metric.values
      .filter((value) => value.value > 0)
      .map((value) => [String(value.labels.reason), value.value]),
  );
}

const sendAttempts = () => telegram.requests.filter((request) => request.method === 'sendMessage');

describe('delivery through the Bot API', () => {
  it('waits out a 429 for its retry_after, then delivers once', async () => {
    const service = await start();
    telegram.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 6000, 'the delivery after the 429');
    const [limited, accepted] = sendAttempts();
    expect(limited?.status).toBe(429);
    expect(accepted?.status).toBe(200);
    expect((accepted?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(sendAttempts()).toHaveLength(2);
    expect(await failures(service)).toEqual({ rate_limited: 1 });
  });

  it('retries 5xx answers with backoff and delivers once', async () => {
    const service = await start();
    telegram.failNext('sendMessage', { status: 500 }, { status: 502 });
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 8000, 'the delivery after two 5xx');
    const [first, second, third] = sendAttempts();
    expect([first?.status, second?.status, third?.status]).toEqual([500, 502, 200]);
    // Backoff doubles: about 1 s, then about 2 s.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    expect(await failures(service)).toEqual({ server_error: 2 });
    await eventually(async () => (await db.client.zcard(outboxKey)) === 0, 2000, 'an empty outbox');
  });

  it('falls back to plain text when Telegram cannot parse the HTML', async () => {
    const service = await start();
    telegram.failNext('sendMessage', {
      status: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
    });
    await db.workers.kill('video-render');
    const [message] = await telegram.waitFor(
      (sent) => sent.length === 1,
      5000,
      'the plain-text delivery',
    );
    expect(message?.parseMode).toBeNull();
    expect(message?.text).toMatch(/^🔴 \[video-render\] 워커 다운\n {3}마지막 하트비트 \d초 전$/);
    expect(await failures(service)).toEqual({ unparseable_html: 1 });
  });

  it('keeps a message Telegram refuses for good in the failed list, and delivers to the other chats', async () => {
    const service = await start({
      telegram: {
        token: TEST_TOKEN,
        chatIds: [CHAT, '-100555'],
        apiUrl: telegram.url,
        pollTimeoutS: 1,
      },
    });
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the delivery to the known chat');
    await eventually(async () => (await db.client.llen(failedKey)) === 1, 5000, 'the failed list');
    const [failed] = await db.client.lrange(failedKey, 0, -1);
    expect(JSON.parse(failed as string)).toMatchObject({
      chatId: '-100555',
      reason: expect.stringContaining('chat not found'),
    });
    await eventually(async () => (await db.client.zcard(outboxKey)) === 0, 2000, 'an empty outbox');
    expect(await failures(service)).toEqual({ rejected: 1 });
  });

  it('never loses a message while Telegram is unreachable: the next replica delivers it, once', async () => {
    const deadApi = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await start({
      telegram: { token: TEST_TOKEN, chatIds: [CHAT], apiUrl: deadApi, pollTimeoutS: 1 },
    });
    await db.workers.kill('video-render');
    await eventually(
      async () => ((await failures(unreachable)).network ?? 0) >= 1,
      5000,
      'a failed send',
    );
    expect(await db.client.zcard(outboxKey)).toBe(1);
    await unreachable.close();
    expect(log.text).toContain('fetch failed');

    const healthy = await start();
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the held message');
    await afterChecks(healthy, 3);
    expect(telegram.sent).toHaveLength(1);
    expect(telegram.sent[0]?.text).toContain('🔴 [video-render] 워커 다운');
    await eventually(async () => (await db.client.zcard(outboxKey)) === 0, 2000, 'an empty outbox');
  });

  it('keeps messages while the bot token is refused (401), without logging the token', async () => {
    const service = await start({
      telegram: {
        token: `${TEST_TOKEN.split(':')[0]}:wrong-token-wrong-token-wrong`,
        chatIds: [CHAT],
        apiUrl: telegram.url,
        pollTimeoutS: 1,
      },
    });
    await db.workers.kill('video-render');
    await eventually(async () => ((await failures(service)).unauthorized ?? 0) >= 1, 5000, 'a 401');
    expect(await db.client.zcard(outboxKey)).toBe(1);
    expect(log.text).toContain('401: Unauthorized');
    expect(log.text).not.toContain('wrong-token-wrong-token-wrong');
  });

  it('sends each chat its own copy, in order, even when one chat waits out a 429', async () => {
    await start({
      telegram: {
        token: TEST_TOKEN,
        chatIds: [CHAT, SECOND_CHAT],
        apiUrl: telegram.url,
        pollTimeoutS: 1,
      },
    });
    telegram.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the second chat’s copy');
    await db.workers.kill('music-render');
    await telegram.waitFor((sent) => sent.length === 4, 8000, 'both messages in both chats');
    for (const chat of [CHAT, SECOND_CHAT]) {
      const texts = telegram.sent
        .filter((message) => message.chatId === chat)
        .map((message) => message.text);
      expect(texts).toEqual([
        expect.stringContaining('🔴 [video-render] 워커 다운'),
        expect.stringContaining('🔴 [music-render] 워커 다운'),
      ]);
    }
  });
});
