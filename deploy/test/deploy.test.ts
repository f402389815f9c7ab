// The deployment, for real: every image of the project built with Docker, the compose stack up
// with local stand-in images (deploy/base-images.sh), the trial profile's Redis and simulator,
// a fake Telegram Bot API on this machine and an nginx as the user's reverse proxy; everything
// checked from the host, then torn down (also on failure). `npm run test:deploy`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeTelegramServer } from '@fleet/testing';
import { launchChromium } from '@fleet/testing/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { waitForScene, watchProblems } from '../../panel/test/support/panel-page.js';
import {
  buildCommand,
  type ContainerState,
  eventually,
  npmCaBundle,
  PROJECT,
  peakMemoryMiB,
  projectContainers,
  ROOT,
  run,
} from './support/docker.js';
import { imageLayerFiles, pemBodies } from './support/image-layers.js';

const TOKEN = '123456789:deploy-test-token-AAAAAAAAAAAAAAAA';
const CHAT = '-1001234567';
const TAG = 'deploy-test';
const SERVICES = ['exporter', 'alerting', 'simulator'] as const;
const STANDIN = 'fleet-standin';
const WORKERS = [
  'ai_trade',
  'image-render',
  'insta-render',
  'music-render',
  'task-watcher',
  'video-render',
];
/** What the test starts: everything but Grafana, which has no stand-in (README "Deployment"). */
const STACK = ['exporter', 'alerting', 'prometheus', 'alertmanager', 'redis', 'simulator', 'proxy'];

const dir = mkdtempSync(join(tmpdir(), 'fleet-deploy-'));
let telegram: FakeTelegramServer;
let env: NodeJS.ProcessEnv;
const urls: Record<string, string> = {};
const timings: Record<string, number> = {};

const compose = (args: string[], timeoutMs = 180_000) =>
  run(
    'docker-compose',
    ['-p', PROJECT, '-f', 'docker-compose.yml', '-f', 'deploy/test/compose.test.yml', ...args],
    { env, timeoutMs },
  );

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[name] = (Date.now() - started) / 1000;
    console.log(`deploy test: ${name} took ${timings[name]?.toFixed(1)} s`);
  }
}

