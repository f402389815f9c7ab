import { type LinkType, WORKER_KIND_TABLE } from '@fleet/core/contracts/data';

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
  /** A group's pipe (`worker` is the group's id): the workers it carries. */
  members?: readonly string[];
}

/** A host right of the bus: its box holds its workers' blades. */
export interface HostNode {
  name: string;
  box: LayoutBox;
}

/**
 * Calm workers of one host and link type drawn as ONE node (a blade-sized cell of its host's
 * grid) with counts, once the fleet is too big to draw every worker.
 */
export interface GroupSlot {
  /** `group:<host>:<link type>`, also its pipe's `worker`. */
  id: string;
  host: string;
  linkType: LinkType | null;
  members: string[];
  center: Vec3;
  width: number;
  height: number;
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
  /** Every worker drawn on its own: all of them, unless the fleet is big enough to group. */
  slots: WorkerSlot[];
  /** The calm workers of a big fleet, grouped per host and link type. */
  groups: GroupSlot[];
  pipes: PipeLayout[];
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
}

export interface LayoutWorker {
  name: string;
  host: string;
  /** The worker's pipe, if it has one. */
  linkType: LinkType | null;
  /**
   * Nothing wrong with it (alive, no dead letters, not paused on its own, not stuck, not in
   * maintenance): in a fleet of more than `LAYOUT.groupAbove` it joins its host's group.
   */
  calm?: boolean;
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
  /**
   * Beyond this many workers the scene groups calm ones (issue #14: the 3D view stays legible
   * to 500): every problem worker keeps its own blade, HUD and pipe.
   */
  groupAbove: 50,
  /** Fewer calm workers than this on a host and link type are drawn on their own. */
  groupMin: 2,
  /** A grouped host's grid is at most this many rows tall, so that stacked hosts stay short. */
  groupedRows: 3,
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

/**
 * Rows and columns for `count` blades: one column up to eight, then roughly twice as tall as
 * wide; a `grouped` host's few cells go at most `LAYOUT.groupedRows` tall instead.
 */
export function gridShape(count: number, grouped = false): { rows: number; cols: number } {
  if (count <= 0) return { rows: 0, cols: 0 };
  const rows = grouped
    ? Math.min(count, LAYOUT.groupedRows)
    : count <= LAYOUT.maxSingleColumn
      ? count
      : Math.ceil(Math.sqrt(count * 2));
  return { rows, cols: Math.ceil(count / rows) };
}

function gridSize(count: number, grouped: boolean): { width: number; height: number } {
  const { rows, cols } = gridShape(count, grouped);
  return {
    width: cols * LAYOUT.slotWidth + Math.max(0, cols - 1) * LAYOUT.gapX,
    height: rows * LAYOUT.slotHeight + Math.max(0, rows - 1) * LAYOUT.gapY,
  };
}

/** Blade centres of a grid whose top-left corner is (left, top), filled column by column. */
function gridCenters(count: number, grouped: boolean, left: number, top: number): Vec3[] {
  const { rows } = gridShape(count, grouped);
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

/** What one host draws: its groups (none in a small fleet), then its other workers. */
interface HostCells {
  name: string;
  groups: Omit<GroupSlot, 'center' | 'width' | 'height'>[];
  workers: LayoutWorker[];
}

function cellCount(cells: HostCells): number {
  return cells.groups.length + cells.workers.length;
}

/** Whether a host's grid is a grouped one (and so kept short). */
function isGrouped(cells: HostCells): boolean {
  return cells.groups.length > 0;
}

/**
 * `workers` of one host as cells: when `grouping`, its calm workers per link type become a
 * group (if at least `LAYOUT.groupMin` of them), first; everyone else is drawn on their own.
 */
function hostCells(name: string, workers: readonly LayoutWorker[], grouping: boolean): HostCells {
  const calm = new Map<LinkType | null, string[]>();
  if (grouping)
    for (const worker of workers)
      if (worker.calm)
        calm.set(worker.linkType, [...(calm.get(worker.linkType) ?? []), worker.name]);
  const groups = [...calm.entries()]
    .filter(([, members]) => members.length >= LAYOUT.groupMin)
    .map(([linkType, members]) => ({
      id: `group:${name}:${linkType ?? 'none'}`,
      host: name,
      linkType,
      members,
    }));
  const grouped = new Set(groups.flatMap((group) => group.members));
  return { name, groups, workers: workers.filter((worker) => !grouped.has(worker.name)) };
}

/** The groups and blades of one host in a grid whose top-left corner is (left, top). */
function placeCells(
  cells: HostCells,
  left: number,
  top: number,
): { groups: GroupSlot[]; slots: WorkerSlot[] } {
  const centers = gridCenters(cellCount(cells), isGrouped(cells), left, top);
  const size = { width: LAYOUT.slotWidth, height: LAYOUT.slotHeight };
  return {
    groups: cells.groups.flatMap((group, index) => {
      const center = centers[index];
      return center ? [{ ...group, center, ...size }] : [];
    }),
    slots: cells.workers.flatMap((worker, index) => {
      const center = centers[cells.groups.length + index];
      return center ? [{ name: worker.name, host: cells.name, center, ...size }] : [];
    }),
  };
}

/** The top-right corner of a blade (over its kind tag, not its name), just in front of it. */
function badgeCorner(slot: Pick<WorkerSlot, 'center' | 'width' | 'height'>): Vec3 {
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
function rightNodes(hosts: readonly HostCells[]): RightNode[] {
  const sizes = hosts.map((cells) => {
    const grid = gridSize(cellCount(cells), isGrouped(cells));
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

/** The NAS, left of the bus: its two services, then room for the cells placed on it. */
function nasNode(cells: HostCells): NasNode {
  const count = cellCount(cells);
  const grid = gridSize(count, isGrouped(cells));
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
function pipeTail(
  slot: Pick<WorkerSlot, 'host' | 'center'>,
  nasRight: number,
): { tail: Vec3[]; firstColumn: boolean } {
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

/** Whatever a pipe ends at: one worker's blade, or a group's node. */
interface PipeOwner {
  name: string;
  type: LinkType;
  cell: Pick<WorkerSlot, 'host' | 'center' | 'width' | 'height'>;
  members?: readonly string[];
}

/**
 * Places the NAS (left), the Redis bus (centre) and every other host (right, stacked in
 * `hostOrder`) with its workers, and routes every pipe: render queues NAS gateway → bus →
 * worker, `http-pull` from the NAS stock service straight to the worker, under the bus. In a
 * fleet of more than `LAYOUT.groupAbove`, each host's calm workers are one group node per link
 * type, with one pipe; every other worker keeps its own blade and pipe.
 */
export function computeLayout(
  workers: readonly LayoutWorker[],
  hostOrder: readonly string[] = [],
): SceneLayout {
  const grouping = workers.length > LAYOUT.groupAbove;
  const cellsOf = (name: string) =>
    hostCells(
      name,
      workers.filter((worker) => worker.host === name),
      grouping,
    );
  const onNas = cellsOf(SOURCE_HOST);
  const byHost = rightHostNames(workers, hostOrder).map(cellsOf);
  const bus = { center: [0, 0, 0] as Vec3, radius: LAYOUT.busRadius };
  const right = rightNodes(byHost);
  const nas = nasNode(onNas);
  const placed = [
    ...byHost.map((cells, index) =>
      placeCells(cells, RIGHT_LEFT + LAYOUT.padding, right[index]?.gridTop ?? 0),
    ),
    placeCells(onNas, nas.gridLeft, nas.gridTop),
  ];
  const slots = placed.flatMap((host) => host.slots);
  const groups = placed.flatMap((host) => host.groups);

  // Pipe owners in the fleet's order, a group where its first member is: without groups,
  // exactly the workers that have a pipe.
  const groupOf = new Map(groups.flatMap((group) => group.members.map((m) => [m, group])));
  const slotOf = new Map(slots.map((slot) => [slot.name, slot]));
  const owners: PipeOwner[] = [];
  const seen = new Set<string>();
  for (const worker of workers) {
    if (worker.linkType === null) continue;
    const group = groupOf.get(worker.name);
    const slot = slotOf.get(worker.name);
    const owner: PipeOwner | null = group
      ? {
          name: group.id,
          type: worker.linkType,
          cell: group,
          members: group.members,
        }
      : slot
        ? { name: worker.name, type: worker.linkType, cell: slot }
        : null;
    if (!owner || seen.has(owner.name)) continue;
    seen.add(owner.name);
    owners.push(owner);
  }

  const queued = owners.filter((owner) => owner.type === 'redis-queue');
  const queueIndex = new Map(queued.map((owner, index) => [owner.name, index]));
  const crowded = [...byHost, onNas].some(
    (cells) => gridShape(cellCount(cells), isGrouped(cells)).cols > 1,
  );
  const pipes = owners.map(({ name, type, cell, members }): PipeLayout => {
    const { tail, firstColumn } = pipeTail(cell, nas.right);
    const head =
      type === 'redis-queue'
        ? queuePipePoints(nas, bus.center, queueIndex.get(name) ?? 0, queued.length, cell.center[1])
        : pullPipePoints(nas, cell.center[1]);
    const points = [...head, ...tail];
    return {
      worker: name,
      type,
      points,
      // An inner column's pipe is cut before it disappears behind the first column.
      markerAt: firstColumn
        ? LAYOUT.markerAt[type]
        : fractionBefore(points, APPROACH_POINT, LAYOUT.innerCutBack),
      badgeAt: crowded ? badgeCorner(cell) : null,
      bidirectional: type === 'http-pull',
      ...(members ? { members } : {}),
    };
  });

  return {
    nas: nas.box,
    gateway: nas.gateway,
    stock: nas.stock,
    bus,
    hosts: right.map(({ name, box }) => ({ name, box })),
    slots,
    groups,
    pipes,
    bounds: sceneBounds([nas.box, ...right.map(({ box }) => box)]),
  };
}
