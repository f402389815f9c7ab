import { freePort, killLeftovers, type Running, run, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let redis: TestRedisServer;

beforeAll(async () => {
  redis = await TestRedisServer.start();
});
afterAll(async () => {
  killLeftovers();
  await redis.stop();
});

async function startServices(): Promise<{ start: Running; pids: Record<string, number> }> {
  const [exporterPort, alertingPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redis.url,
    EXPORTER_PORT: String(exporterPort),
    ALERTING_PORT: String(alertingPort),
  };
  delete env.TELEGRAM_BOT_TOKEN;
  const start = run('node_modules/.bin/tsx', ['scripts/start.ts'], env, { detached: true });
  await vi.waitFor(
    async () => {
      expect((await fetch(`http://127.0.0.1:${exporterPort}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${alertingPort}/healthz`)).status).toBe(200);
    },
    { timeout: 30_000, interval: 200 },
  );
  const pids: Record<string, number> = {};
  for (const line of start.output().split('\n')) {
    if (!line.includes('"msg":"started"')) continue;
    const entry = JSON.parse(line) as { child: string; child_pid: number };
    pids[entry.child] = entry.child_pid;
  }
  expect(Object.keys(pids).sort()).toEqual(['alerting', 'exporter']);
  return { start, pids };
}

describe('npm start (scripts/start.ts)', () => {
  it('runs exporter and alerting, passes their JSON logs through, and stops both on SIGTERM', async () => {
    const { start, pids } = await startServices();
    expect(start.output()).toMatch(/^\{"level":30.*"service":"exporter"/m);
    process.kill(start.child.pid as number, 'SIGTERM');
    expect(await start.exited).toBe(0);
    for (const [name, pid] of Object.entries(pids))
      expect(exists(pid), `${name} still running`).toBe(false);
  }, 60_000);

  it('exits non-zero, stopping the other, when a service dies unexpectedly', async () => {
    const { start, pids } = await startServices();
    process.kill(pids.alerting as number, 'SIGKILL');
    expect(await start.exited).toBe(1);
    expect(start.output()).toContain('a service exited unexpectedly');
    expect(exists(pids.exporter as number)).toBe(false);
  }, 60_000);
});
