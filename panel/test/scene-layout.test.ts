import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  gridShape,
  type LayoutWorker,
  type WorkerSlot,
} from '../src/scene/scene-layout.js';

const DEFAULT: LayoutWorker[] = [
  { name: 'music-render', host: 'windows', linkType: 'redis-queue' },
  { name: 'video-render', host: 'windows', linkType: 'redis-queue' },
  { name: 'image-render', host: 'windows', linkType: 'redis-queue' },
  { name: 'insta-render', host: 'windows', linkType: 'redis-queue' },
  { name: 'task-watcher', host: 'windows', linkType: null },
  { name: 'ai_trade', host: 'windows', linkType: 'http-pull' },
];

function fleetOf(count: number): LayoutWorker[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `worker-${i}`,
    host: 'windows',
    linkType: i % 7 === 6 ? 'http-pull' : i % 5 === 4 ? null : 'redis-queue',
  }));
}

function rect(slot: WorkerSlot) {
  return {
    left: slot.center[0] - slot.width / 2,
    right: slot.center[0] + slot.width / 2,
    bottom: slot.center[1] - slot.height / 2,
    top: slot.center[1] + slot.height / 2,
  };
}

function overlaps(a: WorkerSlot, b: WorkerSlot): boolean {
  const ra = rect(a);
  const rb = rect(b);
  return ra.left < rb.right && rb.left < ra.right && ra.bottom < rb.top && rb.bottom < ra.top;
}

