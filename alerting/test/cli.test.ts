import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alertingKeys, DEFAULT_ALERT_KEY_PREFIX } from '@fleet/core/contracts';
import {
  CHAT,
  eventually,
  FakeTelegramServer,
  freePort,
  TEST_TOKEN,
  TestRedisServer,
} from '@fleet/testing';
import { Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The entry from source, run by node itself (so a signal reaches the service, not a wrapper) with
// tsx's loader resolving workspace imports through tsconfig paths: no build needed;
// `alerting/dist/main.js` is the same code compiled.
const entry = [process.execPath, '--import', 'tsx', `${root}alerting/src/main.ts`];

interface RunningCli {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

async function runCli(env: Record<string, string>, args: string[] = []): Promise<RunningCli> {
  const port = await freePort();
  const child = spawn(entry[0] as string, [...entry.slice(1), ...args], {
    cwd: root,
    // Only what is given here: nothing of the caller's TELEGRAM_* or REDIS_URL leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      TSX_TSCONFIG_PATH: `${root}tsconfig.check.json`,
      ALERTING_PORT: String(port),
      ALERTING_HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, port, output: () => output, exited };
}

async function healthy(cli: RunningCli): Promise<void> {
  await eventually(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${cli.port}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    30_000,
    `the CLI's /healthz\n${cli.output()}`,
  );
}

async function checksRun(cli: RunningCli): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${cli.port}/metrics`)).text();
  return [...text.matchAll(/^fleet_alerting_checks_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

let redis: TestRedisServer;
let client: Redis;
let workers: Workers;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  workers = new Workers(client);
});

afterEach(() => {
  // A failed test must not leave its service running.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

// Each test starts real processes, which are slow to boot on a busy machine.
describe('the command line (configured by environment variables)', { timeout: 90_000 }, () => {
  it('stops at start on a bad setting, naming the variable', async () => {
    const cli = await runCli({ ALERT_INTERVAL_S: 'often' });
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain(
      "env 'ALERT_INTERVAL_S' is invalid. expected a number of seconds.",
    );
  });

  it('lists every setting with --help', async () => {
    const cli = await runCli({}, ['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.output().match(/^Usage: fleet-alerting/gm)).toHaveLength(1);
    for (const variable of [
      'REDIS_URL',
      'TELEGRAM_BOT_TOKEN_FILE',
      'ALERT_BOOT_GRACE_S',
      'ALERT_HOLD_FOR_S',
    ]) {
      expect(cli.output()).toContain(variable);
    }
  });

  it('runs log-only without a token, says so, and exits 0 on SIGTERM', async () => {
    await workers.beatAll();
    const cli = await runCli({ REDIS_URL: redis.url, ALERT_INTERVAL_S: '0.2' });
    await healthy(cli);
    expect(cli.output()).toContain('no TELEGRAM_BOT_TOKEN: log-only mode');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('"msg":"alerting stopped"');
    await client.flushall();
  });

  it('after a crash mid-outage (SIGKILL), the next process sends no second "down" and still the recovery', async () => {
    const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    await workers.beatAll([
      'music-render',
      'video-render',
      'image-render',
      'insta-render',
      'task-watcher',
    ]);
    await workers.beat('ai_trade');
    const env = {
      REDIS_URL: redis.url,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_POLL_TIMEOUT_S: '1',
      ALERT_INTERVAL_S: '0.2',
      ALERT_LEASE_S: '1',
    };
    const first = await runCli(env);
    await healthy(first);
    await eventually(
      async () => (await checksRun(first)) >= 2,
      10_000,
      'checks of the first process',
    );
    await workers.kill('video-render');
    await telegram.waitFor((sent) => sent.length === 1, 10_000, 'the down message');
    // Crash mid-outage, not mid-send: a send cut short by a crash is retried once its claim expires.
    await eventually(
      async () => (await client.zcard(alertingKeys.outboxQueue(DEFAULT_ALERT_KEY_PREFIX))) === 0,
      5000,
      'the ack',
    );
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await runCli(env);
    await healthy(second);
    // Its lease waits for the crashed one's to expire (1 s), then it checks.
    await eventually(
      async () => (await checksRun(second)) >= 5,
      10_000,
      `checks of the second process\n${second.output()}`,
    );
    expect(telegram.sent).toHaveLength(1);
    await workers.beat('video-render');
    await telegram.waitFor((sent) => sent.length === 2, 10_000, `the recovery\n${second.output()}`);
    expect(telegram.sent.map((message) => message.text)).toEqual([
      expect.stringContaining('🔴 [video-render] 워커 다운'),
      expect.stringContaining('🟢 [video-render] 워커 복구'),
    ]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    for (const output of [first.output(), second.output()]) {
      expect(output).not.toContain(TEST_TOKEN);
      expect(output).not.toContain(TEST_TOKEN.split(':')[1]);
    }
    await telegram.stop();
    await client.flushall();
  });
});
