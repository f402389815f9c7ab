/// <reference lib="dom" />
// The page functions below run in Chromium, so this file also sees the DOM types.
/**
 * The panel in Chromium with software WebGL (SwiftShader): frame times while things move, the
 * rate the 3D frame driver really draws at, and the page's CPU while moving, still (reduced
 * motion) and hidden, for the 3D view at 6, 50 and 500 workers and the 2D view at 50 and 1,000.
 * Measured, never asserted; `npm run bench -- --panel-only` runs it (main.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuTimeMs, markdownTable } from '@fleet/testing';
import { launchChromium, StaticServer } from '@fleet/testing/browser';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { intervals, type Spread, spread } from './stats.js';

const DIST = fileURLToPath(new URL('../panel/dist', import.meta.url));
const VIEWPORT = { width: 1440, height: 900 };
/** The status document's path: a page that asks for it did not know the mock (an older build). */
const STATUS_PATH = '/api/agent-office/nodes';
/** Time for the first frames, the HUD and the first settle frames before anything is sampled. */
const SETTLE_MS = 2000;
const LONG_TASK_MS = 50;

export interface PanelScene {
  view: '2d' | '3d';
  /** `?mock=`: the fixture the page shows, with no network. */
  mock: string;
  workers: number;
}

export const PANEL_SCENES: readonly PanelScene[] = [
  { view: '3d', mock: 'healthy', workers: 6 },
  { view: '3d', mock: 'fleet-50', workers: 50 },
  { view: '3d', mock: 'fleet-500', workers: 500 },
  { view: '2d', mock: 'fleet-50', workers: 50 },
  { view: '2d', mock: 'fleet-1000', workers: 1000 },
];

/** What the page records (see installProbe). */
interface Probe {
  /** rAF time of each callback that drew the canvas (called `clear` on a WebGL context). */
  renders: number[];
  /** How long each of those callbacks ran: the scene's JavaScript and GL calls for one frame. */
  renderMs: number[];
  /** rAF time of every browser frame, only while `sampleFrames` runs. */
  frames: number[];
  longTasks: { start: number; duration: number }[];
}

declare global {
  interface Window {
    __probe: Probe;
  }
}

/**
 * Runs before the panel's scripts. A scene frame is a requestAnimationFrame callback that
 * clears a WebGL context (three clears before every render): the frame driver draws only in
 * rAF, at 30, 8 or 0 fps, so counting rAF callbacks alone would miss what it skips.
 */
function installProbe(): void {
  const probe: Probe = { renders: [], renderMs: [], frames: [], longTasks: [] };
  window.__probe = probe;
  let clears = 0;
  for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
    const clear = proto.clear;
    proto.clear = function (this: WebGLRenderingContext, mask: number) {
      clears += 1;
      clear.call(this, mask);
    };
  }
  const requestFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    requestFrame((time) => {
      const before = clears;
      const start = performance.now();
      callback(time);
      if (clears > before) {
        probe.renders.push(time);
        probe.renderMs.push(performance.now() - start);
      }
    });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Empties the probe and returns the page's clock, where a sampling window starts. */
function resetProbe(): number {
  const probe = window.__probe;
  for (const list of [probe.renders, probe.renderMs, probe.frames, probe.longTasks])
    list.length = 0;
  return performance.now();
}

/** Every browser frame for `ms` (a rAF loop of its own, so it keeps the page drawing). */
function sampleFrames(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const end = performance.now() + ms;
    const frame = (time: number) => {
      window.__probe.frames.push(time);
      if (time < end) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
}

/**
 * Headless Chromium never hides a page (a second tab, a minimised window and lifecycle states
 * all leave it `visible`), so the page is told it is hidden the way a browser tells it: the
 * two properties and a `visibilitychange`. Chromium itself still draws for it, so this is what
 * the panel does when hidden, without the throttling a real background tab adds.
 */
function emulateHidden(): string {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  document.dispatchEvent(new Event('visibilitychange'));
  return document.visibilityState;
}

type ProcessKind = 'renderer' | 'gpu' | 'other';

/** CPU time so far of every Chromium process under this one, by kind (`--type=` of its command). */
function chromiumCpuMs(): Record<ProcessKind, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  const totals: Record<ProcessKind, number> = { renderer: 0, gpu: 0, other: 0 };
  for (const pid of parents.keys()) {
    if (!isOurs(pid)) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.includes('chrom')) continue;
      const type = /--type=([\w-]+)/.exec(command)?.[1];
      const kind = type === 'renderer' ? 'renderer' : type === 'gpu-process' ? 'gpu' : 'other';
      totals[kind] += cpuTimeMs(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return totals;
}

/** The renderer main thread's busy time so far (CDP Performance metrics, in ms). */
async function mainThreadMs(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: metric('TaskDuration'), script: metric('ScriptDuration') };
}

