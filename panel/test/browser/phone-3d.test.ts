// @vitest-environment node

import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { waitForScene, watchProblems } from '../support/panel-page.js';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await StaticServer.start(DIST_DIR);
  browser = await launchChromium(true);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('3D on a phone (390×844)', () => {
  it('is not offered upright: the cards, saying why, without loading three.js; turned sideways, the 3D view', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const problems = watchProblems(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    try {
      await page.goto(`${server.url}/infra/?mock=down&view=3d`);
      await page.waitForSelector('[data-worker="video-render"][data-status="down"]');
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('2d');
      expect(await page.locator('[data-banner="no-3d"]').innerText()).toContain(
        'needs a panel at least 640 px wide',
      );
      const toggle = page.getByRole('button', { name: '3D' });
      expect(await toggle.isDisabled()).toBe(true);
      expect(await toggle.getAttribute('title')).toContain('labels overlap');
      expect(requests.some((path) => path.includes('fleet-scene'))).toBe(false);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-3d-refused.png') });

      // Landscape (844 wide): the 3D view the URL asked for, and no more banner.
      await page.setViewportSize({ width: 844, height: 390 });
      await waitForScene(page);
      expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('3d');
      expect(await page.locator('[data-banner="no-3d"]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
