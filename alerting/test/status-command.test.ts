import { parseFleet } from '@fleet/core';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import { TELEGRAM_MAX_CHARS } from '../src/html.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;

// music-render runs on the NAS, whose backup window is every day 03:00–03:30 in Seoul.
const FLEET = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render', host: 'nas' },
    { name: 'video-render', kind: 'render' },
    { name: 'ai_trade', kind: 'trader' },
  ],
  maintenance: [{ target: 'nas', schedule: '0 3 * * *', duration: '30m', reason: 'NAS backup' }],
});

/** The service's clock: the real one moved by `clock.offset`. */
const clock = { offset: 0, now: () => Date.now() + clock.offset };

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
      // The clock is moved by hours: a heartbeat must not turn stale meanwhile.
      collector: { heartbeatStaleAfterS: 86_400 },
      telegramAllowedUserIds: [4242],
      ...overrides,
    }),
  );
  await afterChecks(service);
  return service;
}

/** Sends `text` and waits for the first new message that `reply` matches (alerts may interleave). */
async function ask(text: string, reply: RegExp): Promise<string> {
  const before = telegram.sent.length;
  telegram.pushMessage(CHAT, text);
  const sent = await telegram.waitFor(
    (all) => all.slice(before).some((message) => reply.test(message.text)),
    8000,
    `the answer to ${text}`,
  );
  return sent.slice(before).find((message) => reply.test(message.text))?.text ?? '';
}

describe('/status tells what keeps alerts back (real Redis, fake Bot API)', () => {
  it('lists the running windows (what, until when, who or the fleet file) and the silences', async () => {
    await db.workers.beatAll(FLEET.workers.map((worker) => worker.name));
    clock.offset = Date.parse('2026-12-02T18:10:00Z') - Date.now(); // 03:10 in Seoul
    // (Beat ages read the heartbeats' real clock against the moved one: not checked here.)
    await start();
    await ask('/maintenance video-render 2h <b>&drivers', /^🛠 #1 /);
    await ask('/silence ai_trade 1h', /^🔕 ai_trade/);
    const lines = (await ask('/status', /^<b>워커 상태<\/b>/)).split('\n');
    expect(lines).toEqual([
      '<b>워커 상태</b> · Redis 정상',
      '🛠 점검 중:',
      '  #schedule:0 nas (music-render) · 03:30까지 · 플리트 파일 · NAS backup',
      '  #1 video-render · 05:10까지 · @operator · &lt;b&gt;&amp;drivers',
      expect.stringMatching(/^🔕 무음: ai_trade \((59분 \d+초|1시간), 04:10까지\)$/),
      '',
      expect.stringMatching(/^music-render · 🟢 대기 · [^·]+ 전 · 대기 0 · 🛠$/),
      expect.stringMatching(/^video-render · 🟢 대기 · [^·]+ 전 · 대기 0 · 🛠$/),
      expect.stringMatching(/^ai_trade · .* · 🔕$/),
    ]);
  });

  it('in English, and without windows or silences just the workers', async () => {
    await db.workers.beatAll(FLEET.workers.map((worker) => worker.name));
    clock.offset = Date.parse('2026-12-02T18:10:00Z') - Date.now();
    await start({ lang: 'en' });
    await ask('/silence all 30m', /^🔕 all/);
    expect((await ask('/status', /^<b>Worker status<\/b>/)).split('\n').slice(0, 5)).toEqual([
      '<b>Worker status</b> · Redis OK',
      '🛠 Maintenance:',
      '  #schedule:0 nas (music-render) · until 03:30 · fleet file · NAS backup',
      expect.stringMatching(/^🔕 Silenced: all \((29m \d+s|30m), until 03:40\)$/),
      '',
    ]);
    clock.offset = Date.parse('2026-12-02T20:00:00Z') - Date.now(); // 05:00: all over
    await afterChecks(service as AlertingService);
    const lines = (await ask('/status', /^<b>Worker status<\/b>/)).split('\n');
    expect(lines[0]).toBe('<b>Worker status</b> · Redis OK');
    expect(lines[1]).toMatch(/^music-render · 🟢 idle · [^·]+ ago · queue 0$/);
    expect(lines).toHaveLength(4);
  });

  it('fits 4096 characters with a big fleet, the windows and silences kept first', async () => {
    const names = Array.from(
      { length: 120 },
      (_, i) => `render-${String(i).padStart(3, '0')}-${'x'.repeat(50)}`,
    );
    await start({
      fleet: parseFleet({ workers: names.map((name) => ({ name, kind: 'render' })) }),
    });
    await ask('/maintenance all 1h', /^🛠 #1 /);
    await ask(`/silence ${names[7]} 1h`, /^🔕 render-007/);
    const status = await ask('/status', /^<b>워커 상태<\/b>/);
    expect(status.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
    const lines = status.split('\n');
    expect(lines.slice(1, 3)).toEqual([
      '🛠 점검 중:',
      expect.stringMatching(
        /^ {2}#1 all \(render-000-x+, render-001-.*…\) · \d\d:\d\d까지 · @operator$/,
      ),
    ]);
    expect(lines[2]?.length).toBeLessThan(400);
    expect(lines[3]).toMatch(/^🔕 무음: render-007-x+ \(/);
    expect(lines.at(-1)).toMatch(/^… 외 \d+줄$/);
  });
});
