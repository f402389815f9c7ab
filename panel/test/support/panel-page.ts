import type { Page } from 'playwright-core';

/** Waits until the 3D scene has drawn a few frames and placed its HUD. */
export async function waitForScene(page: Page): Promise<void> {
  await page.waitForSelector('.fp-hud-layer[data-scene-ready="true"]', { timeout: 45_000 });
}

/** A screenshot of the canvas alone: the DOM HUD, banners and header hidden for the moment. */
export async function canvasOnly(page: Page): Promise<Buffer> {
  const style = await page.addStyleTag({
    content: '.fp-hud-layer, .fp-banners { display: none !important; }',
  });
  try {
    return await page.locator('.fp-scene canvas').screenshot();
  } finally {
    await style.evaluate((element) => (element as HTMLElement).remove());
  }
}