describe('scene layout', () => {
  it.each([
    [1, 1, 1],
    [6, 6, 1],
    [8, 8, 1],
    [9, 5, 2],
    [12, 5, 3],
    [50, 10, 5],
  ])('%i workers sit in %i rows × %i columns', (count, rows, cols) => {
    expect(gridShape(count)).toEqual({ rows, cols });
  });

  it('puts the NAS left, the bus in the centre and the Windows node right', () => {
    const layout = computeLayout(DEFAULT);
    const nasRight = layout.nas.center[0] + layout.nas.size[0] / 2;
    const windows = layout.hosts[0]?.box ?? { center: [0, 0, 0], size: [0, 0, 0] };
    expect(layout.hosts.map((host) => host.name)).toEqual(['windows']);
    const winLeft = windows.center[0] - windows.size[0] / 2;
    expect(nasRight).toBeLessThan(layout.bus.center[0] - layout.bus.radius);
    expect(winLeft).toBeGreaterThan(layout.bus.center[0] + layout.bus.radius);
    expect(layout.slots.map((slot) => slot.name)).toEqual(DEFAULT.map((w) => w.name));
  });

  it.each([6, 12, 25, 50])('holds %i workers on the Windows node without overlap', (count) => {
    const layout = computeLayout(fleetOf(count));
    expect(layout.slots).toHaveLength(count);
    const box = layout.hosts[0]?.box ?? { center: [0, 0, 0], size: [0, 0, 0] };
    for (const [i, slot] of layout.slots.entries()) {
      const r = rect(slot);
      expect(r.left).toBeGreaterThanOrEqual(box.center[0] - box.size[0] / 2);
      expect(r.right).toBeLessThanOrEqual(box.center[0] + box.size[0] / 2);
      expect(r.bottom).toBeGreaterThanOrEqual(box.center[1] - box.size[1] / 2);
      expect(r.top).toBeLessThanOrEqual(box.center[1] + box.size[1] / 2);
      for (const other of layout.slots.slice(i + 1))
        expect(overlaps(slot, other), `${slot.name} × ${other.name}`).toBe(false);
    }
  });

  it('routes each render queue NAS gateway → bus → worker, and ai_trade straight to the NAS stock under the bus', () => {
    const layout = computeLayout(DEFAULT);
    expect(layout.pipes.map((pipe) => pipe.worker)).toEqual([
      'music-render',
      'video-render',
      'image-render',
      'insta-render',
      'ai_trade',
    ]);
    const nasRight = layout.nas.center[0] + layout.nas.size[0] / 2;
    for (const pipe of layout.pipes) {
      const start = pipe.points[0];
      const end = pipe.points.at(-1);
      const slot = layout.slots.find((s) => s.name === pipe.worker);
      expect(start?.[0]).toBeCloseTo(nasRight - 0.1);
      expect(end?.[1]).toBeCloseTo(slot?.center[1] ?? Number.NaN);
      const throughBus = pipe.points.some((p) => p === layout.bus.center);
      expect(throughBus).toBe(pipe.type === 'redis-queue');
    }
    const trade = layout.pipes.find((pipe) => pipe.worker === 'ai_trade');
    expect(trade?.bidirectional).toBe(true);
    expect(trade?.points[0]?.[1]).toBeCloseTo(layout.stock.center[1]);
    // It passes below the bus, never through it.
    const lowest = Math.min(...(trade?.points.map((p) => p[1]) ?? []));
    expect(lowest).toBeLessThan(layout.bus.center[1] - layout.bus.radius);
  });

  it('puts status badges on the pipes of a single column, on the blades of a crowded grid', () => {
    expect(computeLayout(DEFAULT).pipes.every((pipe) => pipe.badgeAt === null)).toBe(true);
    const crowded = computeLayout(fleetOf(50));
    for (const pipe of crowded.pipes) {
      const slot = crowded.slots.find((s) => s.name === pipe.worker);
      const r = slot ? rect(slot) : { left: 0, right: 0, top: 0, bottom: 0 };
      expect(pipe.badgeAt?.[0]).toBeGreaterThan(r.left);
      expect(pipe.badgeAt?.[0]).toBeLessThan(r.right);
      expect(pipe.badgeAt?.[1]).toBeCloseTo(r.top);
      // The break stays where the pipe can be seen: before the Windows node, not behind a blade.
      expect(pipe.markerAt).toBeGreaterThan(0.05);
      expect(pipe.markerAt).toBeLessThan(0.95);
    }
  });

  it('draws no pipe for the watcher', () => {
    expect(computeLayout(DEFAULT).pipes.some((pipe) => pipe.worker === 'task-watcher')).toBe(false);
  });

  it('places workers the fleet file puts on the NAS inside the NAS box', () => {
    const layout = computeLayout([
      ...DEFAULT,
      { name: 'nas-render', host: 'nas', linkType: 'redis-queue' },
    ]);
    const slot = layout.slots.find((s) => s.name === 'nas-render');
    expect(slot?.host).toBe('nas');
    const r = slot ? rect(slot) : { left: 0, right: 0, top: 0, bottom: 0 };
    const nas = layout.nas;
    expect(r.left).toBeGreaterThanOrEqual(nas.center[0] - nas.size[0] / 2);
    expect(r.right).toBeLessThanOrEqual(nas.center[0] + nas.size[0] / 2);
    expect(r.bottom).toBeGreaterThanOrEqual(nas.center[1] - nas.size[1] / 2);
    expect(r.top).toBeLessThan(layout.stock.center[1] - layout.stock.size[1] / 2);
  });

  it('stacks every host right of the bus in the fleet order, each holding its own workers, none overlapping', () => {
    const workers: LayoutWorker[] = [
      ...fleetOf(12).map((w) => ({ ...w, host: 'gpu-1' })),
      ...DEFAULT.map((w, i) => ({ ...w, host: i % 2 ? 'gpu-2' : 'windows' })),
      { name: 'stray', host: 'elsewhere', linkType: null },
    ];
    const layout = computeLayout(workers, ['nas', 'windows', 'gpu-1', 'gpu-2', 'empty']);
    expect(layout.hosts.map((host) => host.name)).toEqual([
      'windows',
      'gpu-1',
      'gpu-2',
      'empty',
      'elsewhere',
    ]);
    const boxOf = (name: string) => layout.hosts.find((host) => host.name === name)?.box;
    for (const slot of layout.slots) {
      const box = boxOf(slot.host);
      expect(box, slot.name).toBeDefined();
      const r = rect(slot);
      const [cx, cy] = box?.center ?? [0, 0];
      const [w, h] = box?.size ?? [0, 0];
      expect(r.left).toBeGreaterThanOrEqual(cx - w / 2);
      expect(r.right).toBeLessThanOrEqual(cx + w / 2);
      expect(r.bottom).toBeGreaterThanOrEqual(cy - h / 2);
      expect(r.top).toBeLessThanOrEqual(cy + h / 2);
    }
    // Top to bottom, apart; the camera frames all of them.
    for (const [upper, lower] of layout.hosts
      .slice(0, -1)
      .map((host, i) => [host, layout.hosts[i + 1]] as const)) {
      const bottom = upper.box.center[1] - upper.box.size[1] / 2;
      const top = (lower?.box.center[1] ?? 0) + (lower?.box.size[1] ?? 0) / 2;
      expect(bottom).toBeGreaterThan(top);
    }
    const last = layout.hosts.at(-1)?.box;
    expect(layout.bounds.minY).toBeLessThanOrEqual(
      (last?.center[1] ?? 0) - (last?.size[1] ?? 0) / 2,
    );
    // Every pipe still ends at its own blade.
    for (const pipe of layout.pipes) {
      const slot = layout.slots.find((s) => s.name === pipe.worker);
      expect(pipe.points.at(-1)?.[1]).toBeCloseTo(slot?.center[1] ?? Number.NaN);
    }
  });
});
