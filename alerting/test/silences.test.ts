import { alertingKeys } from '@fleet/core/contracts';
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
import { DEFAULTS } from '../src/config.js';

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

/** Silences `target` (a worker or `all`) for `ms`, as /silence does. */
async function silence(target: string, ms: number): Promise<void> {
  await db.client.hset(alertingKeys.silences(DEFAULTS.keyPrefix), target, String(Date.now() + ms));
}

describe('silences keep the chat’s picture right (real Redis, fake Telegram)', () => {
  it('announces the recovery of a worker announced down, even while it is silenced', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    await silence('video-render', 600_000);
    await afterChecks(service as AlertingService, 2);
    await db.workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the recovery');
    expect(telegram.sent[1]?.text).toMatch(
      /^<b>🟢 \[video-render\] 워커 복구<\/b> \(다운 \d+초\)$/,
    );
  });

  it('says once, when the silence expires, what changed under it per worker', async () => {
    await db.workers.beatAll();
    await start();
    await silence('all', 2500);
    await afterChecks(service as AlertingService, 2);
    await db.workers.kill('video-render');
    await db.workers.kill('music-render');
    await afterChecks(service as AlertingService, 2);
    await db.workers.beat('music-render');
    await db.workers.setDeadLetters('music-render', 3);
    await afterChecks(service as AlertingService, 2);
    expect(telegram.sent).toEqual([]);
    const [summary] = await telegram.waitFor((sent) => sent.length === 1, 6000, 'the summary');
    expect(summary?.text.split('\n')).toEqual([
      expect.stringMatching(
        /^<b>🔔 \[music-render\] 무음 중 변화:<\/b> 다운됐다가 복구됨 \(다운 \d+초\), 실패 누적 3건 \(dead-letter\)$/,
      ),
      expect.stringMatching(/^<b>🔔 \[video-render\] 무음 중 변화:<\/b> 다운 \(\d+초째\)$/),
    ]);
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
  });

  it('sends no reminder for a "down" that a silence kept from the chat', async () => {
    await db.workers.beatAll();
    await start({ repeatS: 1 });
    await silence('video-render', 600_000);
    await afterChecks(service as AlertingService, 2);
    await db.workers.kill('video-render');
    await quietPeriod(2500);
    expect(telegram.sent).toEqual([]);
    // Once it ends, the summary comes first, and reminders follow it.
    await db.client.hdel(alertingKeys.silences(DEFAULTS.keyPrefix), 'video-render');
    await telegram.waitFor((sent) => sent.length === 2, 6000, 'the summary and a reminder');
    expect(telegram.sent[0]?.text).toMatch(/무음 중 변화:<\/b> 다운 \(\d+초째\)$/);
    expect(telegram.sent[1]?.text).toMatch(/^🔁 \[video-render\] 여전히 다운 \(\d+초째\)$/);
  });
});

describe('the "still down" footer of other alerts', () => {
  it('does not name a worker that was silenced after its "down" (on call asked for quiet)', async () => {
    await db.workers.beatAll();
    await start();
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    await silence('video-render', 600_000);
    await afterChecks(service as AlertingService, 2);
    await db.workers.kill('music-render');
    const [, music] = await telegram.waitFor((sent) => sent.length === 2, 5000, 'music down');
    expect(music?.text).toMatch(/^<b>🔴 \[music-render\] 워커 다운<\/b>/);
    expect(music?.text).not.toContain('video-render');
    await db.workers.kill('ai_trade');
    const [, , trade] = await telegram.waitFor((sent) => sent.length === 3, 5000, 'ai_trade down');
    expect(trade?.text).toMatch(/<i>아직 다운:<\/i> music-render \(\d+초\)$/);
    expect(trade?.text).not.toContain('video-render');
  });
});
