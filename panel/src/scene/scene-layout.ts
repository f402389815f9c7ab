import { type LinkType, WORKER_KIND_TABLE } from '@fleet/core/contracts';

/** A point in scene units: x to the right, y up, z towards the viewer. */
export type Vec3 = readonly [number, number, number];

export interface LayoutBox {
  center: Vec3;
  size: Vec3;
}

/** A worker sub-node: a flat blade its HUD is drawn over. */
export interface WorkerSlot {
  name: string;
  host: string;
  center: Vec3;
  width: number;
  height: number;
}

export interface PipeLayout {
  worker: string;
  type: LinkType;
  /** Control points of a centripetal Catmull-Rom curve, from the NAS end to the worker end. */
  points: Vec3[];
  /** Where along the pipe (0..1) the break of a down link and the status badge sit. */
  markerAt: number;
  /**
   * In a crowded grid (more than one column), the badge goes on the blade's corner instead of
   * the pipe, as a compact chip; null keeps it on the pipe.
   */
  badgeAt: Vec3 | null;
  /** `http-pull` traffic goes both ways (request out, prices back). */
  bidirectional: boolean;
}

/** A host right of the bus: its box holds its workers' blades. */
export interface HostNode {
  name: string;
  box: LayoutBox;
}

export interface SceneLayout {
  /** The host the queue pipes leave from (`SOURCE_HOST`), left of the bus. */
  nas: LayoutBox;
  /** The NAS gateway, where the render queues' pipes leave. */
  gateway: LayoutBox;
  /** The NAS stock service that `ai_trade` pulls from directly. */
  stock: LayoutBox;
  bus: { center: Vec3; radius: number };
  /** Every other host, top to bottom, in the fleet's order (the default fleet: windows). */
  hosts: HostNode[];
  slots: WorkerSlot[];
  pipes: PipeLayout[];
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
}

export interface LayoutWorker {
  name: string;
  host: string;
  /** The worker's pipe, if it has one. */
  linkType: LinkType | null;
}

/**
 * Every size and distance of the scene, in scene units. The pipe bends are hand-tuned: they keep
 * pipes apart and clear of the bus and the host boxes.
 */
export const LAYOUT = {
  /** A worker blade. */
  slotWidth: 4.4,
  slotHeight: 1.5,
  /** Between blades of a grid. */
  gapX: 0.8,
  gapY: 0.45,
  /** Inside a host box, around what it holds. */
  padding: 0.7,
  /** Room above a host's contents for its title. */
  titleSpace: 0.9,
  /** One column holds up to this many blades; more make a grid about twice as tall as wide. */
  maxSingleColumn: 8,
  busRadius: 1.1,
  /** From the bus's edge to each host box. */
  busToHost: 5.2,
  /** The NAS box at its narrowest, and at its shortest. */
  nasWidth: 5,
  nasMinHeight: 6.4,
  /** The gateway and stock service boxes on the NAS. */
  serviceHeight: 1.6,
  serviceDepth: 0.3,
  hostDepth: 0.5,
  /** Host boxes sit behind what they hold, so no two faces share a depth (no z-fighting). */
  hostZ: -0.6,
  /** Depth of the lane behind the blades that pipes to inner columns run along. */
  backLaneZ: -0.25,
  /** How far a pipe starts inside the NAS box's right edge. */
  pipeStartInset: 0.1,
  /** How far a pipe ends inside its blade's edge. */
  pipeEndInset: 0.15,
  /** How far outside its host box a pipe turns towards its blade. */
  approachGap: 0.6,
  /** The render queues' pipes leave the gateway this far apart at most… */
  queueSpreadMax: 0.22,
  /** …and together span at most this share of the gateway's height. */
  queueSpreadShare: 0.7,
  /** The `http-pull` pipe passes this far below the bus at least. */
  underBusClearance: 1.6,
  /** Where along a first-column pipe the break and badge sit, by link type. */
  markerAt: { 'redis-queue': 0.78, 'http-pull': 0.62 },
  /** An inner column's pipe is cut this far before it reaches the Windows node. */
  innerCutBack: 0.9,
  /** A crowded grid's badge chip: in from the blade's right edge, and in front of it. */
  badgeInset: 0.35,
  badgeZ: 0.35,
  /**
   * The pipes' bends: x from the NAS edge or the bus's edge; a y scale pulls a bend towards the
   * bus's height; z brings it in front of the blades.
   */
  queueBends: { afterNasX: 1.8, afterNasYScale: 0.55, afterBusX: 2, afterBusYScale: 0.45 },
  pullBends: {
    afterNasX: 2,
    afterNasYScale: 0.9,
    afterNasZ: 0.3,
    underBusZ: 0.4,
    afterBusX: 2.4,
    afterBusZ: 0.2,
  },
  /** A NAS-hosted blade's pipe comes from in front and curls into its right edge. */
  nasTail: { approachZ: 0.6, curlX: 0.4, curlZ: 0.4 },
  /** Between two hosts stacked right of the bus. */
  hostGapY: 1.2,
  /** The camera's bounds reach at least this far below and above the bus's edge. */
  boundsBelowBus: 2.2,
  boundsAboveBus: 1.5,
} as const;

