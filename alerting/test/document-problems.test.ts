import { parseFleet, redisKeys } from '@fleet/core/contracts';
import { CHAT, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
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
let beating: NodeJS.Timeout | undefined;

afterEach(async () => {
  clearInterval(beating);
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

/** Workers that keep beating (their `ts` moves every second), as live workers do. */
function keepBeating(names: string[], state: Record<string, string> = {}): void {
  const beat = () => {
    for (const name of names) void db.workers.beat(name, state[name] ? { state: state[name] } : {});
  };
  beat();
  beating = setInterval(beat, 300);
}

describe('problems the status document flags (real Redis, fake Telegram)', () => {
  it('a heartbeat without a TTL whose ts stops moving is told stale once, and fresh again', async () => {
    keepBeating(['music-render', 'ai_trade']);
    // A worker that forgot `EX 45`: its key never expires.
    const heartbeat = {
      name: 'video-render',
      kind: 'render',
      state: 'idle',
      ts: new Date().toISOString(),
      last_job_at: null,
      jobs_done: 0,
      jobs_failed: 0,
    };
    await db.client.set(redisKeys.heartbeat('video-render'), JSON.stringify(heartbeat));
    await start({ collector: { heartbeatStaleAfterS: 2 } });
    const [stale] = await telegram.waitFor((sent) => sent.length === 1, 8000, 'the stale message');
    expect(stale?.text).toMatch(
      /^<b>⚠️ \[video-render\] 하트비트 멈춤: 키는 남아 있지만 \d초째 갱신 없음<\/b>$/,
    );
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
    await db.workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the fresh message');
    expect(telegram.sent[1]?.text).toBe('✅ [video-render] 하트비트 다시 갱신됨');
  });

  it('a job that never ends (busy, no progress) is told stuck once, and moving again', async () => {
    const fleet = parseFleet({
      workers: [
        { name: 'music-render', kind: 'render' },
        { name: 'video-render', kind: 'render', stuck_after_s: 1 },
        { name: 'ai_trade', kind: 'trader' },
      ],
    });
    keepBeating(['music-render', 'video-render', 'ai_trade'], { 'video-render': 'busy' });
    await start({ fleet });
    const [stuck] = await telegram.waitFor((sent) => sent.length === 1, 8000, 'the stuck message');
    expect(stuck?.text).toMatch(/^<b>🧊 \[video-render\] 작업 멈춤: \d초째 진행 없음<\/b>$/);
    await afterChecks(service as AlertingService, 3);
    expect(telegram.sent).toHaveLength(1);
    clearInterval(beating);
    keepBeating(['music-render', 'video-render', 'ai_trade']);
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the moving message');
    expect(telegram.sent[1]?.text).toBe('▶️ [video-render] 작업 다시 진행');
  });
});