/** The host port a service's container port is published on (always 127.0.0.1 here). */
async function published(service: string, port: number): Promise<string> {
  const address = (await compose(['port', service, String(port)])).trim();
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  return `http://${address}`;
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

interface StatusDocument {
  redis_ok: boolean;
  workers: { name: string; alive: boolean }[];
}

async function alertState(name: string): Promise<string | undefined> {
  const { data } = await json<{
    data: { alerts: { labels: { alertname: string }; state: string }[] };
  }>(`${urls.prometheus}/api/v1/alerts`);
  return data.alerts.find((alert) => alert.labels.alertname === name)?.state;
}

/**
 * How many messages announce `worker` on a line marked `prefix` (🔴 down, 🟢 recovered): its own
 * line (`🔴 [name] …`) or a host's, which lists the workers it groups (`🔴 [windows] … : a, b`).
 */
function count(prefix: string, worker: string): number {
  const named = new RegExp(`(^|[\\s\\[,:])${worker}($|[\\s\\],(<])`);
  return telegram.sent.filter((m) =>
    m.text.split('\n').some((line) => line.includes(prefix) && named.test(line)),
  ).length;
}

/**
 * Every service running, and healthy where it has a healthcheck. A healthcheck runs every 30 s
 * and starts a Node process of its own, so on a loaded machine "healthy" took 130 s after
 * `compose up` (a fresh CI machine, load 20–30): five minutes' room.
 */
async function allHealthy(): Promise<ContainerState[]> {
  return eventually(
    'every container running, and healthy where it has a healthcheck',
    300_000,
    async () => {
      const containers = await projectContainers();
      const services = containers.map((c) => c.service).sort();
      const ready =
        services.join() === [...STACK].sort().join() &&
        containers.every(
          (c) => c.status === 'running' && (c.health === undefined || c.health === 'healthy'),
        );
      if (ready) return containers;
      // Thrown, not returned: `eventually` reports the last state it saw when it gives up.
      const seen = containers.map((c) => `${c.service}: ${c.status}/${c.health ?? '-'}`);
      throw new Error(`last seen ${seen.join(', ') || 'no containers'}`);
    },
  );
}

beforeAll(async () => {
  // The base images: a debootstrapped Debian trixie, cached by tag (cold: minutes; warm: none).
  await timed('base images', () =>
    run(join(ROOT, 'deploy', 'base-images.sh'), [], { timeoutMs: 20 * 60_000 }),
  );

  // Every image of the project, as `docker compose build` would, plus the CA bundle as a secret.
  const build = buildCommand();
  const ca = npmCaBundle();
  await timed('image build', async () => {
    for (const service of SERVICES) {
      await run(
        build.command,
        [
          ...build.args,
          '--target',
          service,
          '--build-arg',
          `NODE_IMAGE=${STANDIN}/node:trixie`,
          '--build-arg',
          `NODE_BUILD_IMAGE=${STANDIN}/node-build:trixie`,
          ...(ca ? ['--secret', `id=npm_ca,src=${ca}`] : []),
          '-t',
          `fleet-monitor/${service}:${TAG}`,
          '.',
        ],
        { env: build.env, timeoutMs: 20 * 60_000 },
      );
    }
  });

  // The fake Bot API listens where the containers' host.docker.internal (host-gateway) points:
  // the address of Docker's default bridge on this machine (down, so Node does not list it).
  const gateway = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(
    await run('ip', ['-4', '-o', 'addr', 'show', 'docker0']),
  )?.[1];
  if (!gateway) throw new Error('docker0 has no IPv4 address: is dockerd running with its bridge?');
  telegram = await FakeTelegramServer.start({ token: TOKEN, chats: [CHAT], host: gateway });

  // As the README says: readable by its owner and FLEET_SECRETS_GID only, the containers join it.
  writeFileSync(join(dir, 'telegram_bot_token'), TOKEN, { mode: 0o440 });
  const prometheusConfig = parse(readFileSync(join(ROOT, 'prometheus.yml'), 'utf8'));
  prometheusConfig.global.scrape_interval = '2s';
  prometheusConfig.global.scrape_timeout = '1s';
  prometheusConfig.global.evaluation_interval = '2s';
  writeFileSync(join(dir, 'prometheus.yml'), stringify(prometheusConfig), { mode: 0o644 });

  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: 'redis://redis:6379',
    TELEGRAM_CHAT_ID: CHAT,
    FLEET_IMAGE_TAG: TAG,
    PROMETHEUS_IMAGE: `${STANDIN}/prometheus:trixie`,
    ALERTMANAGER_IMAGE: `${STANDIN}/alertmanager:trixie`,
    REDIS_IMAGE: `${STANDIN}/redis:trixie`,
    NGINX_IMAGE: `${STANDIN}/nginx:trixie`,
    // Published on 127.0.0.1 only, on any free port (`127.0.0.1::8790`).
    EXPORTER_PUBLISH: '127.0.0.1:',
    ALERTING_PUBLISH: '127.0.0.1:',
    PROMETHEUS_PUBLISH: '127.0.0.1:',
    ALERTMANAGER_PUBLISH: '127.0.0.1:',
    FAKE_TELEGRAM_URL: `http://host.docker.internal:${telegram.port}`,
    DEPLOY_TEST_DIR: dir,
    FLEET_SECRETS_GID: String(process.getgid?.() ?? 0),
  };
  await timed('compose up', () =>
    compose(['--profile', 'trial', 'up', '-d', '--no-build', ...STACK]),
  );
  urls.exporter = await published('exporter', 8790);
  urls.prometheus = await published('prometheus', 9090);
  urls.proxy = await published('proxy', 8080);
}, 45 * 60_000);

afterAll(async () => {
  try {
    if (env) {
      // Peak memory of each service over the whole run: what the compose memory limits rest on.
      const peaks = (await projectContainers()).map((c) => `${c.service}=${peakMemoryMiB(c.id)}`);
      console.log(`peak memory (MiB, page cache included): ${peaks.join(' ')}`);
      const logs = await compose(['logs', '--no-color', '--tail', '40']).catch(String);
      writeFileSync(join(dir, 'compose.log'), logs);
      await compose(['--profile', 'trial', 'down', '-v', '--remove-orphans', '-t', '20']);
    }
  } finally {
    await telegram?.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`deploy test timings (s): ${JSON.stringify(timings)}`);
  }
}, 120_000);

