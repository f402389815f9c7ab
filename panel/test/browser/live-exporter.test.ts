// @vitest-environment node

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { FleetSimulator } from '@fleet/simulator';
import { TestRedisServer } from '@fleet/testing';
import { launchChromium } from '@fleet/testing/browser';
import type { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { waitForScene, watchProblems } from '../support/panel-page.js';

const ROOT = join(PANEL_DIR, '..');
const EXPORTER_MAIN = join(ROOT, 'exporter', 'dist', 'main.js');
const SIX = [
  'ai_trade',
  'image-render',
  'insta-render',
  'music-render',
  'task-watcher',
  'video-render',
];

let redis: TestRedisServer;
let client: Redis;
let simulator: FleetSimulator;
let exporter: ChildProcess | undefined;
let exporterUrl: string;
let browser: Browser;

/** Starts `node exporter/dist/main.js` (which serves panel/dist at /infra/) and reads its URL from its log. */
async function startExporter(redisUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [EXPORTER_MAIN], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redisUrl,
      EXPORTER_PORT: '0',
      EXPORTER_HOST: '127.0.0.1',
    },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exporter did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.includes('exporter listening'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`exporter exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  // The exporter is TypeScript: build it (and core) like `npm run build` does; a no-op when current.
  execFileSync('npx', ['tsc', '-b', 'exporter'], { cwd: ROOT, stdio: 'pipe' });
  redis = await TestRedisServer.start();
  client = redis.client();
  // Short beats and TTL so a crash shows within seconds, not the real 45 s.
  simulator = new FleetSimulator({
    redis: client,
    beatIntervalMs: 500,
    ttlS: 2,
    jobMs: 400,
    pollMs: 100,
  });
  simulator.start();
  const started = await startExporter(redis.url);
  exporter = started.child;
  exporterUrl = started.url;
  browser = await launchChromium(true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  exporter?.kill('SIGTERM');
  await simulator?.close({ cleanup: false });
  client?.disconnect();
  await redis?.stop();
});

async function cardStatuses(page: Page): Promise<Record<string, string | null>> {
  const cards = await page.$$eval('[data-worker]', (elements) =>
    elements.map((element) => [
      element.getAttribute('data-worker'),
      element.getAttribute('data-status'),
    ]),
  );
  return Object.fromEntries(cards);
}

describe('the panel served by a live exporter, fed by the simulator through real Redis', () => {
  it('shows the six workers as cards, and a crash turns its card down', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${exporterUrl}/infra/?view=2d`);
      await page.waitForFunction(
        () => document.querySelectorAll('[data-worker]').length === 6,
        null,
        {
          timeout: 15_000,
        },
      );
      expect(Object.keys(await cardStatuses(page)).sort()).toEqual(SIX);
      expect(await page.getAttribute('[data-redis]', 'data-redis')).toBe('ok');
      expect(await page.getAttribute('[data-worker="video-render"]', 'data-status')).not.toBe(
        'down',
      );

      await simulator.crash('video-render');
      // TTL 2 s, then the next 3 s poll.
      await page.waitForSelector('[data-worker="video-render"][data-status="down"]', {
        timeout: 15_000,
      });
      expect(await page.locator('[data-worker="video-render"]').textContent()).toContain('🔴 다운');
      expect(await page.getByTestId('live-region').textContent()).toContain(
        'video-render: 🔴 다운',
      );

      await simulator.restart('video-render');
      await page.waitForSelector('[data-worker="video-render"]:not([data-status="down"])', {
        timeout: 15_000,
      });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('draws the six workers in 3D at /infra/', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${exporterUrl}/infra/`);
      await waitForScene(page);
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('3d');
      const huds = await page.$$eval('[data-hud]', (elements) =>
        elements.map((element) => element.getAttribute('data-hud')),
      );
      expect(huds.sort()).toEqual(SIX);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'live.png') });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
