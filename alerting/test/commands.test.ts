import { alertingKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, OTHER_CHAT, TEST_TOKEN } from '@fleet/testing';
import {
  afterChecks,
  CapturedLog,
  fastOptions,
  quietPeriod,
  useAlertingRedis,
} from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import { type BotCommand, parseCommand } from '../src/bot-commands.js';
import { DEFAULTS } from '../src/config.js';

describe('parseCommand', () => {
  it.each<[string, BotCommand | null]>([
    ['/status', { name: 'status' }],
    ['/status@fleet_test_bot', { name: 'status' }],
    ['/status@other_bot', null],
    ['/STATUS', { name: 'status' }],
    ['/help', { name: 'help' }],
    ['/start', { name: 'help' }],
    [
      '/silence video-render 2h',
      { name: 'silence', target: 'video-render', durationMs: 7_200_000 },
    ],
    ['/silence all 30m', { name: 'silence', target: 'all', durationMs: 1_800_000 }],
    ['  /silence   all   1h30m ', { name: 'silence', target: 'all', durationMs: 5_400_000 }],
    ['/silence video-render', { name: 'usage', command: 'silence' }],
    ['/silence video-render soon', { name: 'usage', command: 'silence' }],
    ['/silence video-render 60d', { name: 'usage', command: 'silence' }],
    ['/silence a 1h extra', { name: 'usage', command: 'silence' }],
    ['/unsilence video-render', { name: 'unsilence', target: 'video-render' }],
    ['/unsilence', { name: 'usage', command: 'unsilence' }],
    ['/deploy', null],
    ['status', null],
    ['hello there', null],
  ])('%j', (text, expected) => {
    expect(parseCommand(text, 'fleet_test_bot')).toEqual(expected);
  });
});

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT, OTHER_CHAT] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

/** The user every command comes from, unless a test says otherwise. */
const ALLOWED = 4242;

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  service = await startAlerting(
    fastOptions(db.redis, telegram, log, { telegramAllowedUserIds: [ALLOWED], ...overrides }),
  );
  await afterChecks(service);
  await eventually(
    () => telegram.requests.some((request) => request.method === 'getUpdates'),
    5000,
    'the first getUpdates',
  );
  return service;
}

/** Sends a command from `chat` (by `userId`) and waits for the reply to it. */
async function ask(text: string, chat = CHAT, userId = ALLOWED): Promise<string> {
  const before = telegram.sent.length;
  telegram.pushMessage(chat, text, 'operator', userId);
  const sent = await telegram.waitFor((all) => all.length > before, 5000, `the reply to ${text}`);
  return sent.at(-1)?.text as string;
}