/**
 * The host the render queues' pipes leave from (their link's `from`, `nas`): drawn left of the
 * bus with its gateway and stock service; every other host goes right of the bus.
 */
export const SOURCE_HOST = WORKER_KIND_TABLE.render.link?.from ?? 'nas';

/** Where the first tail point of a pipe (its approach to the Windows node) is in its points. */
const APPROACH_POINT = 4;

/**
 * The fraction of a path through `points` (by its polyline length) that lies `back` units before
 * `points[index]`: where to cut a pipe just before it reaches the Windows node.
 */
function fractionBefore(points: readonly Vec3[], index: number, back: number): number {
  const lengths = points.slice(1).map((point, i) => {
    const previous = points[i] ?? point;
    return Math.hypot(point[0] - previous[0], point[1] - previous[1], point[2] - previous[2]);
  });
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const upTo = lengths.slice(0, index).reduce((sum, length) => sum + length, 0);
  // Never at the very ends, where the break would hide inside a box.
  return Math.min(0.95, Math.max(0.05, (upTo - back) / total));
}

/** Rows and columns for `count` blades: one column up to eight, then roughly twice as tall as wide. */
export function gridShape(count: number): { rows: number; cols: number } {
  if (count <= 0) return { rows: 0, cols: 0 };
  const rows = count <= LAYOUT.maxSingleColumn ? count : Math.ceil(Math.sqrt(count * 2));
  return { rows, cols: Math.ceil(count / rows) };
}

function gridSize(count: number): { width: number; height: number } {
  const { rows, cols } = gridShape(count);
  return {
    width: cols * LAYOUT.slotWidth + Math.max(0, cols - 1) * LAYOUT.gapX,
    height: rows * LAYOUT.slotHeight + Math.max(0, rows - 1) * LAYOUT.gapY,
  };
}

/** Blade centres of a grid whose top-left corner is (left, top), filled column by column. */
function gridCenters(count: number, left: number, top: number): Vec3[] {
  const { rows } = gridShape(count);
  return Array.from({ length: count }, (_, index) => {
    const col = Math.floor(index / rows);
    const row = index % rows;
    return [
      left + col * (LAYOUT.slotWidth + LAYOUT.gapX) + LAYOUT.slotWidth / 2,
      top - row * (LAYOUT.slotHeight + LAYOUT.gapY) - LAYOUT.slotHeight / 2,
      0,
    ] as const;
  });
}

