import { parseFleet, redisKeys } from '@fleet/core/contracts';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';
import { TELEGRAM_MAX_CHARS } from '../src/html.js';

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

const WINDOWS = Array.from({ length: 200 }, (_, index) => `render-worker-number-${index}`);
const FLEET = parseFleet({
  workers: [
    ...WINDOWS.map((name) => ({ name, kind: 'render', host: 'windows' })),
    { name: 'nas-render', kind: 'render', host: 'nas' },
  ],
});

describe('big outages (real Redis, strict fake Telegram)', () => {
  it('names all 200 workers of a host that goes down, in messages of at most 4096 characters', async () => {
    await db.workers.beatAll([...WINDOWS, 'nas-render']);
    telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    log = new CapturedLog();
    service = await startAlerting(fastOptions(db.redis, telegram, log, { fleet: FLEET }));
    await afterChecks(service);
    await db.client.del(...WINDOWS.map((name) => redisKeys.heartbeat(name)));
    const sent = await telegram.waitFor(
      (messages) => messages.some((message) => /\((\d+)\/\1\)<\/i>$/.test(message.text)),
      10_000,
      'the last part of the outage',
    );
    expect(sent.length).toBeGreaterThan(1);
    for (const message of sent) expect(message.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
    const all = sent.map((message) => message.text).join('\n');
    expect(all).toContain('<b>🔴 [windows] 호스트 다운: 워커 200/200개</b>:');
    for (const name of WINDOWS) expect(all).toMatch(new RegExp(`\\b${name}\\b`));
    expect(all).not.toMatch(/외 \d+/);

    // Each worker still resolves on its own.
    await db.workers.beat('render-worker-number-7');
    await telegram.waitFor(
      () => telegram.matching('🟢 [render-worker-number-7] 워커 복구').length === 1,
      5000,
      'one recovery',
    );
  });
});
