// @vitest-environment node

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { clippedCardContent, scrollToLastCard } from '../support/card-boxes.js';
import { watchProblems } from '../support/panel-page.js';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await StaticServer.start(DIST_DIR);
  browser = await launchChromium(false);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PHONE: BrowserContextOptions = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Issue #14's viewports, where the cards were cut in half and the list could not scroll. */
const VIEWPORTS: {
  name: string;
  query: string;
  width: number;
  height: number;
  device?: BrowserContextOptions;
  last: string;
  /** Saved for the README. */
  screenshot?: string;
}[] = [
  {
    name: 'a phone',
    query: '?mock=down',
    width: 390,
    height: 844,
    device: PHONE,
    last: 'ai_trade',
    screenshot: 'cards-phone.png',
  },
  {
    name: 'a short window',
    query: '?mock=down&view=2d',
    width: 1280,
    height: 360,
    last: 'ai_trade',
  },
  {
    name: 'fifty workers',
    query: '?mock=fleet-50&view=2d',
    width: 1440,
    height: 900,
    last: 'render-50',
  },
  { name: '320 px wide', query: '?mock=down&view=2d', width: 320, height: 640, last: 'ai_trade' },
  {
    name: 'a phone, a thousand workers',
    query: '?mock=fleet-1000',
    width: 390,
    height: 844,
    device: PHONE,
    last: 'render-1000',
  },
  {
    name: '320 px wide, fifty workers',
    query: '?mock=fleet-50&view=2d',
    width: 320,
    height: 568,
    device: PHONE,
    last: 'render-50',
  },
];

describe('the 2D cards at any viewport from 320 px wide', () => {
  it.each(VIEWPORTS)(
    'show all their content and scroll to the last card: $name ($width×$height $query)',
    async ({ query, width, height, device, last, screenshot }) => {
      const context = await browser.newContext({ viewport: { width, height }, ...device });
      const page = await context.newPage();
      const problems = watchProblems(page);
      try {
        await page.goto(`${server.url}/infra/${query}`);
        await page.waitForSelector('.fp-card[data-worker]');
        expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('2d');
        expect(await clippedCardContent(page)).toEqual([]);
        if (screenshot) await page.screenshot({ path: join(SCREENSHOT_DIR, screenshot) });
        // The page itself does not scroll sideways or down: the list does.
        const page_ = await page.evaluate(() => ({
          wide: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          tall: document.documentElement.scrollHeight - document.documentElement.clientHeight,
        }));
        expect(page_).toEqual({ wide: 0, tall: 0 });

        expect(await scrollToLastCard(page)).toEqual({ scrollable: true, last, visible: true });
        expect(await clippedCardContent(page)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

describe('the legend', () => {
  it('opens from the header, explains the abbreviations, and closes with Escape', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    try {
      await page.goto(`${server.url}/infra/?mock=degraded&view=2d`);
      const toggle = page.getByRole('button', { name: 'Legend' });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await page.getByRole('region', { name: 'Legend' }).count()).toBe(0);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const legend = page.getByRole('region', { name: 'Legend' });
      for (const sign of ['DL N / ❌ N', '⚙ N', '⚙ busy', '⚠', '⏸'])
        expect(await legend.locator(`[data-legend="${sign}"]`).count(), sign).toBe(1);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'cards-legend.png') });
      await page.keyboard.press('Escape');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await legend.isVisible()).toBe(false);
      // The cards' figures explain themselves too.
      expect(
        await page.getAttribute('[data-worker="insta-render"] .fp-figure-bad', 'title'),
      ).toContain('dead letters');
    } finally {
      await page.close();
    }
  });
});