/** The blades of `workers` in a grid whose top-left corner is (left, top). */
function placeSlots(
  workers: readonly LayoutWorker[],
  host: string,
  left: number,
  top: number,
): WorkerSlot[] {
  return gridCenters(workers.length, left, top).flatMap((center, index) => {
    const worker = workers[index];
    return worker
      ? [{ name: worker.name, host, center, width: LAYOUT.slotWidth, height: LAYOUT.slotHeight }]
      : [];
  });
}

/** The top-right corner of a blade (over its kind tag, not its name), just in front of it. */
function badgeCorner(slot: WorkerSlot): Vec3 {
  return [
    slot.center[0] + slot.width / 2 - LAYOUT.badgeInset,
    slot.center[1] + slot.height / 2,
    LAYOUT.badgeZ,
  ];
}

interface RightNode {
  name: string;
  box: LayoutBox;
  /** The top of its blade grid. */
  gridTop: number;
}

/** The left edge of every host right of the bus, where pipes arrive. */
const RIGHT_LEFT = LAYOUT.busRadius + LAYOUT.busToHost;

/**
 * The hosts right of the bus, each sized to hold its blades, stacked top to bottom and centred
 * as one column on the bus's height (one host sits where the Windows node always did).
 */
function rightNodes(hosts: readonly { name: string; count: number }[]): RightNode[] {
  const sizes = hosts.map(({ count }) => {
    const grid = gridSize(count);
    return {
      width: Math.max(grid.width, LAYOUT.slotWidth) + 2 * LAYOUT.padding,
      height: Math.max(grid.height, LAYOUT.slotHeight) + 2 * LAYOUT.padding + LAYOUT.titleSpace,
    };
  });
  const total =
    sizes.reduce((sum, size) => sum + size.height, 0) +
    Math.max(0, sizes.length - 1) * LAYOUT.hostGapY;
  let above = 0;
  return hosts.map(({ name }, index) => {
    const { width, height } = sizes[index] ?? { width: 0, height: 0 };
    // Offsets from the column's middle, so that one host's centre is exactly the old one.
    const centerY = LAYOUT.titleSpace / 2 + (total / 2 - above - height / 2);
    above += height + LAYOUT.hostGapY;
    return {
      name,
      box: {
        center: [RIGHT_LEFT + width / 2, centerY, LAYOUT.hostZ],
        size: [width, height, LAYOUT.hostDepth],
      },
      gridTop: centerY + height / 2 - LAYOUT.titleSpace - LAYOUT.padding,
    };
  });
}

interface NasNode {
  box: LayoutBox;
  gateway: LayoutBox;
  stock: LayoutBox;
  /** The box's right edge, where pipes leave. */
  right: number;
  /** The top-left corner of the grid of workers placed on the NAS, under its two services. */
  gridLeft: number;
  gridTop: number;
}

/** The NAS, left of the bus: its two services, then room for `count` workers placed on it. */
function nasNode(count: number): NasNode {
  const grid = gridSize(count);
  const inner = Math.max(LAYOUT.nasWidth - 2 * LAYOUT.padding, grid.width);
  const width = inner + 2 * LAYOUT.padding;
  const servicesHeight = 2 * LAYOUT.serviceHeight + LAYOUT.gapY * 2;
  const content = servicesHeight + (count ? LAYOUT.gapY * 2 + grid.height : 0);
  const height = Math.max(content + 2 * LAYOUT.padding + LAYOUT.titleSpace, LAYOUT.nasMinHeight);
  const right = -(LAYOUT.busRadius + LAYOUT.busToHost);
  const centerX = right - width / 2;
  const top = height / 2 + LAYOUT.titleSpace / 2;
  const serviceTop = top - LAYOUT.titleSpace - LAYOUT.padding;
  const service = (centerY: number): LayoutBox => ({
    center: [centerX, centerY, 0],
    size: [inner, LAYOUT.serviceHeight, LAYOUT.serviceDepth],
  });
  return {
    box: {
      center: [centerX, LAYOUT.titleSpace / 2, LAYOUT.hostZ],
      size: [width, height, LAYOUT.hostDepth],
    },
    gateway: service(serviceTop - LAYOUT.serviceHeight / 2),
    stock: service(serviceTop - LAYOUT.serviceHeight * 1.5 - LAYOUT.gapY * 2),
    right,
    gridLeft: centerX - grid.width / 2,
    gridTop: serviceTop - servicesHeight - LAYOUT.gapY * 2,
  };
}

