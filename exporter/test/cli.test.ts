import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, TestRedisServer } from '@fleet/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const PASSWORD = 'sekret-pw-7731';

/** A process started with the given environment only (no inherited REDIS_URL and such). */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    EXPORTER_PORT: '0',
    EXPORTER_HOST: '127.0.0.1',
    EXPORTER_CACHE_MAX_AGE_MS: '0',
    ...env,
  };
}

interface RunningCli {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

/** Every exporter started; one still running after a test (it failed midway) is killed. */
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startCli(env: Record<string, string>): Promise<RunningCli> {
  const child = spawn(process.execPath, [MAIN], { env: environment(env) });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let signalledAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    signalledAt = performance.now();
    return kill(signal);
  };
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, ms: performance.now() - signalledAt })),
  );
  await eventually(async () => output.includes('exporter listening'), 10_000);
  const listening = output.split('\n').find((line) => line.includes('exporter listening')) ?? '';
  return {
    child,
    url: (JSON.parse(listening) as { url: string }).url,
    output: () => output,
    exited,
  };
}

let server: TestRedisServer;

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'exporter'], { cwd: ROOT, stdio: 'pipe' });
  server = await TestRedisServer.start({ args: ['--requirepass', PASSWORD] });
}, 120_000);
afterAll(async () => {
  await server.stop();
});

describe('node exporter/dist/main.js', () => {
  it('runs from environment variables, logs JSON, never logs the password, exits 0 on SIGTERM', async () => {
    const cli = await startCli({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${server.port}` });
    const nodes = await getJson(`${cli.url}/api/agent-office/nodes`);
    expect(nodes).toMatchObject({ status: 200, body: { redis_ok: true } });

    // Connection errors while Redis is away, then the reconnect with the password.
    await server.kill();
    expect((await getJson(`${cli.url}/api/agent-office/nodes`)).body.redis_ok).toBe(false);
    await server.restart();
    await eventually(
      async () => (await getJson(`${cli.url}/api/agent-office/nodes`)).body.redis_ok === true,
    );

    cli.child.kill('SIGTERM');
    const { code, ms } = await cli.exited;
    expect(code).toBe(0);
    // Under the 3 s after which it would cut open connections (collection timeout + 0.5 s).
    expect(ms).toBeLessThan(2500);
    const lines = cli.output().trim().split('\n');
    expect(lines.every((line) => JSON.parse(line))).toBe(true);
    expect(cli.output()).toContain('redis read failed');
    expect(cli.output()).toContain('exporter stopped');
    expect(cli.output()).toContain(':***@127.0.0.1');
    expect(cli.output()).not.toContain(PASSWORD);
  });

  it('a wrong password is logged as such, without the password', async () => {
    const wrong = 'not-the-pw-5519';
    const cli = await startCli({ REDIS_URL: `redis://default:${wrong}@127.0.0.1:${server.port}` });
    const nodes = await getJson(`${cli.url}/api/agent-office/nodes`);
    expect(nodes.body).toMatchObject({ redis_ok: false });
    expect((await getJson(`${cli.url}/readyz`)).status).toBe(503);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/WRONGPASS/);
    expect(cli.output()).not.toContain(wrong);
  });

  it.each([
    ['EXPORTER_PORT', 'http', /EXPORTER_PORT/],
    ['EXPORTER_PORT', '70000', /EXPORTER_PORT/],
    ['EXPORTER_CACHE_MAX_AGE_MS', '-1', /EXPORTER_CACHE_MAX_AGE_MS/],
    ['EXPORTER_COLLECT_TIMEOUT_MS', '0', /EXPORTER_COLLECT_TIMEOUT_MS/],
    ['EXPORTER_SCAN_INTERVAL_S', '1.5', /EXPORTER_SCAN_INTERVAL_S/],
    ['EXPORTER_SCAN_DEADLINE_MS', 'soon', /EXPORTER_SCAN_DEADLINE_MS/],
    ['EXPORTER_SCAN_KEY_CAP', '0', /EXPORTER_SCAN_KEY_CAP/],
    ['EXPORTER_SCAN_INLINE_MAX_KEYS', 'many', /EXPORTER_SCAN_INLINE_MAX_KEYS/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['REDIS_URL', `http://:${PASSWORD}@host`, /REDIS_URL.*redis:\/\/ or rediss:\/\//],
    ['REDIS_URL', `:${PASSWORD}@nowhere`, /REDIS_URL.*not a URL/],
    ['FLEET_CONFIG', '/nonexistent/fleet.yaml', /FLEET_CONFIG/],
    ['REDIS_TLS_CA_FILE', '/nonexistent/ca.crt', /REDIS_TLS_CA_FILE.*cannot read/],
    ['REDIS_TLS_CA_FILE', '/etc/hostname', /REDIS_TLS_\* files .* not a rediss:\/\//],
    ['FLEET_HEARTBEAT_STALE_AFTER_S', '0', /FLEET_HEARTBEAT_STALE_AFTER_S/],
    ['FLEET_JOB_STUCK_AFTER_S', 'long', /FLEET_JOB_STUCK_AFTER_S/],
    ['FLEET_UNLISTED_FORGET_AFTER_S', '-5', /FLEET_UNLISTED_FORGET_AFTER_S/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: environment({ [name]: value }),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr + result.stdout).not.toContain(PASSWORD);
  });

  it('--help lists every setting with its environment variable and exits 0', () => {
    const result = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const name of [
      'REDIS_URL',
      'FLEET_CONFIG',
      'EXPORTER_PORT',
      'EXPORTER_HOST',
      'LOG_LEVEL',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`env:\\s+${name}\\)`));
    }
  });
});
