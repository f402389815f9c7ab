// @vitest-environment node
import { join } from 'node:path';
import type { WorkerStatus } from '@fleet/core/contracts';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockDocument } from '../../src/mock-documents.js';
import { DIST_DIR, SCREENSHOT_DIR } from '../support/build-panel.js';
import { canvasOnly, waitForScene, watchProblems } from '../support/panel-page.js';
import { countColours } from '../support/pixels.js';

const VIEWPORT = { width: 1440, height: 900 };
/** Above the project's 90 s: SwiftShader draws 500 workers' scene slowly on a loaded box. */
const TIMEOUT_MS = 180_000;

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

/** What the mock says, worked out here from its workers (not from the panel's own rule). */
function expected() {
  const workers = mockDocument('fleet-500', new Date()).workers;
  const problem = (w: WorkerStatus) =>
    !w.alive || w.dead_letter > 0 || w.state === 'paused' || w.maintenance !== null || w.job_stuck;
  const calmRender = workers.filter((w) => w.kind === 'render' && !problem(w));
  const hosts = [...new Set(calmRender.map((w) => w.host))];
  return {
    problems: workers.filter(problem).map((w) => w.name),
    groups: hosts.map((host) => {
      const members = calmRender.filter((w) => w.host === host);
      return {
        host,
        count: String(members.length),
        busy: String(members.filter((w) => w.state === 'busy').length),
      };
    }),
  };
}

interface Box {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  visible: boolean;
}

function overlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

describe('fleet-500 in 3D (1440×900, WebGL via SwiftShader)', () => {
  it(
    'groups the calm workers per host with their counts, and draws every problem worker on its own, labels apart',
    async () => {
      const page = await browser.newPage({ viewport: VIEWPORT });
      const problems = watchProblems(page);
      try {
        const started = Date.now();
        await page.goto(`${server.url}/infra/?mock=fleet-500&view=3d`);
        await waitForScene(page, TIMEOUT_MS / 2);
        // Noted, never asserted: how long SwiftShader took to the first drawn frames.
        console.info(`fleet-500: scene ready ${Date.now() - started} ms after navigation`);
        expect(await page.getAttribute('.fleet-panel', 'data-view')).toBe('3d');
        expect(await page.locator('[data-banner="no-3d"]').count()).toBe(0);
        const counts = await countColours(page, await canvasOnly(page));
        expect(counts.lit / counts.total).toBeGreaterThan(0.03);
        expect(counts.red).toBeGreaterThan(300);

        const want = expected();
        expect(want.problems).toHaveLength(9);
        const groups = await page.locator('[data-group]').evaluateAll((huds) =>
          huds.map((hud) => ({
            host: hud.getAttribute('data-host'),
            count: hud.getAttribute('data-count'),
            busy: hud.getAttribute('data-busy-count'),
            text: hud.textContent ?? '',
          })),
        );
        expect(groups.map(({ host, count, busy }) => ({ host, count, busy }))).toEqual(want.groups);
        for (const group of groups) {
          expect(group.text).toContain(`${group.count} × render`);
          expect(group.text).toContain(`${group.count} healthy · ⚙ ${group.busy} busy`);
        }

        // Every problem worker has its own HUD; every HUD and host label is on screen and apart.
        const huds = await page
          .locator('[data-hud]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-hud')));
        for (const name of want.problems) expect(huds, name).toContain(name);
        const boxes: Box[] = await page.locator('.fp-hud, .fp-label').evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return {
              id:
                el.getAttribute('data-hud') ??
                el.getAttribute('data-group') ??
                el.textContent ??
                '',
              left: r.left,
              top: r.top,
              right: r.right,
              bottom: r.bottom,
              visible: getComputedStyle(el).visibility === 'visible',
            };
          }),
        );
        const scene = await page.locator('.fp-scene').boundingBox();
        // The labels: NAS, gateway, stock, the bus, and the three hosts right of it.
        expect(boxes.length).toBe(huds.length + groups.length + 4 + 3);
        for (const [i, box] of boxes.entries()) {
          expect(box.visible, box.id).toBe(true);
          expect(box.left, box.id).toBeGreaterThanOrEqual(scene?.x ?? 0);
          expect(box.right, box.id).toBeLessThanOrEqual((scene?.x ?? 0) + (scene?.width ?? 0));
          expect(box.top, box.id).toBeGreaterThanOrEqual(scene?.y ?? 0);
          expect(box.bottom, box.id).toBeLessThanOrEqual((scene?.y ?? 0) + (scene?.height ?? 0));
          for (const other of boxes.slice(i + 1))
            expect(overlap(box, other), `${box.id} × ${other.id}`).toBe(false);
        }
        // Each problem worker's pipe carries its badge: ⚠ for the dead, ❌ for dead letters, ⏸.
        expect(await page.locator('[data-badge="down"]').count()).toBe(3);
        expect(await page.locator('[data-badge="degraded"]').count()).toBe(3);
        expect(await page.locator('[data-badge="paused"]').count()).toBe(1);
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'fleet-500.png') });
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    },
    TIMEOUT_MS,
  );
});