describe('the images', () => {
  it.each(SERVICES)('%s: non-root, no dev dependency, a healthcheck', async (service) => {
    const image = `fleet-monitor/${service}:${TAG}`;
    const [config] = JSON.parse(await run('docker', ['image', 'inspect', image])) as {
      Size: number;
      Config: { User: string; Healthcheck?: { Test: string[] } };
    }[];
    console.log(`image ${image}: ${((config?.Size ?? 0) / 1024 / 1024).toFixed(0)} MiB`);
    expect(config?.Config.User).toBe('node');
    const uid = await run('docker', ['run', '--rm', '--entrypoint', 'id', image, '-u']);
    expect(uid.trim()).toBe('1000');
    // The exporter and alerting answer their /healthz; the simulator has no port to ask.
    expect(config?.Config.Healthcheck?.Test?.[0]).toBe(service === 'simulator' ? 'NONE' : 'CMD');

    // Dev-only: a devDependency of the root, core or the service that none of them needs at run
    // time (the exporter's tests declare ioredis, which core depends on).
    const devDependencies = new Set<string>();
    const dependencies = new Set<string>();
    for (const manifest of ['package.json', 'core/package.json', `${service}/package.json`]) {
      const { devDependencies: dev = {}, dependencies: prod = {} } = JSON.parse(
        readFileSync(join(ROOT, manifest), 'utf8'),
      );
      for (const name of Object.keys(dev)) devDependencies.add(name);
      for (const name of Object.keys(prod)) dependencies.add(name);
    }
    for (const name of dependencies) devDependencies.delete(name);
    for (const name of ['typescript', 'vite', 'vitest', '@biomejs/biome', 'tsx']) {
      devDependencies.add(name);
    }
    const installed = (
      await run('docker', [
        'run',
        '--rm',
        '--entrypoint',
        'sh',
        image,
        '-c',
        // Dangling links (npm links every workspace, the image holds only some) are not installed.
        'cd /app && for d in node_modules/* node_modules/@*/* */node_modules/* */node_modules/@*/*; do [ -e "$d" ] && echo "$d"; done; true',
      ])
    )
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^.*?node_modules\//, ''));
    expect(installed.length).toBeGreaterThan(0);
    expect(installed.filter((name) => devDependencies.has(name))).toEqual([]);
  });

  it.each(SERVICES)('%s: no CA bundle of the build machine in any layer', async (service) => {
    const ca = npmCaBundle();
    if (!ca) throw new Error('no CA bundle on this machine (npm config get cafile) to look for');
    const bundle = readFileSync(ca, 'utf8');
    const bundleSha = execFileSync('sha256sum', [ca], { encoding: 'utf8' }).split(' ')[0];
    const archive = join(dir, `${service}.tar`);
    await run('docker', ['save', '-o', archive, `fleet-monitor/${service}:${TAG}`]);
    const files = imageLayerFiles(archive);
    console.log(
      `image fleet-monitor/${service}: ${files.length} files, docker save ${(statSync(archive).size / 1024 / 1024).toFixed(0)} MiB`,
    );
    rmSync(archive);
    expect(files.length).toBeGreaterThan(1000);
    // Not the file itself, anywhere...
    expect(files.filter((f) => f.sha256 === bundleSha).map((f) => f.path)).toEqual([]);
    // ...nor any certificate this machine trusts beyond the base image's own trust store
    // (here the intercepting proxy's CA): only a copy from the build machine would hold one.
    const baseBodies = new Set(
      files
        .filter((f) => f.path.startsWith('etc/ssl/certs/'))
        .flatMap((f) => pemBodies(f.content.toString())),
    );
    const machineOnly = pemBodies(bundle).filter((body) => !baseBodies.has(body));
    // A PEM file breaks its base64 every 64 characters: the first line is found as it is.
    const firstLines = machineOnly.map((body) => Buffer.from(body.slice(0, 64)));
    // Only in the layers this Dockerfile added: the base's own files (libnode embeds Node's root
    // certificates) are the base image's business.
    const [base] = JSON.parse(
      await run('docker', ['image', 'inspect', `${STANDIN}/node:trixie`]),
    ) as { RootFS: { Layers: string[] } }[];
    const baseLayers = new Set(base?.RootFS.Layers);
    const added = files.filter((f) => !baseLayers.has(f.layerDigest));
    expect(added.length).toBeGreaterThan(100);
    const holding = added.filter((f) => firstLines.some((line) => f.content.includes(line)));
    console.log(
      `${service}: ${machineOnly.length} certificate(s) this machine trusts beyond the image's looked for`,
    );
    expect(holding.map((f) => `${f.layer}: ${f.path}`)).toEqual([]);
  });
});

