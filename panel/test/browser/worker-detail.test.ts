// @vitest-environment node

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { waitForScene, watchProblems } from '../support/panel-page.js';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await StaticServer.start(DIST_DIR);
  browser = await launchChromium(true);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const DESKTOP = { width: 1440, height: 860 };
const PHONE = { width: 390, height: 844 };

async function open(query: string, viewport = DESKTOP) {
  const page = await browser.newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(`${server.url}/infra/?${query}`);
  return { page, problems };
}

const dialog = (page: Page) => page.locator('dialog.fp-detail[open]');

/** The detail of `worker` is open, labelled, and draws its history. */
async function expectDetail(page: Page, worker: string) {
  await dialog(page).waitFor({ state: 'visible', timeout: 15_000 });
  expect(await dialog(page).getAttribute('data-detail')).toBe(worker);
  expect(await dialog(page).getAttribute('aria-modal')).toBe('true');
  const labelledBy = await dialog(page).getAttribute('aria-labelledby');
  const title = page.locator(`[id="${labelledBy}"]`);
  expect(await title.innerText()).toContain(worker);
  const accessible = await page.evaluate(() =>
    document.querySelector('dialog[open]')?.matches(':modal'),
  );
  expect(accessible).toBe(true);
  // The state bar, the list of changes, three charts with a line each, the heartbeat fields;
  // the history arrives after the dialog opens (fetched, or the mock's), so wait for it first.
  await dialog(page).locator('.fp-timeline [data-run]').first().waitFor({ timeout: 15_000 });
  expect(await dialog(page).locator('.fp-timeline [data-run]').count()).toBeGreaterThan(0);
  expect(await dialog(page).locator('.fp-detail-changes li').count()).toBeGreaterThan(1);
  expect(await dialog(page).locator('.fp-spark svg path').count()).toBe(3);
  expect(await dialog(page).locator('.fp-detail-beat dt').allInnerTexts()).toEqual([
    'name',
    'kind',
    'state',
    'ts',
    'last_job_at',
    'jobs_done',
    'jobs_failed',
    'mode',
  ]);
}

describe('a worker’s detail', () => {
  it('opens from a 2D card by click, shows the down period, closes with Escape, focus returns', async () => {
    const { page, problems } = await open('mock=down&view=2d');
    await page.locator('[data-worker="video-render"]').click({ position: { x: 30, y: 90 } });
    await expectDetail(page, 'video-render');
    const downs = await dialog(page).locator('.fp-detail-downs').innerText();
    expect(downs).toMatch(/⚠ down \d\d:\d\d:\d\d–now \(4m 00s, still down\)/);
    expect(await dialog(page).locator('.fp-timeline [data-run="down"]').count()).toBe(1);
    expect(await dialog(page).locator('[data-series="queue depth"] b').innerText()).toBe('14');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'worker-detail.png') });
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(
      await page.evaluate(() =>
        document.activeElement?.closest('[data-worker]')?.getAttribute('data-worker'),
      ),
    ).toBe('video-render');
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each(['Enter', ' '])(
    'opens from a focused card with %j and closes with its button',
    async (key) => {
      const { page, problems } = await open('mock=degraded&view=2d');
      await page.locator('[data-worker="insta-render"] .fp-card-open').focus();
      await page.keyboard.press(key);
      await expectDetail(page, 'insta-render');
      expect(await dialog(page).locator('[data-dead-letters]').innerText()).toMatch(
        /^12, oldest seen 24m 00s ago or more$/,
      );
      // Focus stays inside the modal: Tab from the close button does not reach the cards.
      await dialog(page).locator('.fp-detail-close').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).toBe(
        true,
      );
      await dialog(page).locator('.fp-detail-close').click();
      await dialog(page).waitFor({ state: 'detached' });
      expect(
        await page.evaluate(() => document.activeElement?.classList.contains('fp-card-open')),
      ).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it('fits a phone (390×844): opened by a tap, nothing cut sideways, Escape closes', async () => {
    const page = await browser.newPage({ viewport: PHONE, hasTouch: true, isMobile: true });
    const problems = watchProblems(page);
    await page.goto(`${server.url}/infra/?mock=down`);
    await page.locator('[data-worker="ai_trade"]').tap();
    await expectDetail(page, 'ai_trade');
    const box = await dialog(page).boundingBox();
    expect(box).not.toBeNull();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);
    const overflow = await dialog(page).evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'worker-detail-phone.png') });
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens from a 3D blade by click, and from its HUD name by keyboard', async () => {
    const { page, problems } = await open('mock=down&view=3d');
    await waitForScene(page);
    // The HUD lets clicks through to the blade under it.
    const hud = await page.locator('[data-hud="music-render"]').boundingBox();
    expect(hud).not.toBeNull();
    await page.mouse.click(
      (hud?.x ?? 0) + (hud?.width ?? 0) / 2,
      (hud?.y ?? 0) + (hud?.height ?? 0) / 2,
    );
    await expectDetail(page, 'music-render');
    expect(await dialog(page).locator('.fp-detail-downs').innerText()).toMatch(
      /⚠ down .*\(3m 00s\)/,
    );
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    // The keyboard's way in, in 3D: each HUD's name is a button.
    await page.locator('[data-hud="video-render"] .fp-hud-open').focus();
    await page.keyboard.press('Enter');
    await expectDetail(page, 'video-render');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('fp-hud-open')),
    ).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
