import type { Page } from 'playwright-core';

/** Waits until the 3D scene has drawn a few frames and placed its HUD. */
export async function waitForScene(page: Page, timeout = 45_000): Promise<void> {
  await page.waitForSelector('.fp-hud-layer[data-scene-ready="true"]', { timeout });
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

/** react-three-fiber 9 creates a THREE.Clock, which three r183+ deprecates (panel/README.md). */
const KNOWN_WARNING = 'THREE.Clock: This module has been deprecated';

/**
 * Collects what a user would see in the console as a problem: uncaught errors, console errors
 * and any warning but the known one. The returned list fills as the page runs.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    const known = message.text().startsWith(KNOWN_WARNING);
    if (message.type() === 'error' || (message.type() === 'warning' && !known)) {
      problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  return problems;
}