describe('the stack', () => {
  it('comes up; every service with a healthcheck reports healthy', async () => {
    const containers = await timed('healthy', allHealthy);
    const withHealth = containers.filter((c) => c.health).map((c) => c.service);
    expect(withHealth.sort()).toEqual([
      'alerting',
      'alertmanager',
      'exporter',
      'prometheus',
      'redis',
    ]);
    // Memory of each container after start, for the limits in docker-compose.yml.
    const stats = await run('docker', [
      'stats',
      '--no-stream',
      '--format',
      '{{.Name}} {{.MemUsage}}',
      ...containers.map((c) => c.name),
    ]);
    console.log(`memory after start:\n${stats}`);
  });

  it('the exporter serves the status document with the simulator workers alive, and /infra/', async () => {
    const doc = await eventually('six live workers', 60_000, async () => {
      const current = await json<StatusDocument>(`${urls.exporter}/api/agent-office/nodes`);
      return current.workers.filter((w) => w.alive).length === 6 ? current : undefined;
    });
    expect(doc.redis_ok).toBe(true);
    expect(doc.workers.map((w) => w.name).sort()).toEqual(WORKERS);
    const panel = await fetch(`${urls.exporter}/infra/`);
    expect(panel.status).toBe(200);
    expect(await panel.text()).toMatch(/<div id="root"/);
    // The published port is safe to publish: /metrics and /readyz are on the internal one.
    expect((await fetch(`${urls.exporter}/metrics`)).status).toBe(404);
    expect((await fetch(`${urls.exporter}/readyz`)).status).toBe(404);
    expect((await fetch(`${urls.exporter}/healthz`)).status).toBe(200);
  });

  it('Prometheus scrapes the exporter and the alerting service', async () => {
    const targets = await eventually('both targets up', 60_000, async () => {
      const { data } = await json<{
        data: { activeTargets: { labels: { job: string }; health: string }[] };
      }>(`${urls.prometheus}/api/v1/targets`);
      const up = data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.job);
      return up.includes('fleet-exporter') && up.includes('fleet-alerting') ? up : undefined;
    });
    expect(targets).toContain('fleet-exporter');
  });
});

