import type { Host, LinkType } from '@fleet/core/contracts';

/** A point in scene units: x to the right, y up, z towards the viewer. */
export type Vec3 = readonly [number, number, number];

export interface LayoutBox {
  center: Vec3;
  size: Vec3;
}

/** A worker sub-node: a flat blade its HUD is drawn over. */
export interface WorkerSlot {
  name: string;
  host: Host;
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

export interface SceneLayout {
  nas: LayoutBox;
  /** The NAS gateway, where the render queues' pipes leave. */
  gateway: LayoutBox;
  /** The NAS stock service that `ai_trade` pulls from directly. */
  stock: LayoutBox;
  bus: { center: Vec3; radius: number };
  windows: LayoutBox;
  slots: WorkerSlot[];
  pipes: PipeLayout[];
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
}

export interface LayoutWorker {
  name: string;
  host: Host;
  /** The worker's pipe, if it has one. */
  linkType: LinkType | null;
}

export const SLOT_WIDTH = 4.4;
export const SLOT_HEIGHT = 1.5;
const GAP_X = 0.8;
const GAP_Y = 0.45;
const PADDING = 0.7;
/** Room above the grid for the host's title. */
const TITLE_SPACE = 0.9;
const BUS_RADIUS = 1.1;
const BUS_TO_HOST = 5.2;
const NAS_WIDTH = 5;
const SERVICE_HEIGHT = 1.6;
/** Host boxes sit behind what they hold, so no two faces share a depth (no z-fighting). */
const HOST_Z = -0.6;
/** Depth of the lane behind the blades that pipes to inner columns run along. */
const BACK_LANE_Z = -0.25;

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
  return Math.min(0.95, Math.max(0.05, (upTo - back) / total));
}

/** Rows and columns for `count` blades: one column up to eight, then roughly twice as tall as wide. */
export function gridShape(count: number): { rows: number; cols: number } {
  if (count <= 0) return { rows: 0, cols: 0 };
  const rows = count <= 8 ? count : Math.ceil(Math.sqrt(count * 2));
  return { rows, cols: Math.ceil(count / rows) };
}

function gridSize(count: number): { width: number; height: number } {
  const { rows, cols } = gridShape(count);
  return {
    width: cols * SLOT_WIDTH + Math.max(0, cols - 1) * GAP_X,
    height: rows * SLOT_HEIGHT + Math.max(0, rows - 1) * GAP_Y,
  };
}

/** Blade centres of a grid whose top-left corner is (left, top), filled column by column. */
function gridCenters(count: number, left: number, top: number): Vec3[] {
  const { rows } = gridShape(count);
  return Array.from({ length: count }, (_, index) => {
    const col = Math.floor(index / rows);
    const row = index % rows;
    return [
      left + col * (SLOT_WIDTH + GAP_X) + SLOT_WIDTH / 2,
      top - row * (SLOT_HEIGHT + GAP_Y) - SLOT_HEIGHT / 2,
      0,
    ] as const;
  });
}

/** The top-right corner of a blade (over its kind tag, not its name), just in front of it. */
function badgeCorner(slot: WorkerSlot): Vec3 {
  return [slot.center[0] + slot.width / 2 - 0.35, slot.center[1] + slot.height / 2, 0.35];
}

/**
 * Places the NAS (left), the Redis bus (centre) and the Windows node (right) with its workers,
 * and routes every pipe: render queues NAS gateway → bus → worker, `http-pull` from the NAS
 * stock service straight to the worker, under the bus.
 */
