/// <reference lib="dom" />
// The page functions below run in Chromium, so this file also sees the DOM types.
/**
 * The 2D card list in Chromium: how long the first cards take, and frame times while idle and
 * while scrolling, at 6, 50 and 1,000 workers (`?mock=`, no network). Measured, never asserted:
 * `npm run build -w panel && tsx bench/panel-cards.ts`.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '@fleet/testing';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import { quantile } from './stats.js';

const DIST = fileURLToPath(new URL('../panel/dist', import.meta.url));
const FLEETS = [
  ['healthy', 6],
  ['fleet-50', 50],
  ['fleet-1000', 1000],
] as const;
/** How long each phase samples frames. */
const SAMPLE_MS = 3000;
/** Scroll speed while sampling: a brisk flick, every frame. */
const SCROLL_PX_PER_FRAME = 40;

const server = await StaticServer.start(DIST);
const url = `${server.url}/infra/`;
// The card list needs no WebGL.
const browser = await launchChromium(false);

const rows: string[][] = [];
try {
  for (const [mock, workers] of FLEETS) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx keeps function names with an `__name` helper that the page does not have.
    await page.addInitScript('window.__name = (fn) => fn');
    await page.goto(`${url}?mock=${mock}&view=2d`);
    await page.waitForSelector('.fp-card[data-worker]');
    const firstCardsMs = await page.evaluate(
      () =>
        performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')
          ?.startTime ?? NaN,
    );
    const frames = (scroll: number) =>
      page.evaluate(
        ({ ms, scroll }) =>
          new Promise<{ deltas: number[]; nodes: number }>((resolve) => {
            const list = document.querySelector('.fp-cards') as HTMLElement;
            const deltas: number[] = [];
            let last = performance.now();
            const end = last + ms;
            let nodes = 0;
            const frame = (now: number) => {
              deltas.push(now - last);
              last = now;
              if (scroll) {
                // Back to the top at the end, so the whole list is crossed more than once.
                list.scrollTop =
                  list.scrollTop + list.clientHeight >= list.scrollHeight - 1
                    ? 0
                    : list.scrollTop + scroll;
              }
              nodes = Math.max(nodes, document.querySelectorAll('*').length);
              if (now < end) requestAnimationFrame(frame);
              else resolve({ deltas: deltas.slice(1), nodes });
            };
            requestAnimationFrame(frame);
          }),
        { ms: SAMPLE_MS, scroll },
      );
    for (const [phase, scroll] of [
      ['idle', 0],
      ['scrolling', SCROLL_PX_PER_FRAME],
      ['idle, reduced motion', 0],
    ] as const) {
      if (phase === 'idle, reduced motion') await page.emulateMedia({ reducedMotion: 'reduce' });
      const { deltas, nodes } = await frames(scroll);
      rows.push([
        String(workers),
        phase,
        String(Math.round(firstCardsMs)),
        quantile(deltas, 0.5).toFixed(1),
        quantile(deltas, 0.95).toFixed(1),
        Math.max(...deltas).toFixed(1),
        String(deltas.filter((d) => d > 50).length),
        String(nodes),
        loadavg()[0]?.toFixed(1) ?? '',
      ]);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(
  markdownTable(
    [
      'workers',
      'phase',
      'first paint ms',
      'frame p50 ms',
      'p95 ms',
      'max ms',
      'frames > 50 ms',
      'DOM elements',
      'load 1m',
    ],
    rows,
    2,
  ),
);
