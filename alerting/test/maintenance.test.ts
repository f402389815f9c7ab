import { alertingKeys, parseFleet } from '@fleet/core';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
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
import { DEFAULTS } from '../src/config.js';
import { MaintenanceStore } from '../src/maintenance-store.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;

const KEYS = {
  windows: alertingKeys.maintenance(DEFAULTS.keyPrefix),
  audit: alertingKeys.maintenanceAudit(DEFAULTS.keyPrefix),
};

// music-render runs on the NAS, whose backup window is every day 03:00–03:30 in Seoul.
const FLEET = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render', host: 'nas' },
    { name: 'video-render', kind: 'render' },
    { name: 'ai_trade', kind: 'trader' },
  ],
  maintenance: [{ target: 'nas', schedule: '0 3 * * *', duration: '30m', reason: 'NAS backup' }],
});

/** The service's clock: the real one moved by `clock.offset` (a test sets the time of day). */
const clock = { offset: 0, now: () => Date.now() + clock.offset };
/** Moves the service's clock to `iso`. */
const setClock = (iso: string) => {
  clock.offset = Date.parse(iso) - Date.now();
};

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  log = new CapturedLog();
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await telegram.stop();
  clock.offset = 0;
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  service = await startAlerting(
    fastOptions(db.redis, telegram, log, {
      fleet: FLEET,
      now: clock.now,
      // The clock jumps by minutes: a heartbeat must not turn stale meanwhile.
      collector: { heartbeatStaleAfterS: 86_400 },
      telegramAllowedUserIds: [4242],
      ...overrides,
    }),
  );
  await afterChecks(service);
  return service;
}

async function command(text: string): Promise<string> {
  const before = telegram.sent.length;
  telegram.pushMessage(CHAT, text);
  const sent = await telegram.waitFor((all) => all.length > before, 5000, `the answer to ${text}`);
  return sent[before]?.text ?? '';
}

/** The maintenance events of the history stream, oldest first. */
async function maintenanceHistory(): Promise<{ type: string }[]> {
  const history = await db.client.xrange(alertingKeys.history(DEFAULTS.keyPrefix), '-', '+');
  return history
    .map(([, fields]) => JSON.parse(fields[fields.indexOf('e') + 1] as string))
    .filter((event) => event.type.startsWith('maintenance_'));
}

