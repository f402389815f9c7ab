// @vitest-environment node

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockState } from '../../src/mock-documents.js';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { canvasOnly, waitForScene, watchProblems } from '../support/panel-page.js';
import { type ColourCounts, countColours } from '../support/pixels.js';

const SCREENSHOTS = SCREENSHOT_DIR;
const VIEWPORT = { width: 1440, height: 860 };
/** Enough pixels of a colour to be a drawn pipe or core, not antialiasing noise. */
const DRAWN = 1500;
const NONE = 50;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await StaticServer.start(DIST_DIR);
  browser = await launchChromium(true);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(
  state: MockState,
  extra = '',
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors = watchProblems(page);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  await page.goto(`${server.url}/infra/?mock=${state}${extra}`);
  return { page, errors, requests };
}

const text = (page: Page, selector: string) => page.locator(selector).allInnerTexts();

/** What tells each state apart: in the pixels of the canvas, and in the DOM over it. */
// fleet-1000 is the 2D view's (card-virtual.test.ts); fleet-500, the 3D view grouped, has its
// own (scene-scale.test.ts).
const STATES: Record<
  Exclude<MockState, 'fleet-500' | 'fleet-1000'>,
  { pixels: (c: ColourCounts) => void; dom: (page: Page) => Promise<void>; workers?: number }
> = {
  healthy: {
    pixels: (c) => {
      expect(c.green).toBeGreaterThan(DRAWN);
      expect(c.red).toBeLessThan(NONE);
      expect(c.amber).toBeLessThan(NONE);
    },
    dom: async (page) => {
      expect(await page.locator('[data-badge]').count()).toBe(0);
      expect(await page.getAttribute('[data-bus]', 'data-bus')).toBe('ok');
      expect(await text(page, '[data-hud="music-render"]')).toEqual([
        expect.stringContaining('⚙️ 처리 중'),
      ]);
      // The two busy workers carry the busy cue; the idle ones do not.
      expect(
        await page
          .locator('[data-hud][data-busy="true"]')
          .evaluateAll((huds) => huds.map((hud) => hud.getAttribute('data-hud'))),
      ).toEqual(['music-render', 'video-render']);
    },
  },
  paused: {
    pixels: (c) => {
      expect(c.amber).toBeGreaterThan(DRAWN);
      expect(c.red).toBeLessThan(NONE);
    },
    dom: async (page) => {
      expect(await page.locator('[data-badge="paused"]').count()).toBe(4);
      expect(await page.getAttribute('[data-bus]', 'data-bus')).toBe('paused');
      expect(await text(page, '[data-hud="video-render"]')).toEqual([
        expect.stringContaining('⏸ 작업중(트레이딩)'),
      ]);
      expect(await text(page, '[data-paused="true"]')).toEqual([
        expect.stringContaining('trading'),
      ]);
    },
  },
  down: {
    pixels: (c) => {
      expect(c.red).toBeGreaterThan(DRAWN);
      expect(c.green).toBeGreaterThan(DRAWN);
    },
    dom: async (page) => {
      expect(await text(page, '[data-badge="down"]')).toHaveLength(2);
      // Each age is the remembered beat's (14 s and 27 s before load), not a fresh 0.
      for (const [worker, atLeast] of [
        ['video-render', 14],
        ['ai_trade', 27],
      ] as const) {
        const [badge] = await text(page, `[data-badge="down"][data-worker="${worker}"]`);
        expect(badge).toMatch(/⚠\s*last beat \d+s ago/);
        expect(Number(badge?.match(/(\d+)s ago/)?.[1])).toBeGreaterThanOrEqual(atLeast);
      }
      expect(await text(page, '[data-hud="video-render"]')).toEqual([
        expect.stringContaining('🔴 다운'),
      ]);
      // The backlog behind the dead worker, on its HUD and its pipe's badge.
      expect(await text(page, '[data-hud="video-render"] [data-backlog]')).toEqual(['queue 14']);
      expect(await text(page, '[data-badge="down"][data-worker="video-render"]')).toEqual([
        expect.stringContaining('14 queued'),
      ]);
    },
  },
  degraded: {
    pixels: (c) => {
      expect(c.yellow).toBeGreaterThan(DRAWN);
      expect(c.red).toBeLessThan(NONE);
    },
    dom: async (page) => {
      expect(await text(page, '[data-badge="degraded"][data-worker="insta-render"]')).toEqual([
        expect.stringMatching(/❌\s*12/),
      ]);
      expect(await text(page, '[data-badge="degraded"][data-worker="image-render"]')).toEqual([
        expect.stringMatching(/❌\s*3/),
      ]);
    },
  },
  'redis-down': {
    pixels: (c) => {
      expect(c.red).toBeGreaterThan(DRAWN / 2);
      expect(c.green).toBeLessThan(NONE);
    },
    dom: async (page) => {
      expect(await text(page, '[data-banner="redis-lost"]')).toEqual([
        expect.stringContaining('Collector/Redis connection lost'),
      ]);
      expect(await page.getAttribute('[data-bus]', 'data-bus')).toBe('lost');
    },
  },
  'fleet-50': {
    workers: 50,
    // Fifty thinner pipes: two cut ones and one yellow one make fewer pixels than in the six.
    pixels: (c) => {
      expect(c.green).toBeGreaterThan(DRAWN * 10);
      expect(c.red).toBeGreaterThan(DRAWN / 3);
      expect(c.yellow).toBeGreaterThan(DRAWN / 5);
    },
    dom: async (page) => {
      expect(await page.locator('[data-badge="down"]').count()).toBe(2);
      expect(await page.locator('[data-badge="down"][data-worker="render-13"]').count()).toBe(1);
      expect(await text(page, '[data-badge="degraded"][data-worker="render-21"]')).toEqual([
        expect.stringMatching(/❌\s*5/),
      ]);
    },
  },
};

