import { CHAT, eventually, FakeTelegramServer, TEST_TOKEN } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let services: AlertingService[] = [];
let log: CapturedLog;

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  for (const service of services) await service.close();
  services = [];
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  const service = await startAlerting(fastOptions(db.redis, telegram, log, overrides));
  services.push(service);
  return service;
}

describe('restarts and replicas', () => {
  it('a restart mid-outage sends no second "down", and still sends the recovery', async () => {
    const first = await start({ replicaId: 'first' });
    await afterChecks(first);
    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    await first.close();

    const second = await start({ replicaId: 'second' });
    await afterChecks(second, 5);
    expect(telegram.sent).toHaveLength(1);
    await db.workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the recovery');
    await afterChecks(second, 3);
    expect(telegram.sent.map((message) => message.text)).toEqual([
      expect.stringContaining('🔴 [video-render] 워커 다운'),
      expect.stringMatching(/^<b>🟢 \[video-render\] 워커 복구<\/b> \(다운 \d+초\)$/),
    ]);
  });

  it('two replicas at once notify each change exactly once, and only one polls for commands', async () => {
    const [a, b] = await Promise.all([start({ replicaId: 'a' }), start({ replicaId: 'b' })]);
    await eventually(() => a.isActing !== b.isActing, 5000, 'one acting replica');
    const [leader, follower] = a.isActing ? [a, b] : [b, a];
    await afterChecks(leader);

    await db.workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 5000, 'the down message');
    await db.workers.setDeadLetters('music-render', 2);
    await telegram.waitFor((sent) => sent.length === 2, 5000, 'the dead-letter message');
    await db.workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 3, 5000, 'the recovery');
    await afterChecks(leader, 3);
    expect(telegram.sent.map((message) => message.text)).toEqual([
      expect.stringContaining('🔴 [video-render] 워커 다운'),
      expect.stringContaining('❌ [music-render] 실패 누적 2건 (dead-letter)'),
      expect.stringContaining('🟢 [video-render] 워커 복구'),
    ]);
    expect(telegram.conflicts).toBe(0);

    // The leader goes away: the other takes over (after the lease) and carries on, still once.
    await leader.close();
    await eventually(() => follower.isActing, 5000, 'the follower taking over');
    await afterChecks(follower);
    await db.workers.kill('ai_trade');
    await telegram.waitFor((sent) => sent.length === 4, 5000, 'the down message after failover');
    await afterChecks(follower, 3);
    expect(telegram.sent).toHaveLength(4);
    expect(telegram.sent[3]?.text).toContain('🔴 [ai_trade] 워커 다운');
  });
});
