// @vitest-environment node

import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { watchProblems } from '../support/panel-page.js';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await StaticServer.start(DIST_DIR);
  browser = await launchChromium(false);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Chromium with WebGL disabled', () => {
  it('shows the 2D cards by itself, without loading three.js', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const problems = watchProblems(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    try {
      // No ?view: the panel would pick 3D if it could.
      await page.goto(`${server.url}/infra/?mock=degraded`);
      await page.waitForSelector('[data-worker]');
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('2d');
      expect(await page.locator('canvas').count()).toBe(0);
      const cards = await page.$$eval('[data-worker]', (elements) =>
        elements.map((element) => [
          element.getAttribute('data-worker'),
          element.getAttribute('data-status'),
        ]),
      );
      expect(Object.fromEntries(cards)).toEqual({
        'music-render': 'healthy',
        'video-render': 'healthy',
        'image-render': 'degraded',
        'insta-render': 'degraded',
        'task-watcher': 'free',
        ai_trade: 'healthy',
      });
      expect(await page.locator('[data-banner="no-3d"]').textContent()).toContain(
        'WebGL is not available',
      );
      expect(await page.getByRole('button', { name: '3D' }).isDisabled()).toBe(true);
      expect(requests.some((path) => path.includes('fleet-scene'))).toBe(false);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'no-webgl.png') });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('keeps the cards with ?view=3d too', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/infra/?mock=down&view=3d`);
      await page.waitForSelector('[data-worker="video-render"][data-status="down"]');
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('2d');
    } finally {
      await page.close();
    }
  });
});