describe('a recurring window (fleet file, Asia/Seoul), on a controlled clock', () => {
  it('says when it starts, keeps its host quiet, and sums up what changed when it ends', async () => {
    await db.workers.beatAll();
    setClock('2026-12-02T17:59:50Z'); // 02:59:50 in Seoul
    await start();
    expect(telegram.sent).toEqual([]);

    setClock('2026-12-02T18:00:05Z');
    const [started] = await telegram.waitFor((sent) => sent.length === 1, 5000, 'the start');
    expect(started?.text).toBe('<b>🛠 [nas] 점검 시작: 03:30까지 알림 없음</b> (NAS backup)');

    // Under the window: the NAS worker dies and fails jobs, unheard; the Windows one is told.
    await db.workers.kill('music-render');
    await db.workers.setDeadLetters('music-render', 2);
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
    await db.workers.kill('video-render');
    const [, down] = await telegram.waitFor((sent) => sent.length === 2, 5000, 'video down');
    expect(down?.text).toMatch(/^<b>🔴 \[video-render\] 워커 다운<\/b>/);

    setClock('2026-12-02T18:30:05Z');
    const [, , over] = await telegram.waitFor((sent) => sent.length === 3, 5000, 'the end');
    expect(over?.text.split('\n')).toEqual([
      '<b>🛠 [nas] 점검 끝 (30분)</b>',
      expect.stringMatching(
        /^<b>🛠 \[music-render\] 점검 중 변화:<\/b> 다운 \(30분( \d+초)?째\), 실패 누적 2건 \(dead-letter\)$/,
      ),
      '',
      expect.stringMatching(/^<i>아직 다운:<\/i> video-render \(30분/),
    ]);
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(3);
    // The history stream has the window, for reports that leave maintenance out.
    expect(await maintenanceHistory()).toEqual([
      expect.objectContaining({
        type: 'maintenance_start',
        window: 'schedule:0',
        target: 'nas',
        workers: ['music-render'],
        until: Date.parse('2026-12-02T18:30:00Z'),
        source: 'schedule',
        by: null,
      }),
      expect.objectContaining({
        type: 'maintenance_end',
        window: 'schedule:0',
        workers: ['music-render'],
        source: 'schedule',
        by: null,
      }),
    ]);
  });

  it('an end with nothing changed says so; a restart mid-window announces nothing twice', async () => {
    await db.workers.beatAll();
    setClock('2026-12-02T18:10:00Z');
    await start({ lang: 'en' });
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the start');
    expect(telegram.sent[0]?.text).toBe(
      '<b>🛠 [nas] maintenance started: no alerts until 03:30</b> (NAS backup)',
    );
    await service?.close();
    await start({ lang: 'en' });
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
    setClock('2026-12-02T18:31:00Z');
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the end');
    expect(telegram.sent[1]?.text).toBe('<b>🛠 [nas] maintenance over (30m)</b>: nothing changed');
  });
});

describe('/maintenance (real Redis, fake Bot API)', () => {
  it('starts a window for an allowed user, lists it, and ends it with one summary', async () => {
    await db.workers.beatAll();
    await start();
    const answer = await command('/maintenance video-render 2h driver update');
    expect(answer).toMatch(
      /^🛠 #1 video-render: (\d\d-\d\d )?\d\d:\d\d까지 점검 \(알림 없음\)\. 끝내기: \/maintenance end 1$/,
    );
    await telegram.waitFor((sent) => sent.some((m) => m.text.includes('점검 시작')), 5000, 'start');
    expect(telegram.sent.at(-1)?.text).toMatch(
      /^<b>🛠 \[video-render\] 점검 시작: (\d\d-\d\d )?\d\d:\d\d까지 알림 없음<\/b> \(driver update\)$/,
    );
    const stored = JSON.parse((await db.client.hget(KEYS.windows, '1')) as string);
    expect(stored).toMatchObject({ id: '1', target: 'video-render', reason: 'driver update' });
    expect(stored.until - stored.start).toBe(2 * 3_600_000);

    const count = telegram.sent.length;
    await db.workers.kill('video-render');
    await quietPeriod(2000);
    expect(telegram.sent).toHaveLength(count);
    expect(await command('/maintenance')).toMatch(
      /^<b>🛠 점검 중<\/b>\n#1 video-render · (\d\d-\d\d )?\d\d:\d\d까지 · @operator · driver update\n\n<i>예정 \(플리트 파일\)<\/i>\nnas · 0 3 \* \* \* \(Asia\/Seoul\), 30분 · 다음 (\d\d-\d\d )?03:00 · NAS backup$/,
    );

    expect(await command('/maintenance end 1')).toBe('🛠 점검 끝: #1');
    const after = telegram.sent.length;
    const summary = await telegram.waitFor((sent) => sent.length > after, 5000, 'the summary');
    expect(summary.at(-1)?.text.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^<b>🛠 \[video-render\] 점검 끝 \(\d+초\)<\/b>$/),
      expect.stringMatching(/^<b>🛠 \[video-render\] 점검 중 변화:<\/b> 다운 \(\d+초째\)$/),
    ]);
    expect(await command('/maintenance end 1')).toBe('끝낼 점검이 없습니다: 1');
    // The history says who started and who ended it, as for acknowledgements.
    const operator = { id: 4242, name: 'operator' };
    expect(await maintenanceHistory()).toEqual([
      expect.objectContaining({ type: 'maintenance_start', window: '1', by: operator }),
      expect.objectContaining({ type: 'maintenance_end', window: '1', by: operator }),
    ]);
    expect((await command('/history video-render')).split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/ 🛠 점검 끝 \(video-render\) · operator$/),
      expect.stringMatching(/ 🔴 다운 \(무음\)$/),
    ]);
    const audit = await db.client.xrange(KEYS.audit, '-', '+');
    expect(audit.map(([, fields]) => [fields[1], fields[fields.indexOf('user') + 1]])).toEqual([
      ['start', '4242'],
      ['end', '4242'],
      ['end', '4242'],
    ]);
  });

  it.each([
    ['a user who is not allowed', { telegramAllowedUserIds: [1] }],
    ['nobody allowed (read-only)', { telegramAllowedUserIds: undefined }],
  ])('refuses %s, and audits it', async (_name, overrides) => {
    await db.workers.beatAll();
    await start(overrides);
    expect(await command('/maintenance all 1h')).toBe('이 작업을 할 권한이 없습니다.');
    expect(await command('/maintenance end all')).toBe('이 작업을 할 권한이 없습니다.');
    expect(await db.client.hlen(KEYS.windows)).toBe(0);
    const audit = await db.client.xrange(KEYS.audit, '-', '+');
    expect(audit.map(([, fields]) => fields.slice(0, 4))).toEqual([
      ['action', 'refused', 'command', 'start'],
      ['action', 'refused', 'command', 'end'],
    ]);
    // Listing stays open to the chat.
    expect(await command('/maintenance')).toContain('진행 중인 점검이 없습니다.');
  });

  it.each([
    ['an unknown target', '/maintenance gpu 1h', '알 수 없는 대상: gpu'],
    ['a bad duration', '/maintenance nas soon', '사용법: /maintenance'],
    [
      'ending a fleet file window',
      '/maintenance end schedule:0',
      'schedule:0는 플리트 파일의 점검입니다',
    ],
  ])('answers %s', async (_name, text, expected) => {
    await start();
    expect(await command(text)).toContain(expected);
  });

  it('starts nothing twice for one command message (a redelivered update)', async () => {
    const store = new MaintenanceStore(db.client, DEFAULTS.keyPrefix);
    const window = {
      target: 'nas',
      start: 1000,
      until: Date.now() + 60_000,
      reason: null,
      by: 'op',
    };
    const request = { chatId: CHAT, messageId: 77 };
    const actor = { userId: 4242, name: 'op', chatId: CHAT };
    const first = await store.start(window, request, actor, 1000);
    const again = await store.start(window, request, actor, 1000);
    expect([first, again]).toEqual([
      { id: '1', created: true },
      { id: '1', created: false },
    ]);
    expect((await store.running(Date.now())).map((w) => w.id)).toEqual(['1']);
    expect(await store.end('nas', { id: 4242, name: 'op' }, actor, 2000)).toEqual(['1']);
    expect(await store.running(Date.now())).toEqual([]);
  });
});