export function computeLayout(workers: readonly LayoutWorker[]): SceneLayout {
  const onNas = workers.filter((worker) => worker.host === 'nas');
  const onWindows = workers.filter((worker) => worker.host !== 'nas');

  const bus = { center: [0, 0, 0] as Vec3, radius: BUS_RADIUS };

  const winGrid = gridSize(onWindows.length);
  const winWidth = Math.max(winGrid.width, SLOT_WIDTH) + 2 * PADDING;
  const winHeight = Math.max(winGrid.height, SLOT_HEIGHT) + 2 * PADDING + TITLE_SPACE;
  const winLeft = BUS_RADIUS + BUS_TO_HOST;
  const windows: LayoutBox = {
    center: [winLeft + winWidth / 2, TITLE_SPACE / 2, HOST_Z],
    size: [winWidth, winHeight, 0.5],
  };
  const winTop = winHeight / 2 + TITLE_SPACE / 2 - TITLE_SPACE - PADDING;

  // The NAS holds its two services, then any workers placed on it.
  const nasGrid = gridSize(onNas.length);
  const nasInner = Math.max(NAS_WIDTH - 2 * PADDING, nasGrid.width);
  const nasWidth = nasInner + 2 * PADDING;
  const servicesHeight = 2 * SERVICE_HEIGHT + GAP_Y * 2;
  const nasContent = servicesHeight + (onNas.length ? GAP_Y * 2 + nasGrid.height : 0);
  const nasHeight = Math.max(nasContent + 2 * PADDING + TITLE_SPACE, 6.4);
  const nasRight = -(BUS_RADIUS + BUS_TO_HOST);
  const nasCenterX = nasRight - nasWidth / 2;
  const nasTop = nasHeight / 2 + TITLE_SPACE / 2;
  const nas: LayoutBox = {
    center: [nasCenterX, TITLE_SPACE / 2, HOST_Z],
    size: [nasWidth, nasHeight, 0.5],
  };
  const serviceTop = nasTop - TITLE_SPACE - PADDING;
  const gateway: LayoutBox = {
    center: [nasCenterX, serviceTop - SERVICE_HEIGHT / 2, 0],
    size: [nasInner, SERVICE_HEIGHT, 0.3],
  };
  const stock: LayoutBox = {
    center: [nasCenterX, serviceTop - SERVICE_HEIGHT * 1.5 - GAP_Y * 2, 0],
    size: [nasInner, SERVICE_HEIGHT, 0.3],
  };

  const slots: WorkerSlot[] = [];
  gridCenters(onWindows.length, winLeft + PADDING, winTop).forEach((center, index) => {
    const worker = onWindows[index];
    if (worker)
      slots.push({
        name: worker.name,
        host: 'windows',
        center,
        width: SLOT_WIDTH,
        height: SLOT_HEIGHT,
      });
  });
  const nasGridTop = serviceTop - servicesHeight - GAP_Y * 2;
  gridCenters(onNas.length, nasCenterX - nasGrid.width / 2, nasGridTop).forEach((center, index) => {
    const worker = onNas[index];
    if (worker)
      slots.push({
        name: worker.name,
        host: 'nas',
        center,
        width: SLOT_WIDTH,
        height: SLOT_HEIGHT,
      });
  });

  const queued = workers.filter((worker) => worker.linkType === 'redis-queue');
  const crowded = gridShape(onWindows.length).cols > 1 || gridShape(onNas.length).cols > 1;
  const pipes: PipeLayout[] = [];
  for (const worker of workers) {
    const slot = slots.find((candidate) => candidate.name === worker.name);
    if (!slot || worker.linkType === null) continue;
    const [sx, sy] = slot.center;
    // Blades on the Windows node take pipes on their left edge; inner columns via the back lane.
    const onWindowsNode = slot.host === 'windows';
    const firstColumn = !onWindowsNode || sx - SLOT_WIDTH / 2 < winLeft + PADDING + 0.01;
    const endX = onWindowsNode ? sx - SLOT_WIDTH / 2 + 0.15 : sx + SLOT_WIDTH / 2 - 0.15;
    const endZ = firstColumn ? 0 : BACK_LANE_Z;
    const approachX = onWindowsNode ? winLeft - 0.6 : nasRight + 0.6;
    const tail: Vec3[] = onWindowsNode
      ? firstColumn
        ? [
            [approachX, sy, 0],
            [endX, sy, endZ],
          ]
        : [
            [approachX, sy, 0],
            [winLeft + PADDING / 2, sy, BACK_LANE_Z],
            [endX, sy, endZ],
          ]
      : [
          [approachX, sy, 0.6],
          [endX + 0.4, sy, 0.4],
          [endX, sy, 0],
        ];

    if (worker.linkType === 'redis-queue') {
      const index = queued.findIndex((candidate) => candidate.name === worker.name);
      const spread = Math.min(0.22, (SERVICE_HEIGHT * 0.7) / Math.max(1, queued.length));
      const startY = gateway.center[1] + (index - (queued.length - 1) / 2) * spread;
      const start: Vec3 = [nasRight - 0.1, startY, 0];
      const points: Vec3[] = [
        start,
        [nasRight + 1.8, startY * 0.55, 0],
        bus.center,
        [BUS_RADIUS + 2, sy * 0.45, 0],
        ...tail,
      ];
      pipes.push({
        worker: worker.name,
        type: 'redis-queue',
        points,
        // An inner column's pipe is cut before it disappears behind the first column.
        markerAt: firstColumn ? 0.78 : fractionBefore(points, 4, 0.9),
        badgeAt: crowded ? badgeCorner(slot) : null,
        bidirectional: false,
      });
    } else {
      const start: Vec3 = [nasRight - 0.1, stock.center[1], 0];
      const under = Math.min(stock.center[1], -(BUS_RADIUS + 1.6));
      const points: Vec3[] = [
        start,
        [nasRight + 2, under * 0.9, 0.3],
        [0, under, 0.4],
        [BUS_RADIUS + 2.4, (under + sy) / 2, 0.2],
        ...tail,
      ];
      pipes.push({
        worker: worker.name,
        type: 'http-pull',
        points,
        markerAt: firstColumn ? 0.62 : fractionBefore(points, 4, 0.9),
        badgeAt: crowded ? badgeCorner(slot) : null,
        bidirectional: true,
      });
    }
  }

  const boxes = [nas, windows];
  const bounds = {
    minX: Math.min(...boxes.map((box) => box.center[0] - box.size[0] / 2)),
    maxX: Math.max(...boxes.map((box) => box.center[0] + box.size[0] / 2)),
    minY: Math.min(...boxes.map((box) => box.center[1] - box.size[1] / 2), -(BUS_RADIUS + 2.2)),
    maxY: Math.max(...boxes.map((box) => box.center[1] + box.size[1] / 2), BUS_RADIUS + 1.5),
  };
  return { nas, gateway, stock, bus, windows, slots, pipes, bounds };
}
