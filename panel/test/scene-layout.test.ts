import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  gridShape,
  LAYOUT,
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

describe('scene layout of a big fleet', () => {
  /** `count` workers over `hosts`, every `problemEvery`-th not calm; a watcher and a trader on the first host. */
  function bigFleet(count: number, hosts: readonly string[], problemEvery: number): LayoutWorker[] {
    return Array.from({ length: count }, (_, i) => ({
      name: `w-${i}`,
      host: hosts[i % hosts.length] ?? 'windows',
      linkType: i === 0 ? null : i === 1 ? 'http-pull' : 'redis-queue',
      calm: i % problemEvery !== problemEvery - 1,
    }));
  }

  it.each([
    // fleet size, hosts, every n-th a problem, groups, blades drawn on their own
    [LAYOUT.groupAbove, ['windows'], 7, 0, LAYOUT.groupAbove],
    [LAYOUT.groupAbove + 1, ['windows'], 10, 1, 7],
    [500, ['windows', 'gpu-1', 'gpu-2'], 50, 3, 12],
    [500, ['windows', 'gpu-1', 'gpu-2', 'gpu-3', 'gpu-4'], 25, 5, 22],
    [500, ['nas', 'windows'], 100, 2, 7],
  ] as const)(
    '%i workers on %j, every %i-th a problem: %i groups, %i own blades',
    (count, hosts, every, groups, own) => {
      const workers = bigFleet(count, hosts, every);
      const layout = computeLayout(workers, ['nas', ...hosts]);
      expect(layout.groups).toHaveLength(groups);
      expect(layout.slots).toHaveLength(own);
      // Every worker is drawn exactly once: on its own blade or in its host's group.
      const drawn = [
        ...layout.slots.map((s) => s.name),
        ...layout.groups.flatMap((g) => g.members),
      ];
      expect(drawn.toSorted()).toEqual(workers.map((w) => w.name).toSorted());
      // Every problem worker has its own blade (and pipe, when it has a link).
      for (const worker of workers.filter((w) => !w.calm)) {
        expect(
          layout.slots.some((s) => s.name === worker.name),
          worker.name,
        ).toBe(true);
        if (worker.linkType)
          expect(layout.pipes.some((p) => p.worker === worker.name && !p.members)).toBe(true);
      }
      // A group holds calm workers of one host and one link type, and has one pipe.
      for (const group of layout.groups) {
        for (const name of group.members) {
          const worker = workers.find((w) => w.name === name);
          expect(worker?.calm).toBe(true);
          expect(worker?.host).toBe(group.host);
          expect(worker?.linkType).toBe(group.linkType);
        }
        expect(layout.pipes.filter((p) => p.worker === group.id)).toEqual([
          expect.objectContaining({ members: group.members }),
        ]);
      }
      // Pipes: one per own blade with a link, one per group.
      const linked = layout.slots.filter((s) => workers.find((w) => w.name === s.name)?.linkType);
      expect(layout.pipes).toHaveLength(linked.length + layout.groups.length);
    },
  );

  it('keeps groups and blades inside their host boxes, none overlapping', () => {
    const workers = bigFleet(500, ['windows', 'gpu-1', 'gpu-2', 'nas'], 30);
    const layout = computeLayout(workers, ['nas', 'windows', 'gpu-1', 'gpu-2']);
    const cells: WorkerSlot[] = [
      ...layout.slots,
      ...layout.groups.map((g) => ({ ...g, name: g.id })),
    ];
    const boxOf = (host: string) =>
      host === 'nas' ? layout.nas : layout.hosts.find((h) => h.name === host)?.box;
    for (const [i, cell] of cells.entries()) {
      const box = boxOf(cell.host);
      const r = rect(cell);
      const [cx, cy] = box?.center ?? [0, 0];
      const [w, h] = box?.size ?? [0, 0];
      expect(r.left, cell.name).toBeGreaterThanOrEqual(cx - w / 2);
      expect(r.right, cell.name).toBeLessThanOrEqual(cx + w / 2);
      expect(r.bottom, cell.name).toBeGreaterThanOrEqual(cy - h / 2);
      expect(r.top, cell.name).toBeLessThanOrEqual(cy + h / 2);
      for (const other of cells.slice(i + 1))
        expect(overlaps(cell, other), `${cell.name} × ${other.name}`).toBe(false);
    }
    // A grouped host is kept short: at most `groupedRows` cells tall.
    for (const host of ['windows', 'gpu-1', 'gpu-2']) {
      const rows = new Set(cells.filter((c) => c.host === host).map((c) => c.center[1].toFixed(3)));
      expect(rows.size).toBeLessThanOrEqual(LAYOUT.groupedRows);
    }
  });

  it('leaves fewer than groupMin calm workers of a link type on their own blades', () => {
    const workers: LayoutWorker[] = [
      ...bigFleet(60, ['windows'], 1000),
      { name: 'lone-trader', host: 'gpu-1', linkType: 'http-pull', calm: true },
    ];
    const layout = computeLayout(workers, ['nas', 'windows', 'gpu-1']);
    expect(layout.groups.map((g) => g.id)).toEqual(['group:windows:redis-queue']);
    expect(layout.slots.map((s) => s.name).toSorted()).toEqual(['lone-trader', 'w-0', 'w-1']);
  });

  it.each([
    [1, 1, 1],
    [3, 3, 1],
    [4, 3, 2],
    [12, 3, 4],
  ])('a grouped host of %i cells is %i rows × %i columns', (count, rows, cols) => {
    expect(gridShape(count, true)).toEqual({ rows, cols });
  });
});