/**
 * The last points of a pipe, from outside the blade's host box to its edge. Blades on a host
 * right of the bus take pipes on their left edge, inner columns via the back lane; blades on the
 * NAS on their right edge, from in front.
 */
function pipeTail(slot: WorkerSlot, nasRight: number): { tail: Vec3[]; firstColumn: boolean } {
  const [sx, sy] = slot.center;
  if (slot.host === SOURCE_HOST) {
    const endX = sx + LAYOUT.slotWidth / 2 - LAYOUT.pipeEndInset;
    const approachX = nasRight + LAYOUT.approachGap;
    return {
      tail: [
        [approachX, sy, LAYOUT.nasTail.approachZ],
        [endX + LAYOUT.nasTail.curlX, sy, LAYOUT.nasTail.curlZ],
        [endX, sy, 0],
      ],
      firstColumn: true,
    };
  }
  // A small tolerance: the first column's left edge is computed, not copied.
  const firstColumn = sx - LAYOUT.slotWidth / 2 < RIGHT_LEFT + LAYOUT.padding + 0.01;
  const endX = sx - LAYOUT.slotWidth / 2 + LAYOUT.pipeEndInset;
  const endZ = firstColumn ? 0 : LAYOUT.backLaneZ;
  const approach: Vec3 = [RIGHT_LEFT - LAYOUT.approachGap, sy, 0];
  return {
    tail: firstColumn
      ? [approach, [endX, sy, endZ]]
      : [approach, [RIGHT_LEFT + LAYOUT.padding / 2, sy, LAYOUT.backLaneZ], [endX, sy, endZ]],
    firstColumn,
  };
}

/**
 * A render queue's pipe: out of the NAS gateway (the queues fanned out along its edge), into the
 * bus's centre, out towards the worker's row.
 */
function queuePipePoints(
  nas: NasNode,
  busCenter: Vec3,
  queueIndex: number,
  queueCount: number,
  workerY: number,
): Vec3[] {
  const spread = Math.min(
    LAYOUT.queueSpreadMax,
    (LAYOUT.serviceHeight * LAYOUT.queueSpreadShare) / Math.max(1, queueCount),
  );
  const bends = LAYOUT.queueBends;
  const startY = nas.gateway.center[1] + (queueIndex - (queueCount - 1) / 2) * spread;
  return [
    [nas.right - LAYOUT.pipeStartInset, startY, 0],
    [nas.right + bends.afterNasX, startY * bends.afterNasYScale, 0],
    busCenter,
    [LAYOUT.busRadius + bends.afterBusX, workerY * bends.afterBusYScale, 0],
  ];
}

/** The `http-pull` pipe: from the NAS stock service straight to the worker, under the bus. */
function pullPipePoints(nas: NasNode, workerY: number): Vec3[] {
  const bends = LAYOUT.pullBends;
  const stockY = nas.stock.center[1];
  const under = Math.min(stockY, -(LAYOUT.busRadius + LAYOUT.underBusClearance));
  return [
    [nas.right - LAYOUT.pipeStartInset, stockY, 0],
    [nas.right + bends.afterNasX, under * bends.afterNasYScale, bends.afterNasZ],
    [0, under, bends.underBusZ],
    [LAYOUT.busRadius + bends.afterBusX, (under + workerY) / 2, bends.afterBusZ],
  ];
}

