import { Collector, createLogger, createRedisClient, parseFleet } from '@fleet/core';
import {
  CHAT,
  eventually,
  FakeTelegramServer,
  freePort,
  TEST_TOKEN,
  TestRedisServer,
} from '@fleet/testing';
import { Workers } from '@fleet/testing/alerting';
import { Api } from 'node-telegram-bot-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertChecker, AlertStateUnavailableError } from '../src/alert-checker.js';
import { AlertStore, type OutboxMessage } from '../src/alert-store.js';
import { AlertingMetrics } from '../src/alerting-metrics.js';
import { HistoryStream } from '../src/history/history-stream.js';
import { OutboxDispatcher } from '../src/outbox-dispatcher.js';
import { createScrubber } from '../src/scrub.js';
import { TelegramSender } from '../src/telegram-sender.js';
import { statusDocument } from './support/status-documents.js';

const silent = createLogger('test', 'silent');
const RETENTION = { retentionMs: 86_400_000, maxLength: 1000 };
let redis: TestRedisServer;

beforeAll(async () => {
  redis = await TestRedisServer.start();
});

afterAll(async () => {
  await redis.stop();
});

describe('exactly once without the lease (the atomic steps alone)', () => {
  it('checkers racing on one state commit each change once, and record it in the history once', async () => {
    const fleet = parseFleet({ workers: [{ name: 'solo', kind: 'render' }] });
    const seed = redis.client();
    const workers = new Workers(seed);
    const clients = Array.from({ length: 4 }, () => createRedisClient({ url: redis.url }));
    const held: OutboxMessage[] = [];
    const checkers = clients.map(
      (client) =>
        new AlertChecker({
          source: new Collector({ redis: client, fleet }),
          store: new AlertStore(client, 'race:'),
          history: new HistoryStream(client, 'race:', RETENTION, Date.now),
          outbox: { hold: (messages) => held.push(...messages), wake: () => {} },
          rules: {
            deadLetterThreshold: 1,
            deadLetterWindowMs: 0,
            bootGraceMs: 0,
            stuckAfterMs: 0,
            repeatMs: 0,
            holdForMs: 0,
            redisConfirmMs: 0,
          },
          lang: 'en',
          chatIds: [CHAT],
          workers: fleet.workers,
          escalation: null,
          now: Date.now,
          logger: silent,
          metrics: new AlertingMetrics(async () => 0),
        }),
    );
    await workers.beat('solo', { kind: 'render' });
    const raceAll = () => Promise.all(checkers.map((checker) => checker.check()));
    await raceAll();
    for (let round = 0; round < 10; round += 1) {
      await (round % 2 === 0 ? workers.kill('solo') : workers.beat('solo', { kind: 'render' }));
      await raceAll();
      await raceAll();
    }
    const store = new AlertStore(seed, 'race:');
    const texts: string[] = [];
    for (let claimed = await store.claimNext('t', Date.now(), 1000); claimed; ) {
      texts.push(claimed.message.plain.split('\n')[0] as string);
      await store.acknowledge(claimed.id, 't');
      claimed = await store.claimNext('t', Date.now(), 1000);
    }
    expect(held).toEqual([]);
    expect(texts).toEqual(
      Array.from({ length: 10 }, (_, round) =>
        round % 2 === 0
          ? '🔴 [solo] worker down'
          : expect.stringMatching(/^🟢 \[solo\] worker recovered/),
      ),
    );
    const history = await new HistoryStream(seed, 'race:', RETENTION, Date.now).read();
    expect(history.map((event) => event.type)).toEqual(
      Array.from({ length: 10 }, (_, round) => (round % 2 === 0 ? 'down' : 'recovered')),
    );
    for (const client of clients) client.disconnect();
    seed.disconnect();
  });

  it('dispatchers racing on one outbox deliver each message once, in order per chat', async () => {
    const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT, '-1002'] });
    const clients = Array.from({ length: 3 }, () => createRedisClient({ url: redis.url }));
    await Promise.all(
      clients.map((client) => new Promise((resolve) => client.once('ready', resolve))),
    );
    const store = new AlertStore(clients[0] as (typeof clients)[number], 'dispatch:');
    const messages: OutboxMessage[] = Array.from({ length: 40 }, (_, index) => ({
      chatId: index % 2 === 0 ? CHAT : '-1002',
      html: `message <b>${index}</b>`,
      plain: `message ${index}`,
      parseMode: 'html',
      attempts: 0,
      createdAt: 0,
      dueAt: 0,
    }));
    await store.enqueue(messages);
    const api = new Api(TEST_TOKEN, { apiRoot: telegram.url, maxRetries: 0 });
    const dispatchers = clients.map(
      (client, index) =>
        new OutboxDispatcher({
          store: new AlertStore(client, 'dispatch:'),
          sender: new TelegramSender({ api, scrub: createScrubber([TEST_TOKEN]) }),
          owner: `dispatcher-${index}`,
          now: Date.now,
          logger: silent,
          metrics: new AlertingMetrics(async () => 0),
          idlePollMs: 20,
        }),
    );
    // Each replica is present, as its lease loop keeps it: their claims hold.
    for (const index of dispatchers.keys()) {
      await clients[0]?.set(`dispatch:replica:dispatcher-${index}`, '1', 'PX', 60_000);
    }
    for (const dispatcher of dispatchers) dispatcher.start();
    await telegram.waitFor((sent) => sent.length >= 40, 10_000, 'all 40 messages');
    await eventually(async () => (await store.outboxSize()) === 0, 2000, 'an empty outbox');
    for (const dispatcher of dispatchers) await dispatcher.close();
    expect(telegram.sent).toHaveLength(40);
    for (const chat of [CHAT, '-1002']) {
      const numbers = telegram.sent
        .filter((message) => message.chatId === chat)
        .map((message) => Number(/\d+/.exec(message.text)?.[0]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(numbers).toHaveLength(20);
    }
    for (const client of clients) client.disconnect();
    await telegram.stop();
  });

  it.each([
    ['still present: once its claim expires', true],
    ['gone (crashed mid-send): at once, without waiting out the claim', false],
  ])(
    'a message claimed by another replica that is %s, is sent by this one',
    async (_name, present) => {
      const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
      const client = createRedisClient({ url: redis.url });
      await new Promise((resolve) => client.once('ready', resolve));
      const store = new AlertStore(client, 'orphan:');
      await store.enqueue([
        {
          chatId: CHAT,
          html: 'orphan',
          plain: 'orphan',
          parseMode: 'html',
          attempts: 0,
          createdAt: 0,
          dueAt: 0,
        },
      ]);
      if (present) await client.set('orphan:replica:other-replica', '1', 'PX', 60_000);
      const claimedAt = Date.now();
      const claimMs = 3000;
      expect(await store.claimNext('other-replica', claimedAt, claimMs)).not.toBeNull();
      const dispatcher = new OutboxDispatcher({
        store,
        sender: new TelegramSender({
          api: new Api(TEST_TOKEN, { apiRoot: telegram.url, maxRetries: 0 }),
          scrub: createScrubber([TEST_TOKEN]),
        }),
        owner: 'survivor',
        now: Date.now,
        logger: silent,
        metrics: new AlertingMetrics(async () => 0),
        idlePollMs: 50,
      });
      dispatcher.start();
      await telegram.waitFor((sent) => sent.length === 1, 8000, 'the orphaned message');
      const waitedMs = (telegram.sent[0]?.at ?? 0) - claimedAt;
      if (present) expect(waitedMs).toBeGreaterThanOrEqual(claimMs);
      else expect(waitedMs).toBeLessThan(claimMs);
      await dispatcher.close();
      expect(await store.acknowledge('1', 'other-replica')).toBe(false);
      await client.del('orphan:replica:other-replica');
      client.disconnect();
      await telegram.stop();
    },
  );

  it('skips a check whose alert state cannot be read while the fleet can', async () => {
    const unreachable = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}` });
    const checker = new AlertChecker({
      source: { collect: async () => statusDocument([{ name: 'a', alive: false }]) },
      store: new AlertStore(unreachable, 'skip:'),
      history: new HistoryStream(unreachable, 'skip:', RETENTION, Date.now),
      outbox: { hold: () => expect.unreachable('nothing may be held'), wake: () => {} },
      rules: {
        deadLetterThreshold: 1,
        deadLetterWindowMs: 0,
        bootGraceMs: 0,
        stuckAfterMs: 0,
        repeatMs: 0,
        holdForMs: 0,
        redisConfirmMs: 0,
      },
      lang: 'en',
      chatIds: [CHAT],
      workers: [],
      escalation: null,
      now: Date.now,
      logger: silent,
      metrics: new AlertingMetrics(async () => 0),
    });
    await expect(checker.check()).rejects.toThrow(AlertStateUnavailableError);
    expect(checker.snapshot().state).toBeNull();
    unreachable.disconnect();
  });
});

describe('the Lua scripts', () => {
  it('still run after Redis forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const client = redis.client();
    const store = new AlertStore(client, 'flush:');
    try {
      expect(await store.holdLease('a', 10_000, 10_000)).toBe(true);
      await client.script('FLUSH');
      expect(await store.holdLease('b', 10_000, 10_000)).toBe(false);
      await store.releaseLease('a');
      expect(await store.holdLease('b', 10_000, 10_000)).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});
