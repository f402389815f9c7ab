// alertmanager/entrypoint.sh and the path it opens: Prometheus (the repository's rules) → a real
// Alertmanager (Debian's prometheus-alertmanager) → Telegram (a local fake Bot API server), for
// the alerts the alerting service cannot send about itself.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeTelegramServer, freePort, requireBinary, TEST_TOKEN } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type PrometheusServer, startPrometheus } from './helpers/prometheus-server.js';

const root = join(import.meta.dirname, '..', '..');
const ENTRYPOINT = join(root, 'alertmanager', 'entrypoint.sh');
const CHAT = '-1001234567890';

const workdir = tempDir('fleet-alertmanager-');
// The image calls it `alertmanager`; Debian, `prometheus-alertmanager`.
const binDir = join(workdir, 'bin');
mkdirSync(binDir);
symlinkSync(
  requireBinary('prometheus-alertmanager', 'prometheus-alertmanager'),
  join(binDir, 'alertmanager'),
);

let counter = 0;
/** Runs the entrypoint; `args` go to alertmanager. Returns the child and the config it wrote. */
function runEntrypoint(env: Record<string, string>, args: string[]) {
  counter += 1;
  const config = join(workdir, `alertmanager-${counter}.yml`);
  const child = spawn('sh', [ENTRYPOINT, ...args], {
    env: {
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      ALERTMANAGER_CONFIG_FILE: config,
      TELEGRAM_BOT_TOKEN_FILE: join(workdir, 'absent-token'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, config, output: () => output, exited };
}

function tokenFile(token: string, mode = 0o600): string {
  const file = join(workdir, `token-${++counter}`);
  writeFileSync(file, `${token}\n`, { mode });
  return file;
}

/** Only validates: `--version` makes alertmanager print and exit once the config is written. */
async function writtenConfig(env: Record<string, string>) {
  const run = runEntrypoint(env, ['--version']);
  const code = await run.exited;
  return { code, output: run.output(), config: run.config };
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe('alertmanager/entrypoint.sh', () => {
  it.each([
    { name: 'a token and two chats', chats: `${CHAT},42`, token: TEST_TOKEN, telegram: 2 },
    { name: 'no token (log-only)', chats: CHAT, token: '', telegram: 0 },
    { name: 'a token but no chat', chats: '', token: TEST_TOKEN, telegram: 0 },
  ])('writes a config amtool accepts: $name', async ({ chats, token, telegram }) => {
    const { code, config } = await writtenConfig({
      TELEGRAM_CHAT_ID: chats,
      TELEGRAM_BOT_TOKEN_FILE: tokenFile(token),
    });
    expect(code).toBe(0);
    execFileSync(requireBinary('amtool', 'prometheus-alertmanager'), ['check-config', config]);
    const parsed = parse(readFileSync(config, 'utf8'));
    const receiver = parsed.receivers.find((r: { name: string }) => r.name === 'telegram');
    expect(receiver.telegram_configs ?? []).toHaveLength(telegram);
    // Only the watchdog alerts are routed to Telegram; everything else is shown, not sent.
    expect(parsed.route.receiver).toBe('not-sent');
    expect(parsed.route.routes).toEqual([
      { receiver: 'telegram', matchers: ['alertname=~"FleetAlerting.*|FleetMetricsAbsent"'] },
    ]);
  });

  it('refuses a malformed token without printing it, and a chat id that is not a number', async () => {
    const badToken = await writtenConfig({
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_BOT_TOKEN_FILE: tokenFile('not-a-token-but-a-secret'),
    });
    expect(badToken.code).toBe(2);
    expect(badToken.output).toContain('does not look like a bot token');
    expect(badToken.output).not.toContain('not-a-token-but-a-secret');

    const badChat = await writtenConfig({
      TELEGRAM_CHAT_ID: '@fleet',
      TELEGRAM_BOT_TOKEN_FILE: tokenFile(TEST_TOKEN),
    });
    expect(badChat.code).toBe(2);
    expect(badChat.output).toContain("TELEGRAM_CHAT_ID: '@fleet' is not a numeric chat id");
  });

  it.each([
    { mode: 0o644, warned: true },
    { mode: 0o440, warned: false },
  ])('warns when the token file is world-readable (mode $mode)', async ({ mode, warned }) => {
    const { code, output } = await writtenConfig({
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_BOT_TOKEN_FILE: tokenFile(TEST_TOKEN, mode),
    });
    expect(code).toBe(0);
    expect(output.includes('is readable by everyone')).toBe(warned);
    expect(output).not.toContain(TEST_TOKEN);
  });
});

describe('Prometheus → Alertmanager → Telegram', () => {
  let telegram: FakeTelegramServer | undefined;
  let prometheus: PrometheusServer | undefined;
  afterAll(async () => {
    await prometheus?.stop();
    await telegram?.stop();
  });

  it('sends FleetAlertingDown when the alerting service stops answering; worker alerts stay off Telegram', async () => {
    telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
    const port = await freePort();
    const alertmanager = runEntrypoint(
      {
        TELEGRAM_CHAT_ID: CHAT,
        TELEGRAM_BOT_TOKEN_FILE: tokenFile(TEST_TOKEN),
        TELEGRAM_API_URL: telegram.url,
        ALERTMANAGER_GROUP_WAIT: '1s',
      },
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        `--storage.path=${join(workdir, 'data')}`,
      ],
    );
    running.push(alertmanager.child);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (
      !(await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline)
        throw new Error(`Alertmanager not ready:\n${alertmanager.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // A worker alert, as Prometheus would send it: the alerting service announces those itself.
    const posted = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'FleetWorkerDown', worker: 'video-render', severity: 'critical' },
          annotations: { summary: 'Worker video-render is down' },
        },
      ]),
    });
    expect(posted.ok).toBe(true);

    // Nothing answers where the alerting service should be: FleetAlertingDown (its `for:` cut
    // to 1 s by the helper) goes from Prometheus to Alertmanager to Telegram.
    const nobody = await freePort();
    prometheus = await startPrometheus(
      { 'fleet-alerting': `127.0.0.1:${nobody}` },
      { alertmanager: `127.0.0.1:${port}` },
    );
    await telegram.waitFor(
      (sent) => sent.some((message) => message.text.includes('FleetAlertingDown')),
      60_000,
      'FleetAlertingDown on Telegram',
    );
    const message = telegram.matching('FleetAlertingDown')[0];
    expect(message?.chatId).toBe(CHAT);
    expect(message?.text).toContain('The fleet alerting service is down');

    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as {
      labels: { alertname: string };
    }[];
    expect(alerts.map((alert) => alert.labels.alertname)).toContain('FleetWorkerDown');
    expect(telegram.matching('FleetWorkerDown')).toEqual([]);
  });
});
