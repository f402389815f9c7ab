// The alerting service under the Redis ACL the README gives it: reads anywhere, writes only to
// the queue and dead-letter lists it manages and to its own prefix. A whole working day goes
// through it (alerts, buttons, /dl requeue and purge, silences, maintenance, /history, /report)
// and ACL LOG must stay empty; a write anywhere else is refused.
import { readFileSync } from 'node:fs';
import { createRedisClient } from '@fleet/core';
import { redisKeys } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, type SentMessage, TEST_TOKEN } from '@fleet/testing';
import { CapturedLog, fastOptions, useAlertingRedis } from '@fleet/testing/alerting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';

/** The line alerting/README.md gives ("Least privilege"), read from it: the test runs what users copy. */
function readmeAclLine(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const line = readme.split('\n').find((l) => l.startsWith('ACL SETUSER alerting '));
  if (!line) throw new Error('alerting/README.md has no "ACL SETUSER alerting …" line');
  return line.slice('ACL SETUSER alerting '.length);
}

const ALERTING_ACL = readmeAclLine().replace('>password', '>alerting-pw');
const ALLOWED = { id: 4242, username: 'operator' };
const QUEUE = 'queue:video-render';
const DEAD = redisKeys.deadLetter(QUEUE);

const db = useAlertingRedis();
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
const log = new CapturedLog();

beforeAll(async () => {
  await db.client.acl('SETUSER', 'alerting', ...ALERTING_ACL.split(' '));
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
});

afterAll(async () => {
  await service?.close();
  await telegram?.stop();
});

async function ask(text: string): Promise<SentMessage> {
  const before = telegram.sent.length;
  telegram.pushMessage(CHAT, text);
  const sent = await telegram.waitFor(
    (all) => all.length > before,
    10_000,
    `the answer to ${text}`,
  );
  return sent.at(-1) as SentMessage;
}

function button(message: SentMessage, label: string): string {
  const buttons = telegram.live.get(message.messageId)?.replyMarkup?.inline_keyboard.flat() ?? [];
  const found = buttons.find((b) => b.text.includes(label));
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(buttons)}`);
  return found.callback_data;
}

async function press(message: SentMessage, label: string): Promise<string | null> {
  const query = telegram.pushCallback(message.messageId, button(message, label), ALLOWED);
  return (await telegram.waitForAnswer(query, 10_000)).text;
}

describe('the alerting service under its least-privilege Redis user', () => {
  it('cannot write outside the queues, the dead letters and its own prefix', async () => {
    await db.workers.beatAll();
    await db.client.acl('LOG', 'RESET');
    const user = createRedisClient({
      url: `redis://alerting:alerting-pw@127.0.0.1:${db.redis.port}`,
    });
    await new Promise((resolve) => user.once('ready', resolve));
    await expect(user.set(redisKeys.heartbeat('video-render'), '{}')).rejects.toThrow(/NOPERM/);
    await expect(user.del('processing:queue:video-render:c1')).rejects.toThrow(/NOPERM/);
    await expect(user.flushall()).rejects.toThrow(/NOPERM/);
    await expect(user.config('GET', 'maxmemory')).rejects.toThrow(/NOPERM/);
    expect(await user.get(redisKeys.heartbeat('video-render'))).toContain('video-render');
    user.disconnect();
    expect(await db.client.acl('LOG')).toHaveLength(4);
    await db.client.acl('LOG', 'RESET');
  });

  it('is all the service needs: alerts, buttons, /dl requeue and purge, silences, maintenance, reports', async () => {
    await db.workers.beatAll();
    await db.client.acl('LOG', 'RESET');
    setTimeout(
      async () => console.log('ACLLOG', JSON.stringify(await db.client.acl('LOG'))),
      15000,
    );
    service = await startAlerting(
      fastOptions(db.redis, telegram, log, {
        redisUrl: `redis://alerting:alerting-pw@127.0.0.1:${db.redis.port}`,
        telegramAllowedUserIds: [ALLOWED.id],
      }),
    );
    await eventually(
      () => telegram.requests.some((request) => request.method === 'getUpdates'),
      10_000,
      'the first getUpdates',
    );
    // Every worker seen alive once, so that a kill is a "down".
    await eventually(
      async () => (await service?.metrics.checks.get())?.values.some((v) => v.value >= 2) ?? false,
      10_000,
      'two checks',
    );
    await db.workers.kill('music-render');
    const down = await telegram.waitFor(
      (all) => all.some((m) => m.text.includes('[music-render] 워커 다운')),
      20_000,
      'the down alert',
    );
    const alert = down.find((m) => m.text.includes('[music-render] 워커 다운')) as SentMessage;
    expect(await press(alert, '확인')).toMatch(/확인했습니다/);

    await db.client.rpush(QUEUE, 'waiting-1');
    await db.client.lpush(DEAD, 'job-a', 'job-b', 'job-c');
    await telegram.waitFor(
      (all) => all.some((m) => m.text.includes('[video-render] 실패 누적 3건')),
      20_000,
      'the dead-letter alert',
    );
    const list = await ask('/dl video-render');
    await press(list, '↩️ #1');
    expect(await press(list, '실행')).toMatch(/재시도: 1건/);
    await press(list, '전부 재시도');
    expect(await press(list, '실행')).toMatch(/전부 재시도: 2건 \(남은 0건\)/);
    await db.client.lpush(DEAD, 'job-d');
    const again = await ask('/dl video-render');
    await press(again, '전부 삭제');
    expect(await press(again, '실행')).toMatch(/1건/);
    expect(await db.client.llen(DEAD)).toBe(0);
    expect((await db.client.lrange(QUEUE, 0, -1)).sort()).toEqual([
      'job-a',
      'job-b',
      'job-c',
      'waiting-1',
    ]);

    expect((await ask('/silence ai_trade 1h')).text).toContain('ai_trade');
    expect((await ask('/maintenance video-render 30m')).text).toContain('video-render');
    await ask('/maintenance end video-render');
    await ask('/history music-render');
    await ask('/report');
    await ask('/dl log');
    await ask('/status');
    await db.workers.beat('music-render');
    await telegram.waitFor(
      (all) => all.some((m) => m.text.includes('[music-render] 워커 복구')),
      20_000,
      'the recovery',
    );
    // ACL LOG records every command Redis refused: the service never tried one.
    expect(await db.client.acl('LOG')).toEqual([]);
    expect(log.messages()).not.toContain('check failed');
  });
});
