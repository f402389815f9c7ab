import { redisKeys } from '@fleet/core/contracts';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import {
  afterChecks,
  CapturedLog,
  fastOptions,
  quietPeriod,
  useAlertingRedis,
} from '@fleet/testing/alerting';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;

afterEach(async () => {
  await service?.close();
  service = undefined;
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  log = new CapturedLog();
  service = await startAlerting(fastOptions(db.redis, telegram, log, overrides));
  await afterChecks(service);
  return service;
}

describe('worker events, end to end (real Redis, real Bot API client, fake Telegram)', () => {
  it('announces a worker going down and recovering, once each, with the downtime', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    await afterChecks(service as AlertingService, 3);
    await db.workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the recovery message');
    await afterChecks(service as AlertingService, 3);

    expect(telegram.sent.map((message) => message.text)).toEqual([
      expect.stringMatching(/^<b>🔴 \[video-render\] 워커 다운<\/b>\n {3}마지막 하트비트 \d초 전$/),
      expect.stringMatching(/^<b>🟢 \[video-render\] 워커 복구<\/b> \(다운 \d+초\)$/),
    ]);
    expect(
      telegram.sent.every((message) => message.chatId === CHAT && message.parseMode === 'HTML'),
    ).toBe(true);
  });

  it('lets a worker disappear the real way: its heartbeat key expires', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.beat('music-render', { ttlS: 1 });
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    expect(telegram.sent[0]?.text).toContain('🔴 [music-render] 워커 다운');
  });

  it('reports a worker already dead at start once the boot grace is over, not before', async () => {
    await db.workers.beatAll(['music-render', 'video-render']);
    const started = Date.now();
    await start({ bootGraceS: 1.5 });
    const [message] = await telegram.waitFor((sent) => sent.length === 1, 6000, 'the boot report');
    expect(message?.at).toBeGreaterThanOrEqual(started + 1500);
    expect(message?.text).toMatch(
      /^<b>🔴 \[ai_trade\] 워커 다운<\/b>\n {3}모니터 시작 후 \d초 동안 하트비트 없음$/,
    );
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
  });

  it('says nothing at start when everything is alive', async () => {
    await db.workers.beatAll();
    await start();
    await quietPeriod(2000);
    expect(telegram.sent).toEqual([]);
  });

  it('announces dead letters reaching the threshold and changing above it, re-armed at 0', async () => {
    await db.workers.beatAll();
    await start({ deadLetterWindowS: 0 });
    const step = async (count: number, expected: number) => {
      await db.workers.setDeadLetters('music-render', count);
      await telegram.waitFor((sent) => sent.length === expected, 5000, `${expected} messages`);
      await afterChecks(service as AlertingService, 2);
    };
    await step(2, 1);
    await step(5, 2);
    await step(0, 2);
    await step(1, 3);
    expect(telegram.sent.map((message) => message.text)).toEqual([
      '<b>❌ [music-render] 실패 누적 2건 (dead-letter)</b>',
      '<b>❌ [music-render] 실패 누적 5건 (dead-letter)</b>',
      '<b>❌ [music-render] 실패 누적 1건 (dead-letter)</b>',
    ]);
  });

  it('throttles dead-letter updates: a burst is one message, the next step is told at once', async () => {
    await db.workers.beatAll();
    await start({ deadLetterWindowS: 600 });
    await db.workers.setDeadLetters('music-render', 1);
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the first dead letter');
    for (const count of [4, 9]) {
      await db.workers.setDeadLetters('music-render', count);
      await afterChecks(service as AlertingService, 2);
    }
    expect(telegram.sent).toHaveLength(1);
    await db.workers.setDeadLetters('music-render', 12);
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the next step');
    expect(telegram.sent.map((message) => message.text)).toEqual([
      '<b>❌ [music-render] 실패 누적 1건 (dead-letter)</b>',
      '<b>❌ [music-render] 실패 누적 12건 (dead-letter)</b>',
    ]);
  });

  it('measures "last heartbeat N ago" on the monitor’s clock, not the worker’s', async () => {
    await db.workers.beatAll();
    await start();
    // A worker whose clock runs ten minutes behind: its key is fresh, its ts is not.
    const behind = new Date(Date.now() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const heartbeat = { name: 'video-render', kind: 'render', state: 'idle', ts: behind };
    await db.client.set(
      redisKeys.heartbeat('video-render'),
      JSON.stringify({ ...heartbeat, last_job_at: null, jobs_done: 0, jobs_failed: 0 }),
      'EX',
      600,
    );
    await afterChecks(service as AlertingService, 2);
    await db.workers.kill('video-render');
    const [down] = await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    expect(down?.text).toMatch(/\n {3}마지막 하트비트 \d초 전$/);
  });

  it('announces a stuck queue and when it moves again', async () => {
    await db.workers.beatAll();
    await db.workers.setQueueDepth('video-render', 3);
    await start({ stuckAfterS: 0.8 });
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the stuck message');
    expect(telegram.sent[0]?.text).toMatch(
      /^<b>⏳ \[video-render\] 큐 정체: 대기 3건, \d+초째 줄지 않음<\/b>$/,
    );
    await db.workers.setQueueDepth('video-render', 1);
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the moving message');
    expect(telegram.sent[1]?.text).toBe('▶️ [video-render] 큐 처리 재개 (대기 1건)');
  });

  it('does not alert on the trading-hours pause', async () => {
    await db.client.set(redisKeys.queuePaused, '1', 'EX', 600);
    for (const name of ['music-render', 'video-render']) {
      await db.workers.beat(name, { state: 'paused' });
      await db.workers.setQueueDepth(name, 4);
    }
    await db.workers.beat('ai_trade');
    await start({ stuckAfterS: 0.5 });
    await quietPeriod(1500);
    expect(telegram.sent).toEqual([]);
  });

  it('groups the changes of one check into one message (a host rollup) that lists what is still down', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.kill('ai_trade');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the first down');
    await db.client
      .multi()
      .del(redisKeys.heartbeat('music-render'), redisKeys.heartbeat('video-render'))
      .rpush(redisKeys.deadLetter(redisKeys.defaultQueue('music-render')), 'job')
      .exec();
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the grouped message');
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(2);
    // Both render workers are most of their host (windows): one line for the host.
    expect(telegram.sent[1]?.text.split('\n')).toEqual([
      '<b>🔴 [windows] 호스트 다운: 워커 2/3개</b>: music-render, video-render',
      expect.stringMatching(/^ {3}마지막 하트비트 \d초 전$/),
      '<b>❌ [music-render] 실패 누적 1건 (dead-letter)</b>',
      '',
      expect.stringMatching(/^<i>아직 다운:<\/i> ai_trade \(\d+초\)$/),
    ]);
  });

  it('reminds of a long outage when reminders are on', async () => {
    await db.workers.beatAll();
    await start({ repeatS: 1 });
    await db.workers.kill('video-render');
    await telegram.waitFor(
      (sent) => sent.some((message) => message.text.includes('🔁 [video-render] 여전히 다운')),
      5000,
      'a reminder',
    );
    expect(telegram.matching('🔴 [video-render] 워커 다운')).toHaveLength(1);
  });

  it('holds back a flap shorter than hold-for, and announces an outage that holds', async () => {
    await db.workers.beatAll();
    // A 0.4 s flap against 4 s of hold-for: margin enough for a loaded machine.
    await start({ holdForS: 4 });
    await db.workers.kill('video-render');
    await quietPeriod(400);
    await db.workers.beat('video-render');
    await quietPeriod(4500);
    expect(telegram.sent).toEqual([]);
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 10_000, 'the held down message');
    expect(telegram.sent[0]?.text).toContain('🔴 [video-render] 워커 다운');
  });

  it('speaks English with lang=en', async () => {
    await db.workers.beatAll();
    await start({ lang: 'en' });
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    expect(telegram.sent[0]?.text).toMatch(
      /^<b>🔴 \[video-render\] worker down<\/b>\n {3}last heartbeat \ds ago$/,
    );
  });

  it('serves /healthz and /metrics with its own fleet_alerting_* metrics', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    const base = `http://127.0.0.1:${service?.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', acting: true, logOnly: false });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^fleet_alerting_checks_total\{result="ok"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^fleet_alerting_last_successful_check_timestamp_seconds \d{10}/m);
    expect(metrics).toMatch(/^fleet_alerting_messages_sent_total 1$/m);
    expect(metrics).toMatch(/^fleet_alerting_messages_queued_total 1$/m);
    expect(metrics).toMatch(/^fleet_alerting_outbox_messages 0$/m);
    expect(metrics).toMatch(/^fleet_alerting_events_total\{type="worker_down"\} 1$/m);
    expect(metrics).toMatch(/^fleet_alerting_workers_down 1$/m);
    expect(metrics).toMatch(/^fleet_alerting_leader 1$/m);
    // What the rules in prometheus/rules compare against.
    expect(metrics).toMatch(/^fleet_alerting_check_interval_seconds 0\.2$/m);
    expect(metrics).toMatch(/^fleet_alerting_messages_failed_total\{reason="rejected"\} 0$/m);
    // Every known label value exists from the start, so a rate over it is never "no data".
    expect(metrics).toMatch(/^fleet_alerting_events_total\{type="redis_down"\} 0$/m);
    expect(metrics).toMatch(/^fleet_alerting_events_total\{type="silence_over"\} 0$/m);
    expect(metrics).toMatch(/^fleet_alerting_commands_total\{command="silence"\} 0$/m);
    expect(metrics).toMatch(/^fleet_alerting_checks_total\{result="error"\} 0$/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});

describe('log-only mode', () => {
  it('says so at start and writes the alerts to the log', async () => {
    telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    log = new CapturedLog();
    await db.workers.beatAll();
    service = await startAlerting(fastOptions(db.redis, null, log));
    expect(log.messages()).toContain(
      'no TELEGRAM_BOT_TOKEN: log-only mode, alerts are written to this log',
    );
    await afterChecks(service);
    await db.workers.kill('video-render');
    const alertLine = () =>
      log.lines
        .map((line) => JSON.parse(line))
        .find((entry) => entry.msg === 'alert (log-only, no bot token)');
    await afterChecks(service, 3);
    expect(alertLine()?.text).toMatch(
      /^🔴 \[video-render\] 워커 다운\n {3}마지막 하트비트 \d초 전$/,
    );
    expect(telegram.requests).toEqual([]);
  });
});
