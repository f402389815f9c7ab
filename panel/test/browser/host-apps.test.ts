// @vitest-environment node
// The two ways into another web app (panel/README.md "Embedding it"), each proven in a real host
// built with Vite: a React 18 app with react-router whose lazy /infra route mounts <fleet-panel>,
// a React 19 app that imports FleetPanel, and a page with no framework at all. All poll a live
// exporter (fed by the simulator through a private redis-server) from another origin.

import { execFile } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@fleet/core';
import { type RunningExporter, STATUS_PATH, startExporter } from '@fleet/exporter';
import { FleetSimulator } from '@fleet/simulator';
import { TestRedisServer } from '@fleet/testing';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import { tempDir } from '@fleet/testing/vitest';
import type { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, PANEL_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { waitForScene, watchProblems } from '../support/panel-page.js';

const HOSTS_DIR = join(PANEL_DIR, '..', 'hosts');
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
let exporter: RunningExporter;
let browser: Browser;
const servers: Record<'react18' | 'react19' | 'plain', StaticServer | undefined> = {
  react18: undefined,
  react19: undefined,
  plain: undefined,
};

function url(name: keyof typeof servers): string {
  const server = servers[name];
  if (!server) throw new Error(`${name} host not started`);
  return server.url;
}

const run = promisify(execFile);

/** `vite build` of a host app into a temporary folder, as its team would run it (CLI, env). */
async function buildHost(app: string, outDir: string, endpoint: string): Promise<void> {
  await run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
    cwd: join(HOSTS_DIR, app),
    // Vitest's NODE_ENV=test would give a development build.
    env: { ...process.env, NODE_ENV: 'production', VITE_FLEET_ENDPOINT: endpoint },
  });
}

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  simulator = new FleetSimulator({
    redis: client,
    beatIntervalMs: 500,
    ttlS: 2,
    jobMs: 400,
    pollMs: 100,
  });
  simulator.start();

  const out = { react18: tempDir('host-react18-'), react19: tempDir('host-react19-') };
  const plain = tempDir('host-plain-');
  // The servers first: the exporter must name their origins in its CORS setting.
  servers.react18 = await StaticServer.start(out.react18, { prefix: '/', fallback: 'index.html' });
  servers.react19 = await StaticServer.start(out.react19, { prefix: '/' });
  servers.plain = await StaticServer.start(plain, { prefix: '/' });
  exporter = await startExporter({
    redisUrl: redis.url,
    port: 0,
    host: '127.0.0.1',
    corsOrigin: [url('react18'), url('react19'), url('plain')],
    logger: createLogger('exporter', 'silent'),
  });
  const endpoint = `${exporter.url}${STATUS_PATH}`;

  await Promise.all([
    buildHost('react18-app', out.react18, endpoint),
    buildHost('react19-app', out.react19, endpoint),
  ]);
  // No framework, no bundler: the element module as built, and one tag.
  cpSync(join(DIST_DIR, 'element'), join(plain, 'element'), { recursive: true });
  writeFileSync(
    join(plain, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="./element/fleet-panel-element.js"></script></head>
<body style="margin:0"><fleet-panel endpoint="${endpoint}" view="2d" poll-interval="1" style="height:100vh"></fleet-panel></body></html>`,
  );
  browser = await launchChromium(true);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await exporter?.close();
  for (const server of Object.values(servers)) await server?.close();
  await simulator?.close({ cleanup: false });
  client?.disconnect();
  await redis?.stop();
});

/** Polls of the status document the page has sent so far. */
function countPolls(page: Page): () => number {
  let polls = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === STATUS_PATH) polls += 1;
  });
  return () => polls;
}

/** The workers the 2D cards show, by name (Playwright's selectors reach into open shadow roots). */
async function cardNames(page: Page): Promise<string[]> {
  const locator = page.locator('[data-worker]');
  await locator.nth(SIX.length - 1).waitFor({ timeout: 15_000 });
  const names = await locator.evaluateAll((cards) =>
    cards.map((card) => card.getAttribute('data-worker') ?? ''),
  );
  return names.sort();
}

async function hudNames(page: Page): Promise<string[]> {
  const names = await page
    .locator('[data-hud]')
    .evaluateAll((huds) => huds.map((hud) => hud.getAttribute('data-hud') ?? ''));
  return names.sort();
}

describe('a React 18 app with react-router: the lazy /infra route mounts <fleet-panel>', () => {
  it('draws the scene and the cards of the live fleet inside a shadow root, untouched by the host CSS, and lets go when the route is left', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    const polls = countPolls(page);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    try {
      await page.goto(`${url('react18')}/`);
      await page.getByTestId('home').waitFor();
      const homeScripts = scripts.length;
      expect(await page.locator('fleet-panel').count()).toBe(0);
      expect(polls()).toBe(0);

      await page.getByRole('link', { name: 'infra', exact: true }).click();
      await waitForScene(page);
      // The route's chunk (and the element in it) came only now.
      expect(scripts.length).toBeGreaterThan(homeScripts);
      expect(await page.evaluate(() => window.location.pathname)).toBe('/infra');
      expect(await hudNames(page)).toEqual(SIX);
      const placement = await page.evaluate(() => {
        const shadow = document.querySelector('fleet-panel')?.shadowRoot;
        return {
          inShadow: Boolean(shadow?.querySelector('.fleet-panel canvas')),
          inLightDom: document.querySelectorAll('.fleet-panel, canvas').length,
        };
      });
      expect(placement).toEqual({ inShadow: true, inLightDom: 0 });
      // host.css hides .fp-header, paints p/li magenta and spaces every letter: none of it gets in.
      const header = page.locator('.fp-header');
      expect(await header.isVisible()).toBe(true);
      expect(
        await header.evaluate((element) => {
          const style = getComputedStyle(element);
          return { letterSpacing: style.letterSpacing, serif: style.fontFamily === 'serif' };
        }),
      ).toEqual({ letterSpacing: 'normal', serif: false });
      // …and the panel's rules do not get out: the host's header keeps its own border.
      expect(
        await page
          .locator('body > #root > header')
          .evaluate((el) => getComputedStyle(el).borderTopColor),
      ).toBe('rgb(0, 255, 0)');
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'host-react18.png') });

      await page.getByRole('button', { name: '2D', exact: true }).click();
      expect(await cardNames(page)).toEqual(SIX);
      await simulator.crash('video-render');
      await page
        .locator('[data-worker="video-render"][data-status="down"]')
        .waitFor({ timeout: 15_000 });
      await simulator.restart('video-render');
      await page
        .locator('[data-worker="video-render"]:not([data-status="down"])')
        .waitFor({ timeout: 15_000 });

      // Back to 3D, then leave the route: the element unmounts, its WebGL context is released.
      await page.getByRole('button', { name: '3D', exact: true }).click();
      await waitForScene(page);
      await page.evaluate(() => {
        const canvas = document.querySelector('fleet-panel')?.shadowRoot?.querySelector('canvas');
        canvas?.addEventListener('webglcontextlost', () => {
          document.body.dataset.panelContextLost = 'true';
        });
      });
      await page.getByRole('link', { name: 'home', exact: true }).click();
      await page.waitForSelector('body[data-panel-context-lost="true"]', { timeout: 15_000 });
      expect(await page.locator('fleet-panel').count()).toBe(0);
      const pollsAtExit = polls();
      // Three poll intervals (1 s each) with the panel gone: not one more request.
      await page.waitForTimeout(3_000);
      expect(polls()).toBe(pollsAtExit);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
    // Two 3D starts and a crash with recovery: SwiftShader on a loaded CI box is slow.
  }, 240_000);
});

describe('a React 19 app that imports FleetPanel (its own React, three.js and react-three-fiber)', () => {
  it('draws the scene and the cards of the live fleet, with panel-only CSS rules', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${url('react19')}/`);
      await waitForScene(page);
      expect(await hudNames(page)).toEqual(SIX);
      expect(await page.getAttribute('[data-redis]', 'data-redis')).toBe('ok');
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'host-react19.png') });
      // In the host's own DOM, every rule must target the panel's classes only.
      const foreign = await page.evaluate(() => {
        const sheet = document.querySelector<HTMLStyleElement>('.fleet-panel > style')?.sheet;
        if (!sheet) return ['no panel stylesheet'];
        const selectors: string[] = [];
        const walk = (rules: CSSRuleList) => {
          for (const rule of rules) {
            if (rule instanceof CSSStyleRule) selectors.push(...rule.selectorText.split(','));
            else if ('cssRules' in rule) walk((rule as CSSGroupingRule).cssRules);
          }
        };
        walk(sheet.cssRules);
        return selectors.length === 0
          ? ['no rules']
          : selectors.map((s) => s.trim()).filter((s) => !/^\.(fleet-panel|fp-)/.test(s));
      });
      expect(foreign).toEqual([]);

      await page.getByRole('button', { name: '2D', exact: true }).click();
      expect(await cardNames(page)).toEqual(SIX);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('a page with no framework', () => {
  it('shows the cards from one <script type="module"> and one tag', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    const problems = watchProblems(page);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    try {
      await page.goto(`${url('plain')}/`);
      expect(await cardNames(page)).toEqual(SIX);
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('2d');
      // view="2d": three.js (the lazy scene chunk) is never fetched.
      expect(scripts.some((path) => path.includes('fleet-scene'))).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("opens a worker's detail by keyboard with the live exporter's history, and Escape gives focus back inside the shadow root", async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    const problems = watchProblems(page);
    const histories: string[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/history')) histories.push(`${response.status()}`);
    });
    try {
      await page.goto(`${url('plain')}/`);
      await cardNames(page);
      await page.locator('[data-worker="image-render"] .fp-card-open').focus();
      await page.keyboard.press('Enter');
      const dialog = page.locator('dialog.fp-detail[open]');
      await dialog.waitFor({ timeout: 15_000 });
      expect(await dialog.getAttribute('data-detail')).toBe('image-render');
      // Drawn from the exporter's own history endpoint: the simulator's worker has run for a while.
      await dialog.locator('.fp-timeline [data-run]').first().waitFor({ timeout: 15_000 });
      expect(histories).toContain('200');
      expect(await dialog.locator('.fp-spark svg path').count()).toBe(3);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const focused = await page.evaluate(() => {
        const active = document.querySelector('fleet-panel')?.shadowRoot?.activeElement;
        return active?.closest('[data-worker]')?.getAttribute('data-worker') ?? null;
      });
      expect(focused).toBe('image-render');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
