// @vitest-environment node

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_FLEET_SIZE } from '../../src/mock-documents.js';
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

/** The card holding the focus (its button that opens the detail view). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const card = document.activeElement?.closest('[data-worker]');
    return {
      worker: card?.getAttribute('data-worker') ?? null,
      position: Number(card?.getAttribute('aria-posinset')),
    };
  });

describe('1,000 workers in the 2D view', () => {
  it.each([
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ])(
    'renders only the cards in sight, and scrolls to the last worker at $width×$height',
    async (viewport) => {
      const page = await browser.newPage({ viewport });
      const problems = watchProblems(page);
      try {
        await page.goto(`${server.url}/infra/?mock=fleet-1000&view=2d`);
        await page.waitForSelector('.fp-card[data-worker]');
        const rendered = await page.locator('.fp-card[data-worker]').count();
        expect(rendered).toBeGreaterThan(0);
        expect(rendered).toBeLessThan(100);
        expect(await page.getAttribute('.fp-card[data-worker]', 'aria-setsize')).toBe(
          String(HUGE_FLEET_SIZE),
        );
        // The header still counts the whole fleet, busy ones too.
        expect(await page.locator('[data-summary="down"]').innerText()).toContain('10 down');
        expect(await page.locator('[data-summary="busy"]').innerText()).toMatch(/⚙\s*\d{3} busy/);
        if (viewport.width === 1440)
          await page.screenshot({ path: join(SCREENSHOT_DIR, 'cards-fleet-1000.png') });
        expect(await scrollToLastCard(page)).toEqual({
          scrollable: true,
          last: 'render-1000',
          visible: true,
        });
        expect(await clippedCardContent(page)).toEqual([]);
        expect(await page.locator('.fp-card[data-worker]').count()).toBeLessThan(100);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );

  it('keeps the keyboard focus order through cards that were not rendered yet', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    try {
      await page.goto(`${server.url}/infra/?mock=fleet-1000&view=2d`);
      await page.focus('.fp-card[data-worker="music-render"] .fp-card-open');
      const initiallyRendered = await page.locator('.fp-card[data-worker]').count();
      // Well past the first screen and the rows rendered around it.
      const steps = initiallyRendered + 12;
      const order: number[] = [];
      for (let step = 0; step < steps; step += 1) {
        await page.keyboard.press('Tab');
        order.push((await focused(page)).position);
      }
      expect(order).toEqual(Array.from({ length: steps }, (_, i) => i + 2));
      // Names follow the fixture: the six, then render-0007 …
      expect((await focused(page)).worker).toBe(`render-${String(steps + 1).padStart(4, '0')}`);
      for (let step = 0; step < 3; step += 1) await page.keyboard.press('Shift+Tab');
      expect((await focused(page)).position).toBe(steps - 2);
    } finally {
      await page.close();
    }
  });
});