describe('bot commands (long polling through the real client)', () => {
  it('/status answers with the current table', async () => {
    await db.workers.kill('ai_trade');
    await db.workers.setDeadLetters('music-render', 3);
    await start();
    const reply = await ask('/status');
    const lines = reply.split('\n');
    expect(lines[0]).toBe('<b>워커 상태</b> · Redis 정상');
    expect(lines[1]).toMatch(/^music-render · 🟢 대기 · \d초 전 · 대기 0 · ❌ dead-letter 3$/);
    expect(lines[2]).toMatch(/^video-render · 🟢 대기 · \d초 전 · 대기 0$/);
    expect(lines[3]).toMatch(/^ai_trade · 🔴 다운 · \d+초째$/);
  });

  it('/silence mutes a worker (persisted in Redis), /unsilence turns it back on', async () => {
    await start();
    expect(await ask('/silence video-render 2h')).toBe('🔕 video-render: 2시간 동안 알림 끔');
    expect(
      Number(await db.client.hget(alertingKeys.silences(DEFAULTS.keyPrefix), 'video-render')),
    ).toBeGreaterThan(Date.now() + 7_000_000);
    const replies = telegram.sent.length;
    await db.workers.kill('video-render');
    await afterChecks(service as AlertingService, 4);
    expect(telegram.sent).toHaveLength(replies);

    expect(await ask('/unsilence video-render')).toBe('🔔 video-render: 알림 다시 켬');
    // What changed under the silence is said once it ends.
    await telegram.waitFor(
      () => telegram.matching('무음 중 변화').length === 1,
      5000,
      'the end-of-silence summary',
    );
    const [summary] = telegram.matching('무음 중 변화');
    expect(summary?.text).toMatch(/^<b>🔔 \[video-render\] 무음 중 변화:<\/b> 다운 \(\d+초째\)$/);
    expect(await ask('/unsilence video-render')).toBe('video-render: 꺼진 알림이 없습니다.');
    // Still down: the next message lists it.
    await db.workers.kill('music-render');
    await telegram.waitFor((sent) => sent.length === replies + 4, 5000, 'the next alert');
    expect(telegram.sent.at(-1)?.text).toMatch(/아직 다운:<\/i> video-render \(\d+초\)$/);
  });

  it('/silence all mutes everything until /unsilence all', async () => {
    await start();
    expect(await ask('/silence all 30m')).toBe('🔕 all: 30분 동안 알림 끔');
    const replies = telegram.sent.length;
    await db.workers.kill('music-render');
    await db.workers.setDeadLetters('video-render', 1);
    await afterChecks(service as AlertingService, 4);
    expect(telegram.sent).toHaveLength(replies);
    expect(await ask('/unsilence all')).toBe('🔔 all: 알림 다시 켬');
    expect(await db.client.hlen(alertingKeys.silences(DEFAULTS.keyPrefix))).toBe(0);
  });

  it('answers bad arguments with the usage and unknown workers with the choices', async () => {
    await start();
    expect(await ask('/silence video-render')).toBe(
      '사용법: /silence &lt;워커|all&gt; &lt;기간&gt; (예: /silence video-render 2h)',
    );
    expect(await ask('/silence nobody 1h')).toBe(
      '알 수 없는 워커: nobody\n가능한 값: all, music-render, video-render, ai_trade',
    );
    const help = await ask('/help');
    // Every command, and which of them only the allowed users may use.
    for (const command of [
      'status',
      'silence',
      'unsilence',
      'dl',
      'maintenance',
      'history',
      'report',
      'help',
    ]) {
      expect(help).toMatch(new RegExp(`^/${command} `, 'm'));
    }
    expect(
      help
        .split('\n')
        .filter((line) => line.includes('🔒'))
        .map((line) => line.split(' ')[0]),
    ).toEqual(['/silence', '/unsilence', '/dl', '/maintenance', '🔒']);
  });

  it('answers in English with lang=en', async () => {
    await start({ lang: 'en' });
    expect(await ask('/silence ai_trade 90m')).toBe('🔕 ai_trade: silenced for 1h 30m');
    expect((await ask('/status')).split('\n')[0]).toBe('<b>Worker status</b> · Redis OK');
  });

  it('ignores (and logs) commands from chats that are not configured, and those for other bots', async () => {
    await start();
    telegram.pushMessage(OTHER_CHAT, '/silence all 1d', 'stranger');
    telegram.pushMessage(CHAT, '/status@other_bot');
    await eventually(
      () => log.messages().includes('ignored a message from a chat that is not configured'),
      5000,
      'the ignore log line',
    );
    await quietPeriod(500);
    expect(telegram.sent).toEqual([]);
    expect(await db.client.hlen(alertingKeys.silences(DEFAULTS.keyPrefix))).toBe(0);
    const ignored = log.lines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.chatId === Number(OTHER_CHAT));
    expect(ignored).toMatchObject({ from: 'stranger', level: 40 });
  });

  it('does not obey a command twice across a restart (the update offset is kept in Redis)', async () => {
    await start();
    await ask('/silence music-render 1h');
    await eventually(
      async () => (await db.client.get(alertingKeys.updateOffset(DEFAULTS.keyPrefix))) !== null,
      5000,
      'the saved offset',
    );
    await service?.close();
    await db.client.hdel(alertingKeys.silences(DEFAULTS.keyPrefix), 'music-render');
    telegram.unconfirmAll();
    service = await startAlerting(
      fastOptions(db.redis, telegram, log, { telegramAllowedUserIds: [ALLOWED] }),
    );
    await afterChecks(service, 5);
    expect(telegram.sent).toHaveLength(1);
    expect(await db.client.hlen(alertingKeys.silences(DEFAULTS.keyPrefix))).toBe(0);
  });

  it('records who silenced and unsilenced, in the history and in the audit (/dl log)', async () => {
    await start({ lang: 'en' });
    await ask('/silence video-render 2h');
    await ask('/unsilence video-render');
    await ask('/unsilence video-render');
    const history = (
      await db.client.xrange(alertingKeys.history(DEFAULTS.keyPrefix), '-', '+')
    ).map(([, fields]) => JSON.parse(fields[1] as string));
    const by = { id: ALLOWED, name: 'operator' };
    expect(history.filter((event) => event.type.includes('silenced'))).toEqual([
      {
        type: 'silenced',
        at: expect.any(Number),
        target: 'video-render',
        until: expect.any(Number),
        by,
      },
      // The second /unsilence lifted nothing: no transition.
      { type: 'unsilenced', at: expect.any(Number), target: 'video-render', by },
    ]);
    expect((await ask('/history video-render')).split('\n').slice(1)).toEqual([
      expect.stringMatching(/ 🔔 unsilenced \(video-render\) · operator$/),
      expect.stringMatching(/ 🔕 silenced \(video-render\) · operator$/),
    ]);
    const log = (await ask('/dl log')).split('\n').slice(1);
    expect(log.map((line) => line.split(' · ').slice(1))).toEqual([
      ['@operator (4242)', 'video-render', 'unsilence', '0', 'already_done'],
      ['@operator (4242)', 'video-render', 'unsilence', '1', 'done'],
      ['@operator (4242)', 'video-render', 'silence', '1', 'done'],
    ]);
  });
});