/** What the camera must frame: every host box, and the bus with the pipes around it. */
function sceneBounds(boxes: readonly LayoutBox[]): SceneLayout['bounds'] {
  return {
    minX: Math.min(...boxes.map((box) => box.center[0] - box.size[0] / 2)),
    maxX: Math.max(...boxes.map((box) => box.center[0] + box.size[0] / 2)),
    minY: Math.min(
      ...boxes.map((box) => box.center[1] - box.size[1] / 2),
      -(LAYOUT.busRadius + LAYOUT.boundsBelowBus),
    ),
    maxY: Math.max(
      ...boxes.map((box) => box.center[1] + box.size[1] / 2),
      LAYOUT.busRadius + LAYOUT.boundsAboveBus,
    ),
  };
}

/**
 * The hosts right of the bus, in order: `hostOrder` (the fleet's), then any other a worker
 * names; the source host (left) is not among them.
 */
function rightHostNames(workers: readonly LayoutWorker[], hostOrder: readonly string[]): string[] {
  const names = [...new Set([...hostOrder, ...workers.map((worker) => worker.host)])];
  return names.filter((name) => name !== SOURCE_HOST);
}

/**
 * Places the NAS (left), the Redis bus (centre) and every other host (right, stacked in
 * `hostOrder`) with its workers, and routes every pipe: render queues NAS gateway → bus →
 * worker, `http-pull` from the NAS stock service straight to the worker, under the bus.
 */
export function computeLayout(
  workers: readonly LayoutWorker[],
  hostOrder: readonly string[] = [],
): SceneLayout {
  const onNas = workers.filter((worker) => worker.host === SOURCE_HOST);
  const byHost = rightHostNames(workers, hostOrder).map((name) => ({
    name,
    workers: workers.filter((worker) => worker.host === name),
  }));
  const bus = { center: [0, 0, 0] as Vec3, radius: LAYOUT.busRadius };
  const right = rightNodes(byHost.map(({ name, workers }) => ({ name, count: workers.length })));
  const nas = nasNode(onNas.length);
  const slots = [
    ...byHost.flatMap(({ name, workers }, index) =>
      placeSlots(workers, name, RIGHT_LEFT + LAYOUT.padding, right[index]?.gridTop ?? 0),
    ),
    ...placeSlots(onNas, SOURCE_HOST, nas.gridLeft, nas.gridTop),
  ];

  const queued = workers.filter((worker) => worker.linkType === 'redis-queue');
  const queueIndex = new Map(queued.map((worker, index) => [worker.name, index]));
  const crowded =
    byHost.some(({ workers }) => gridShape(workers.length).cols > 1) ||
    gridShape(onNas.length).cols > 1;
  const pipes: PipeLayout[] = [];
  const slotOf = new Map(slots.map((slot) => [slot.name, slot]));
  for (const worker of workers) {
    const slot = slotOf.get(worker.name);
    if (!slot || worker.linkType === null) continue;
    const { tail, firstColumn } = pipeTail(slot, nas.right);
    const head =
      worker.linkType === 'redis-queue'
        ? queuePipePoints(
            nas,
            bus.center,
            queueIndex.get(worker.name) ?? 0,
            queued.length,
            slot.center[1],
          )
        : pullPipePoints(nas, slot.center[1]);
    const points = [...head, ...tail];
    pipes.push({
      worker: worker.name,
      type: worker.linkType,
      points,
      // An inner column's pipe is cut before it disappears behind the first column.
      markerAt: firstColumn
        ? LAYOUT.markerAt[worker.linkType]
        : fractionBefore(points, APPROACH_POINT, LAYOUT.innerCutBack),
      badgeAt: crowded ? badgeCorner(slot) : null,
      bidirectional: worker.linkType === 'http-pull',
    });
  }

  return {
    nas: nas.box,
    gateway: nas.gateway,
    stock: nas.stock,
    bus,
    hosts: right.map(({ name, box }) => ({ name, box })),
    slots,
    pipes,
    bounds: sceneBounds([nas.box, ...right.map(({ box }) => box)]),
  };
}
