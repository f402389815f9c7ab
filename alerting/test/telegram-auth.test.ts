import { CHAT, eventually, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';

const db = useAlertingRedis();
const ALARM = 'Telegram refuses the bot (401/403)';

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function healthz(service: AlertingService): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${service.port}/healthz`);
  return (await response.json()) as Record<string, unknown>;
}

async function authGauge(service: AlertingService): Promise<number> {
  return (await service.metrics.telegramAuthFailed.get()).values[0]?.value ?? Number.NaN;
}

describe('Telegram refusing the bot token', () => {
  it('is an alarm of its own: gauge, one error line, /healthz; cleared when the token works again', async () => {
    const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    cleanups.push(() => telegram.stop());
    const log = new CapturedLog();
    await db.workers.beatAll();
    const service = await startAlerting(fastOptions(db.redis, telegram, log));
    cleanups.push(() => service.close());
    await afterChecks(service);

    // From the start, at 0: an alert rule over it never sees "no data".
    const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
    expect(await response.text()).toMatch(/^fleet_alerting_telegram_auth_failed 0$/m);
    expect(await healthz(service)).toMatchObject({ telegram: 'ok' });

    telegram.revokeToken();
    await db.workers.kill('video-render');
    const refusedSends = () =>
      telegram.requests.filter((r) => r.method === 'sendMessage' && r.status === 401);
    await eventually(async () => refusedSends().length >= 3, 20_000, 'three refused sends');
    expect(await authGauge(service)).toBe(1);
    expect(await healthz(service)).toMatchObject({ status: 'ok', telegram: 'refused' });
    const alarms = log.lines.filter((line) => line.includes(ALARM));
    expect(alarms).toHaveLength(1);
    expect(JSON.parse(alarms[0] as string)).toMatchObject({ level: 50 }); // pino's "error"
    // No retry storm: each retry waits longer than the one before (backoff 1 s, 2 s …).
    const [first, second, third] = refusedSends().map((r) => r.at);
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(900);
    expect((third as number) - (second as number)).toBeGreaterThanOrEqual(1900);

    telegram.revokeToken(false);
    await telegram.waitFor((sent) => sent.length === 1, 20_000, 'the message kept meanwhile');
    expect(telegram.sent[0]?.text).toContain('🔴 [video-render] 워커 다운');
    await eventually(async () => (await authGauge(service)) === 0, 5000, 'the alarm cleared');
    expect(await healthz(service)).toMatchObject({ telegram: 'ok' });
    expect(log.messages()).toContain('Telegram accepts the bot again');
    expect(log.lines.filter((line) => line.includes(ALARM))).toHaveLength(1);
    expect(log.text).not.toContain(TEST_TOKEN.split(':')[1]);
  });

  it('log-only mode has no Telegram to be refused by: /healthz says nothing about it', async () => {
    const log = new CapturedLog();
    const service = await startAlerting(fastOptions(db.redis, null, log));
    cleanups.push(() => service.close());
    expect(await healthz(service)).not.toHaveProperty('telegram');
    expect(await authGauge(service)).toBe(0);
  });
});