describe('the built panel in Chromium (WebGL via SwiftShader)', () => {
  it.each(Object.keys(STATES) as (keyof typeof STATES)[])(
    'draws ?mock=%s and tells it apart',
    async (state) => {
      const { page, errors } = await open(state, '&view=3d');
      try {
        await waitForScene(page);
        expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('3d');
        const counts = await countColours(page, await canvasOnly(page));
        // Not a blank canvas: a good share of it is lit, in many colours.
        expect(counts.lit / counts.total).toBeGreaterThan(0.03);
        expect(counts.distinct).toBeGreaterThan(100);
        STATES[state].pixels(counts);
        await STATES[state].dom(page);
        expect(await page.locator('.fp-hud').count()).toBe(STATES[state].workers ?? 6);
        await page.screenshot({ path: join(SCREENSHOTS, `${state}.png`) });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );

  it('moves the particles, and holds everything still under prefers-reduced-motion', async () => {
    const { page } = await open('healthy', '&view=3d');
    try {
      await waitForScene(page);
      const a = await canvasOnly(page);
      await page.waitForTimeout(250);
      expect((await canvasOnly(page)).equals(a)).toBe(false);

      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.waitForTimeout(250);
      const still = await canvasOnly(page);
      await page.waitForTimeout(250);
      expect((await canvasOnly(page)).equals(still)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('paints the 2D view without loading three.js, and loads the 3D chunk only when asked', async () => {
    const { page, requests } = await open('down', '&view=2d');
    try {
      await page.waitForSelector('[data-worker="video-render"][data-status="down"]');
      expect(await page.locator('[data-worker]').count()).toBe(6);
      expect(requests.some((path) => path.includes('fleet-scene'))).toBe(false);
      await page.screenshot({ path: join(SCREENSHOTS, 'cards-down.png') });

      await page.getByRole('button', { name: '3D' }).click();
      await waitForScene(page);
      expect(requests.some((path) => path.includes('fleet-scene'))).toBe(true);
      expect(await page.locator('canvas').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('falls back to the cards when the WebGL context is lost', async () => {
    const { page } = await open('healthy', '&view=3d');
    try {
      await waitForScene(page);
      await page.evaluate(() => {
        const canvas = document.querySelector('.fp-scene canvas') as HTMLCanvasElement;
        const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
        gl?.getExtension('WEBGL_lose_context')?.loseContext();
      });
      await page.waitForSelector('.fleet-panel[data-view="2d"]');
      expect(await page.locator('[data-worker]').count()).toBe(6);
      expect(await text(page, '[data-banner="no-3d"]')).toEqual([
        expect.stringContaining('lost its WebGL context'),
      ]);
    } finally {
      await page.close();
    }
  });
});
