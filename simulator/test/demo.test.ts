import { createServer, type Server } from 'node:net';
import { type StatusDocument, StatusDocumentSchema } from '@fleet/core/contracts';
import { freePort, killLeftovers, type Running, run, TestRedisServer } from '@fleet/testing';
import { afterAll, describe, expect, it } from 'vitest';

/** True while a process with this pid exists. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

// Only if an assertion failed midway: leave nothing running.
afterAll(killLeftovers);

/** The demo's environment: fast timings, no Telegram, no inherited Redis or scenario. */
function demoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The tour 20× faster, beats every 0.5 s expiring after 2 s; alerts checked every second.
    SIM_SPEED: '20',
    SIM_BEAT_INTERVAL_S: '0.5',
    SIM_TTL_S: '2',
    ALERT_INTERVAL_S: '1',
    NO_COLOR: '1',
  };
  for (const name of [
    'REDIS_URL',
    'DEMO_REDIS_URL',
    'TELEGRAM_BOT_TOKEN',
    'TELEGRAM_BOT_TOKEN_FILE',
    'SIM_SCENARIO',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

function startDemo(env: NodeJS.ProcessEnv): Running {
  // tsx itself rather than `npx tsx`: npm re-raises a SIGINT it receives, so its own exit
  // status would hide the demo's; tsx passes the demo's exit code through.
  return run('node_modules/.bin/tsx', ['scripts/demo.ts'], env, { detached: true });
}

/** Pids the demo printed, by name. */
function printedPids(output: string): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const match of output.matchAll(/started (\w+) \(pid (\d+)\)/g))
    pids[match[1] as string] = Number(match[2]);
  const redis = output.match(/private redis-server at \S+ \(pid (\d+)\)/);
  if (redis) pids.redis = Number(redis[1]);
  return pids;
}

const listen = (port: number) =>
  new Promise<Server | null>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null)); // already taken by someone else: just as good
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('npm run demo (scripts/demo.ts), end to end', () => {
  it('runs the whole system, shows the fleet changing state, and Ctrl-C stops all of it', async () => {
    const [exporterPort, alertingPort] = [await freePort(), await freePort()];
    const demo = startDemo(
      demoEnv({ EXPORTER_PORT: String(exporterPort), ALERTING_PORT: String(alertingPort) }),
    );

    const [, nodesUrl] = await demo.waitFor(
      /status JSON\s+(http:\/\/localhost:\d+\/api\/agent-office\/nodes)/,
      60_000,
    );
    const out = demo.output();
    for (const label of ['panel', 'metrics', 'alerting', 'alert metrics', 'redis']) {
      expect(out).toMatch(new RegExp(`^   ${label}\\s+\\S+`, 'm'));
    }
    expect(out).toContain(`http://localhost:${exporterPort}/infra/`);
    expect(out).toContain(`http://localhost:${alertingPort}/healthz`);
    const pids = [
      ...out.matchAll(/(?:started \w+|private redis-server at \S+) \(pid (\d+)\)/g),
    ].map((m) => Number(m[1]));
    expect(pids).toHaveLength(4); // redis-server, simulator, exporter, alerting

    expect((await fetch(`http://localhost:${exporterPort}/infra/`)).status).toBe(200);
    expect(await (await fetch(`http://localhost:${exporterPort}/metrics`)).text()).toContain(
      'fleet_worker_up',
    );
    expect((await fetch(`http://localhost:${alertingPort}/healthz`)).status).toBe(200);

    // Watch the status document until every state of the tour has shown up.
    const seen = new Set<string>();
    const wanted = [
      'link:healthy',
      'link:paused',
      'link:down',
      'link:degraded',
      'state:busy',
      'state:trading',
      'state:market_closed',
      'paused:trading',
      'recovered:video-render',
    ];
    let document: StatusDocument | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      document = StatusDocumentSchema.parse(await getJson(nodesUrl as string));
      expect(document.redis_ok).toBe(true);
      expect(document.workers.map((w) => w.name).sort()).toEqual([
        'ai_trade',
        'image-render',
        'insta-render',
        'music-render',
        'task-watcher',
        'video-render',
      ]);
      for (const link of document.links) seen.add(`link:${link.status}`);
      for (const worker of document.workers) if (worker.state) seen.add(`state:${worker.state}`);
      if (document.paused) seen.add(`paused:${document.paused_reason}`);
      const video = document.workers.find((w) => w.name === 'video-render');
      if (seen.has('link:down') && video?.alive) seen.add('recovered:video-render');
      if (wanted.every((item) => seen.has(item))) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect([...seen].filter((item) => wanted.includes(item)).sort()).toEqual([...wanted].sort());
    // Alerting (log-only) announced the death it saw.
    await demo.waitFor(/\[video-render\] 워커 다운/, 20_000);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-(demo.child.pid as number), 'SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('all stopped');
    for (const [name, pid] of Object.entries(pids))
      expect(exists(pid), `${name} still running`).toBe(false);
  }, 150_000);

  it('uses DEMO_REDIS_URL when set, moves off a taken default port, and stops all if a child dies', async () => {
    const redis = await TestRedisServer.start();
    const client = redis.client();
    const blocker = await listen(8790);
    try {
      const demo = startDemo(
        demoEnv({ DEMO_REDIS_URL: redis.url, ALERTING_PORT: String(await freePort()) }),
      );
      const [, moved] = await demo.waitFor(/port 8790 is taken: the exporter uses (\d+)/, 60_000);
      await demo.waitFor(
        new RegExp(`status JSON\\s+http://localhost:${moved}/api/agent-office/nodes`),
        60_000,
      );
      expect(demo.output()).toContain(`using DEMO_REDIS_URL ${redis.url}`);
      expect(demo.output()).not.toContain('private redis-server');
      expect(await client.keys('worker:*:heartbeat')).toHaveLength(6);

      const pids = printedPids(demo.output());
      process.kill(pids.exporter as number, 'SIGKILL');
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toMatch(/exporter exited unexpectedly \(SIGKILL\)/);
      for (const [name, pid] of Object.entries(pids))
        expect(exists(pid), `${name} still running`).toBe(false);
      // The simulator cleaned up after itself in the Redis it was lent.
      expect(await client.keys('worker:*')).toEqual([]);
    } finally {
      blocker?.close();
      client.disconnect();
      await redis.stop();
    }
  }, 150_000);

  it('refuses an explicitly chosen port that is taken, naming the variable; never uses REDIS_URL', async () => {
    const port = await freePort();
    const blocker = await listen(port);
    try {
      const demo = startDemo(
        demoEnv({
          EXPORTER_PORT: String(port),
          ALERTING_PORT: String(await freePort()),
          // A real fleet's Redis, as set for `npm start`: the demo must keep its simulator off it.
          REDIS_URL: 'redis://127.0.0.1:6379',
        }),
      );
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toContain('REDIS_URL is set and not used');
      expect(demo.output()).toContain(`EXPORTER_PORT=${port}: that port is already in use`);
      const redisPid = printedPids(demo.output()).redis;
      expect(redisPid, 'a private redis-server instead of REDIS_URL').toBeGreaterThan(0);
      expect(exists(redisPid as number)).toBe(false);
    } finally {
      blocker?.close();
    }
  }, 60_000);
});
