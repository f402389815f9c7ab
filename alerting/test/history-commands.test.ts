import { alertingKeys, DEFAULT_ALERT_KEY_PREFIX } from '@fleet/core/contracts';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import {
  afterChecks,
  CapturedLog,
  fastOptions,
  quietPeriod,
  useAlertingRedis,
} from '@fleet/testing/alerting';
import { Cron } from 'croner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import { htmlToPlain, TELEGRAM_MAX_CHARS } from '../src/html.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
const services: AlertingService[] = [];
let log: CapturedLog;

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}, checks = 2): Promise<AlertingService> {
  const service = await startAlerting(fastOptions(db.redis, telegram, log, overrides));
  services.push(service);
  if (checks > 0) await afterChecks(service, checks);
  return service;
}

async function ask(text: string): Promise<string> {
  const before = telegram.sent.length;
  telegram.pushMessage(CHAT, text);
  const sent = await telegram.waitFor((all) => all.length > before, 8000, `the reply to ${text}`);
  return htmlToPlain(sent.at(-1)?.text as string);
}

async function waitForText(pattern: RegExp, what: string): Promise<void> {
  await telegram.waitFor((all) => all.some((m) => pattern.test(m.text)), 10_000, what);
}

describe('/history and /report', () => {
  it('answer from the transitions the checks recorded (English)', async () => {
    await start({ lang: 'en', timeZone: 'UTC' });
    await db.workers.kill('video-render');
    await waitForText(/\[video-render\] worker down/, 'the down alert');
    await db.workers.beat('video-render');
    await waitForText(/\[video-render\] worker recovered/, 'the recovery');

    const history = await ask('/history video-render');
    const lines = history.split('\n');
    expect(lines[0]).toBe('[video-render] last 2 events');
    expect(lines[1]).toMatch(/^\d\d\/\d\d \d\d:\d\d 🟢 recovered \(down \d+s\)$/);
    expect(lines[2]).toMatch(/^\d\d\/\d\d \d\d:\d\d 🔴 down$/);
    expect(await ask('/history music-render')).toBe('[music-render] no history yet.');
    expect(await ask('/history nobody')).toBe('Usage: /history <worker>');

    const report = await ask('/report');
    expect(report).toContain('📊 Reliability report · last 7 days');
    expect(report).toMatch(
      /video-render 99\.\d\d% · 1 incident · down \d+s \(longest \d+s\) · MTTR \d+s/,
    );
    expect(report).toMatch(/music-render 100\.00% · 0 incidents/);
    expect(await ask('/report 3d')).toBe('Usage: /report [7d|30d]');
  });

  it('answer in Korean by default, within 4096 characters', async () => {
    await start();
    await db.workers.kill('ai_trade');
    await waitForText(/\[ai_trade\] 워커 다운/, 'the down alert');
    const history = await ask('/history ai_trade');
    expect(history).toMatch(/^\[ai_trade\] 최근 기록 1건\n\d\d\/\d\d \d\d:\d\d 🔴 다운$/);
    const report = await ask('/report 30d');
    expect(report).toContain('📊 신뢰성 리포트 · 최근 30일');
    expect(report).toMatch(
      /ai_trade \d+\.\d\d% · 장애 1회 · 다운 \d+초 \(최장 \d+초\) · 🔴 다운 중/,
    );
    expect(report.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
    const html = telegram.sent.at(-1);
    expect(html?.parseMode).toBe('HTML');
  });
});

describe('weekly digest', () => {
  it('goes out once at the due time, with two replicas and across a restart', async () => {
    // The monitor's clock runs 2 s before the next Monday 09:00 in Seoul.
    const due = new Cron('0 9 * * 1', { timezone: 'Asia/Seoul', paused: true })
      .nextRun()
      ?.getTime();
    const offset = (due as number) - 2000 - Date.now();
    const options: AlertingOptions = {
      lang: 'en',
      weeklyReport: true,
      now: () => Date.now() + offset,
    };
    // Two replicas (the one not acting runs no checks).
    await Promise.all([start(options, 0), start(options, 0)]);
    await waitForText(/Weekly report/, 'the weekly digest');
    await quietPeriod(1000);
    // A restart after the due time, within the catch-up: the mark in Redis says it went out.
    for (const service of services.splice(0)) await service.close();
    await start(options, 4);
    const digests = telegram.sent.filter((m) => m.text.includes('Weekly report'));
    expect(digests).toHaveLength(1);
    expect(digests[0]?.text).toContain('Reliability report · last 7 days');
    expect(
      await db.client.exists(alertingKeys.sent(DEFAULT_ALERT_KEY_PREFIX, `weekly:${due}`)),
    ).toBe(1);
  });

  it('is off unless turned on', async () => {
    const due = new Cron('0 9 * * 1', { timezone: 'Asia/Seoul', paused: true })
      .nextRun()
      ?.getTime();
    const offset = (due as number) + 1000 - Date.now();
    const service = await start({ now: () => Date.now() + offset });
    await afterChecks(service, 5);
    expect(telegram.sent).toEqual([]);
  });
});
