import type { Page } from 'playwright-core';

/** How many pixels of a screenshot fall in each colour family the panel uses. */
export interface ColourCounts {
  total: number;
  /** Anything brighter than the dark background. */
  lit: number;
  /** Distinct colours after quantising to 4 bits per channel. */
  distinct: number;
  red: number;
  amber: number;
  yellow: number;
  green: number;
}

/** Decodes a PNG in the page (no image library needed in node) and counts colour families. */
export async function countColours(page: Page, png: Buffer): Promise<ColourCounts> {
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D context');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const counts = {
      total: bitmap.width * bitmap.height,
      lit: 0,
      distinct: 0,
      red: 0,
      amber: 0,
      yellow: 0,
      green: 0,
    };
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      seen.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      if (Math.max(r, g, b) > 60) counts.lit += 1;
      if (r > 180 && g < 100 && b < 100) counts.red += 1;
      else if (r > 190 && g >= 110 && g < 172 && b < 70) counts.amber += 1;
      else if (r > 190 && g >= 172 && b < 90) counts.yellow += 1;
      else if (g > 150 && r < 120 && b < 160 && g - r > 60) counts.green += 1;
    }
    counts.distinct = seen.size;
    return counts;
  }, png.toString('base64'));
}