describe('when the workers die', () => {
  it('alerting sends each "down" once; FleetWorkerDown fires in Prometheus', async () => {
    await compose(['stop', '-t', '10', 'simulator']);
    await telegram.waitFor(
      () => WORKERS.every((w) => count('🔴', w) === 1),
      90_000,
      'a "down" for each worker',
    );
    await eventually('FleetWorkerDown firing', 150_000, async () =>
      (await alertState('FleetWorkerDown')) === 'firing' ? true : undefined,
    );
    expect(telegram.sent.every((m) => m.chatId === CHAT)).toBe(true);
  });

  it('killing the alerting process: restarted by its policy, and no alert is doubled', async () => {
    const before = (await projectContainers()).find((c) => c.service === 'alerting');
    expect(before?.status).toBe('running');
    // The main process (node, under the init), killed as the OOM killer would: not `docker kill`,
    // which Docker counts as a manual stop.
    const node = execFileSync('pgrep', ['-P', String(before?.pid), 'node'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    execFileSync('kill', ['-9', String(node)]);
    // The first healthcheck after a restart runs one 30 s interval later, and its own `node -e`
    // can take its whole 10 s timeout on a loaded machine: a few intervals' room.
    const after = await eventually('alerting restarted and healthy', 240_000, async () => {
      const current = (await projectContainers()).find((c) => c.service === 'alerting');
      if (
        current &&
        current.restartCount > (before?.restartCount ?? 0) &&
        current.health === 'healthy'
      ) {
        return current;
      }
      // Thrown, not returned: `eventually` reports the last state it saw when it gives up.
      throw new Error(`last seen ${JSON.stringify(current ?? 'no alerting container')}`);
    });
    expect(after.pid).not.toBe(before?.pid);
    // Several checks of the restarted service (every 2 s) while the workers are still down.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(WORKERS.map((w) => count('🔴', w))).toEqual(WORKERS.map(() => 1));
  });

  it('they come back: each "recovered" once', async () => {
    await compose(['start', 'simulator']);
    await telegram.waitFor(
      () => WORKERS.every((w) => count('🟢', w) === 1),
      60_000,
      'a "recovered" for each worker',
    );
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(WORKERS.map((w) => [count('🔴', w), count('🟢', w)])).toEqual(WORKERS.map(() => [1, 1]));
  });
});

describe('Alertmanager, while the alerting service is stopped', () => {
  // Stopped first; FleetAlertingDown takes its rule's 2 minutes, the front door's tests meanwhile.
  it('the alerting container stops cleanly within its grace period', async () => {
    const started = Date.now();
    await compose(['stop', '-t', '15', 'alerting']);
    expect(Date.now() - started).toBeLessThan(15_000);
    const alerting = (await projectContainers()).find((c) => c.service === 'alerting');
    expect(alerting?.status).toBe('exited');
  });
});

describe('the front door: the web UI behind the reverse proxy', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(true);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('proxies the status document and the panel, and not /metrics', async () => {
    const doc = await json<StatusDocument>(`${urls.proxy}/api/agent-office/nodes`);
    expect(doc.workers).toHaveLength(6);
    for (const path of ['/api/agent-office/nodes', '/infra/']) {
      const response = await fetch(`${urls.proxy}${path}`, {
        headers: { origin: 'https://elsewhere.example' },
      });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toMatch(
        /frame-ancestors 'self'/,
      );
      // Same origin only by default (EXPORTER_CORS_ORIGIN), and no version banner.
      expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      expect(response.headers.get('server'), path).toBe('nginx');
    }
    expect((await fetch(`${urls.proxy}/metrics`)).status).toBe(404);
  });

  it('the panel loads through the proxy, polls its own origin and draws the scene', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    const polls: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('request', (request) => {
      if (request.url().includes('/api/agent-office/nodes')) polls.push(request.url());
    });
    try {
      await page.goto(`${urls.proxy}/`);
      await page.waitForFunction(
        () => document.getElementById('workers')?.textContent === '6 of 6 workers alive',
      );
      const frame = page.frameLocator('#panel');
      await frame.locator('.fp-hud-layer[data-scene-ready="true"]').waitFor({ timeout: 45_000 });
      const huds = await frame
        .locator('[data-hud]')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-hud')));
      expect(huds.sort()).toEqual(WORKERS);

      await page.goto(`${urls.proxy}/infra/`);
      await waitForScene(page);
      await eventually('two polls', 15_000, async () => (polls.length >= 3 ? true : undefined));
      expect(new Set(polls)).toEqual(new Set([`${urls.proxy}/api/agent-office/nodes`]));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('Alertmanager', () => {
  it(
    'sends FleetAlertingDown to Telegram for the stopped alerting service',
    async () => {
      await telegram.waitFor(
        (sent) => sent.some((m) => m.text.includes('FleetAlertingDown')),
        4 * 60_000,
        'FleetAlertingDown from Alertmanager',
      );
      expect(telegram.matching('FleetAlertingDown')[0]?.chatId).toBe(CHAT);
      // Worker alerts are the alerting service's to send, never Alertmanager's.
      expect(telegram.matching('FleetWorkerDown')).toEqual([]);
      await compose(['start', 'alerting']);
    },
    5 * 60_000,
  );
});

describe('compose down, then up', () => {
  it("keeps Prometheus's data on its named volume", async () => {
    const before = Date.now() / 1000 - 30;
    const query = async () => {
      const { data } = await json<{ data: { result: unknown[] } }>(
        `${urls.prometheus}/api/v1/query?query=fleet_redis_up&time=${before}`,
      );
      return data.result.length;
    };
    expect(await query()).toBe(1);
    await compose(['--profile', 'trial', 'down', '-t', '20']);
    await compose(['--profile', 'trial', 'up', '-d', '--no-build', ...STACK]);
    urls.prometheus = await published('prometheus', 9090);
    await allHealthy();
    expect(
      await eventually('the old sample', 60_000, async () => ((await query()) ? 1 : undefined)),
    ).toBe(1);
  });
});