interface FrameResult {
  browserFps: number;
  frame: Spread;
  sceneFps: number;
  sceneFrame: Spread;
  renderMs: Spread;
  longTasks: number;
  longestTaskMs: number;
}

interface CpuResult {
  phase: string;
  sceneFps: number;
  visibility: string;
  /** Per second of the window, in ms: how much of one core each took. */
  mainThread: number;
  script: number;
  renderer: number;
  gpu: number;
  chromium: number;
}

async function sampleFrameTimes(page: Page, seconds: number): Promise<FrameResult> {
  const start = await page.evaluate(resetProbe);
  await page.evaluate(sampleFrames, seconds * 1000);
  const probe = await page.evaluate(() => window.__probe);
  const long = probe.longTasks.filter((task) => task.start >= start);
  return {
    browserFps: probe.frames.length / seconds,
    frame: spread(intervals(probe.frames)),
    sceneFps: probe.renders.length / seconds,
    sceneFrame: spread(intervals(probe.renders)),
    renderMs: spread(probe.renderMs),
    longTasks: long.filter((task) => task.duration > LONG_TASK_MS).length,
    longestTaskMs: Math.max(0, ...long.map((task) => task.duration)),
  };
}

async function sampleCpu(
  page: Page,
  cdp: CDPSession,
  phase: string,
  seconds: number,
): Promise<CpuResult> {
  await page.evaluate(resetProbe);
  const thread = await mainThreadMs(cdp);
  const cpu = chromiumCpuMs();
  await page.waitForTimeout(seconds * 1000);
  const threadAfter = await mainThreadMs(cdp);
  const cpuAfter = chromiumCpuMs();
  const { renders, visibility } = await page.evaluate(() => ({
    renders: window.__probe.renders.length,
    visibility: document.visibilityState,
  }));
  const perS = (ms: number) => ms / seconds;
  return {
    phase,
    sceneFps: renders / seconds,
    visibility,
    mainThread: perS(threadAfter.task - thread.task),
    script: perS(threadAfter.script - thread.script),
    renderer: perS(cpuAfter.renderer - cpu.renderer),
    gpu: perS(cpuAfter.gpu - cpu.gpu),
    chromium: perS(
      cpuAfter.renderer + cpuAfter.gpu + cpuAfter.other - cpu.renderer - cpu.gpu - cpu.other,
    ),
  };
}

/** Opens a scene; null when the build does not know its mock (the page polls the network). */
async function openScene(browser: Browser, server: StaticServer, scene: PanelScene) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  // tsx keeps function names with an `__name` helper that the page does not have.
  await page.addInitScript('window.__name = (fn) => fn');
  await page.addInitScript(installProbe);
  const polled = page.waitForRequest((request) => request.url().includes(STATUS_PATH), {
    timeout: 0,
  });
  await page.goto(`${server.url}/infra/?mock=${scene.mock}&view=${scene.view}`);
  const ready = page.waitForSelector(
    scene.view === '3d' ? '.fp-hud-layer[data-scene-ready="true"]' : '.fp-card[data-worker]',
    { timeout: 180_000 },
  );
  const known = await Promise.race([ready.then(() => true), polled.then(() => false)]);
  // Neither promise may reject after the page closes.
  ready.catch(() => {});
  polled.catch(() => {});
  if (!known) {
    await page.close();
    return null;
  }
  await page.waitForTimeout(SETTLE_MS);
  return page;
}