describe('/silence and /unsilence are writes: TELEGRAM_ALLOWED_USER_IDS only', () => {
  it.each([
    ['a user who is not allowed', { telegramAllowedUserIds: [ALLOWED] }, 17],
    ['anyone when nobody is allowed (read-only)', { telegramAllowedUserIds: undefined }, ALLOWED],
  ])('refuses %s politely, audits it, and keeps the reads open', async (_name, overrides, user) => {
    await start(overrides);
    expect(await ask('/silence all 1d', CHAT, user)).toBe('이 작업을 할 권한이 없습니다.');
    await db.client.hset(
      alertingKeys.silences(DEFAULTS.keyPrefix),
      'ai_trade',
      String(Date.now() + 60_000),
    );
    expect(await ask('/unsilence all', CHAT, user)).toBe('이 작업을 할 권한이 없습니다.');
    expect(await db.client.hkeys(alertingKeys.silences(DEFAULTS.keyPrefix))).toEqual(['ai_trade']);
    const audit = await db.client.xrange(
      alertingKeys.deadLetterAudit(DEFAULTS.keyPrefix),
      '-',
      '+',
    );
    expect(
      audit.map(([, fields]) => {
        const entry = Object.fromEntries(
          fields.flatMap((field, i) => (i % 2 === 0 ? [[field, fields[i + 1]]] : [])),
        );
        return [entry.user, entry.worker, entry.action, entry.result];
      }),
    ).toEqual([
      [String(user), 'all', 'silence', 'refused'],
      [String(user), 'all', 'unsilence', 'refused'],
    ]);
    expect(log.messages()).toContain('refused a silence command from a user who is not allowed');
    // Reads stay open to anyone in the chat.
    expect(await ask('/status', CHAT, user)).toMatch(/^<b>워커 상태<\/b>/);
    expect(await ask('/history video-render', CHAT, user)).toContain('video-render');
    expect(await ask('/help', CHAT, user)).toContain('/status');
  });
});
