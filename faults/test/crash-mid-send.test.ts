import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, FakeTelegramServer, freePort, TestRedisServer } from '@fleet/testing';
import { Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramOutageProxy } from '../src/telegram-outage-proxy.js';
import { CHAT, TEST_TOKEN } from './support/stack.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The alerting CLI from source, run by node itself so that SIGKILL hits the service.
const entry = [process.execPath, '--import', 'tsx', `${root}alerting/src/main.ts`];
/** The Bot API client's timeout (alerting-service.ts): the longest one send may take. */
const SEND_TIMEOUT_MS = 15_000;
const SIX = ['music-render', 'video-render', 'image-render', 'insta-render', 'task-watcher'];

let redis: TestRedisServer;
let client: Redis;
let workers: Workers;
let telegram: FakeTelegramServer;
let proxy: TelegramOutageProxy;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  workers = new Workers(client);
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
  proxy = await TelegramOutageProxy.start({
    upstream: telegram.url,
    answers: [{ status: 'hang' }],
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await proxy?.stop();
  await telegram?.stop();
  client?.disconnect();
  await redis?.stop();
});

async function startCli(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn(entry[0] as string, entry.slice(1), {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      TSX_TSCONFIG_PATH: `${root}tsconfig.check.json`,
      REDIS_URL: redis.url,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_API_URL: proxy.url,
      TELEGRAM_POLL_TIMEOUT_S: '1',
      ALERT_INTERVAL_S: '0.5',
      // The default lease: a restart must not wait it out.
      ALERT_LEASE_S: '30',
      ALERTING_PORT: String(port),
      ALERTING_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  return { child, port, output: () => output };
}

async function checksRun(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return [...text.matchAll(/^fleet_alerting_checks_total\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  } catch {
    return 0;
  }
}

describe('alerting killed (SIGKILL) while a message is in flight', { timeout: 120_000 }, () => {
  it('the restarted service checks at once, takes the dead claim over, and nothing waits behind it', async () => {
    await workers.beatAll([...SIX, 'ai_trade']);
    const first = await startCli();
    await eventually(async () => (await checksRun(first.port)) >= 2, 45_000, 'the first process');
    proxy.setOutage(true);
    await workers.kill('video-render');
    await eventually(() => proxy.refused.hang >= 1, 10_000, 'the "down" message in flight');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    proxy.setOutage(false);

    const spawnedAt = Date.now();
    const second = await startCli();
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${second.port}/healthz`).catch(() => null))?.ok === true,
      45_000,
      `the second process\n${second.output()}`,
    );
    const upAt = Date.now();
    await eventually(async () => (await checksRun(second.port)) >= 1, 10_000, 'its first check');
    const firstCheckMs = Date.now() - upAt;
    const [down] = await telegram.waitFor((sent) => sent.length === 1, 30_000, 'the down message');
    const deliveredMs = (down?.at ?? 0) - killedAt;
    const afterUpMs = (down?.at ?? 0) - upAt;
    // A recovery right after must not queue behind anything.
    await workers.beat('video-render');
    const beatAt = Date.now();
    const sent = await telegram.waitFor((all) => all.length === 2, 15_000, 'the recovery');
    const recoveryMs = (sent[1]?.at ?? 0) - beatAt;
    console.log(
      `crash mid-send: the "down" in flight was delivered ${deliveredMs} ms after kill -9 ` +
        `(the new process took ${upAt - spawnedAt} ms to boot; delivered ${afterUpMs} ms after it ` +
        `was up, its first check ${firstCheckMs} ms after); a recovery raised then arrived ` +
        `${recoveryMs} ms after the beat`,
    );
    expect(sent.map((message) => message.text)).toEqual([
      expect.stringContaining('🔴 [video-render] 워커 다운'),
      expect.stringContaining('🟢 [video-render] 워커 복구'),
    ]);
    expect(firstCheckMs).toBeLessThan(5000);
    expect(afterUpMs).toBeLessThan(SEND_TIMEOUT_MS);
    expect(recoveryMs).toBeLessThan(5000);
    second.child.kill('SIGTERM');
  });
});