const fixed = (digits: number) => (value: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
const one = fixed(1);
const whole = fixed(0);
const load1 = () => loadavg()[0]?.toFixed(1) ?? '–';
const ratio = (value: number, base: number) => (base > 0 ? `×${(value / base).toFixed(2)}` : '–');

/**
 * Both tables as Markdown: frame times while moving, then CPU moving / still / hidden with the
 * still and hidden figures as ratios of the moving ones of the same page.
 */
export async function panelFrameTables(
  { seconds }: { seconds: number },
  progress: (cells: readonly string[]) => void,
): Promise<string> {
  const server = await StaticServer.start(DIST);
  const browser = await launchChromium(true);
  const frameRows: string[][] = [];
  const cpuRows: string[][] = [];
  const loadBefore = loadavg();
  try {
    for (const scene of PANEL_SCENES) {
      const label = [scene.view, String(scene.workers), scene.mock];
      const page = await openScene(browser, server, scene);
      if (!page) {
        const row = [...label, 'mock not available in this build', ...Array(11).fill('')];
        frameRows.push(row);
        progress(row);
        continue;
      }
      try {
        const f = await sampleFrameTimes(page, seconds);
        const row = [
          ...label,
          '',
          one(f.browserFps),
          one(f.frame.median),
          one(f.frame.p95),
          one(f.frame.max),
          scene.view === '3d' ? one(f.sceneFps) : '–',
          scene.view === '3d' ? one(f.sceneFrame.median) : '–',
          scene.view === '3d' ? one(f.sceneFrame.p95) : '–',
          scene.view === '3d' ? one(f.renderMs.median) : '–',
          String(f.longTasks),
          whole(f.longestTaskMs),
          load1(),
        ];
        frameRows.push(row);
        progress(row);

        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        const moving = await sampleCpu(page, cdp, 'moving', seconds);
        await page.emulateMedia({ reducedMotion: 'reduce' });
        const still = await sampleCpu(page, cdp, 'still (reduced motion)', seconds);
        await page.emulateMedia({ reducedMotion: 'no-preference' });
        const hiddenState = await page.evaluate(emulateHidden);
        if (hiddenState !== 'hidden') throw new Error(`the page says ${hiddenState}, not hidden`);
        const hidden = await sampleCpu(page, cdp, 'hidden (emulated)', seconds);
        for (const result of [moving, still, hidden]) {
          const cpuRow = [
            ...label,
            result.phase,
            result.visibility,
            scene.view === '3d' ? one(result.sceneFps) : '–',
            whole(result.mainThread),
            whole(result.script),
            whole(result.renderer / 10),
            whole(result.gpu / 10),
            whole(result.chromium / 10),
            result === moving ? '' : ratio(result.mainThread, moving.mainThread),
            result === moving ? '' : ratio(result.chromium, moving.chromium),
            load1(),
          ];
          cpuRows.push(cpuRow);
          progress(cpuRow);
        }
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const loads = (values: number[]) => values.map((n) => n.toFixed(1)).join(' ');
  return [
    `\n## Panel frame time, things moving (${seconds} s per row, ${VIEWPORT.width}×${VIEWPORT.height}, SwiftShader)\n`,
    markdownTable(
      [
        'view',
        'workers',
        'mock',
        'note',
        'browser fps',
        'frame p50 ms',
        'p95 ms',
        'max ms',
        'scene fps',
        'scene frame p50 ms',
        'p95 ms',
        'render JS ms p50',
        `long tasks > ${LONG_TASK_MS} ms`,
        'longest ms',
        'load 1m',
      ],
      frameRows,
      4,
    ),
    `\n## Panel CPU: moving, still, hidden (${seconds} s each; ms of CPU per second = % of one core × 10)\n`,
    markdownTable(
      [
        'view',
        'workers',
        'mock',
        'phase',
        'visibility',
        'scene fps',
        'main thread ms/s',
        'script ms/s',
        'renderer %',
        'GPU process %',
        'all Chromium %',
        'main thread ÷ moving',
        'Chromium ÷ moving',
        'load 1m',
      ],
      cpuRows,
      5,
    ),
    `\nload average before ${loads(loadBefore)}, after ${loads(loadavg())} (1, 5, 15 min)`,
  ].join('\n');
}
