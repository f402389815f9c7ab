import {
  LINK_STATUS_COLORS,
  type Link,
  type LinkStatus,
  stateLabel,
  stateSpec,
  type WorkerStatus,
} from '@fleet/core/contracts/data';

/** A link status as drawn: the four of docs/spec.md §3, plus `unknown` when there is no live reading. */
export type DrawnStatus = LinkStatus | 'unknown';

/** docs/spec.md §7 link colours. */
export const STATUS_COLORS: Readonly<Record<DrawnStatus, string>> = LINK_STATUS_COLORS;

/** How a pipe looks, so that every status is told apart without colour too. */
export type PipePattern = 'solid' | 'dashed' | 'broken';

export interface StatusVisual {
  color: string;
  /** Shown next to the status text, on badges and in the cards. */
  icon: string;
  /** Short English word for screen readers and the legend. */
  text: string;
  pattern: PipePattern;
}

export const STATUS_VISUALS: Readonly<Record<DrawnStatus, StatusVisual>> = {
  healthy: { color: STATUS_COLORS.healthy, icon: '●', text: 'healthy', pattern: 'solid' },
  paused: { color: STATUS_COLORS.paused, icon: '⏸', text: 'paused', pattern: 'dashed' },
  degraded: { color: STATUS_COLORS.degraded, icon: '❌', text: 'degraded', pattern: 'solid' },
  down: { color: STATUS_COLORS.down, icon: '⚠', text: 'down', pattern: 'broken' },
  unknown: { color: STATUS_COLORS.unknown, icon: '?', text: 'unknown', pattern: 'dashed' },
};

/** docs/spec.md §7 worker state labels, in Korean: the panel's half of `WORKER_KIND_TABLE`'s labels. */
export function workerStateLabel(
  worker: Pick<WorkerStatus, 'alive' | 'kind' | 'state'> &
    Partial<Pick<WorkerStatus, 'heartbeat_stale' | 'maintenance' | 'mode'>>,
): string {
  // Under maintenance a dead or odd worker is expected: say so rather than alarm.
  if (worker.maintenance) return MAINTENANCE_LABEL;
  // A stale heartbeat's state is only what the worker said before it stopped beating.
  if (worker.alive && worker.heartbeat_stale) return STALE_LABEL;
  if (worker.alive && worker.kind === 'watcher') return watcherLabel(worker.mode ?? worker.state);
  return stateLabel(worker, 'ko');
}

/**
 * The task-watcher's label by its heartbeat `mode` (else its state). `WORKER_KIND_TABLE` gives
 * both watcher states `🟢 대기`, which hid that render work is paused for trading (issue #14);
 * the bot's `/status` keeps the table's label.
 */
export const WATCHER_MODE_LABELS: Readonly<Record<string, string>> = {
  trading: '💹 트레이딩 모드',
  free: '🟢 대기 · free',
};

/** A mode is the worker's own free text: shown, but never longer than this. */
const MODE_MAX_CHARS = 32;

function watcherLabel(mode: string | null): string {
  if (mode === null) return stateLabel({ alive: true, kind: 'watcher', state: null }, 'ko');
  if (Object.hasOwn(WATCHER_MODE_LABELS, mode)) return WATCHER_MODE_LABELS[mode] as string;
  const shown = mode.length > MODE_MAX_CHARS ? `${mode.slice(0, MODE_MAX_CHARS)}…` : mode;
  return `🟢 대기 · ${shown}`;
}

/** The label of a worker under a maintenance window (`maintenance` in the document). */
export const MAINTENANCE_LABEL = '🛠 점검 중 / maintenance';

/**
 * A worker whose alerts are silenced (`silenced_until`: `/silence`, the 🔕 button): not a fault,
 * so a cue beside its state rather than a state of its own.
 */
export const SILENCED_CUE = {
  icon: '🔕',
  text: '무음',
  title: 'silenced: its alerts are muted (/silence)',
} as const;

/**
 * "🔕 무음 (until 14:05)" for a worker silenced until `until` (ISO UTC), shown in the viewer's
 * time zone unless one is given; null when it is not silenced.
 */
export function silencedLabel(until: string | null, timeZone?: string): string | null {
  if (until === null) return null;
  const hhmm = new Date(until).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...(timeZone ? { timeZone } : {}),
  });
  return `${SILENCED_CUE.icon} ${SILENCED_CUE.text} (until ${hhmm})`;
}

/** The label of a worker whose heartbeat key exists but whose `ts` stopped moving. */
export const STALE_LABEL = '⏳ 하트비트 멈춤';

/**
 * How a working (busy) worker reads apart from an idle one without colour: this icon and word in
 * the HUDs and cards, and in 3D a light bar sweeping along the foot of its blade.
 */
export const BUSY_CUE = { icon: '⚙', text: 'busy' } as const;

/** Whether a worker is working a job now: alive, beating, in a `working` state of its kind. */
export function isBusy(
  worker: Pick<WorkerStatus, 'alive' | 'kind' | 'state'> &
    Partial<Pick<WorkerStatus, 'heartbeat_stale'>>,
): boolean {
  if (!worker.alive || worker.heartbeat_stale) return false;
  return stateSpec(worker.kind, worker.state)?.activity === 'working';
}

/** The badge of a worker whose job has not moved for its stuck time. */
export const STUCK_BADGE = '⏱ 작업 멈춤';

/**
 * Particle speed along a pipe, in pipe lengths per second. Down and unknown pipes carry no
 * traffic; paused ones crawl; a working (busy) worker's pipe runs fast.
 */
export function flowSpeed(
  status: DrawnStatus,
  worker: Pick<WorkerStatus, 'kind' | 'state'>,
): number {
  const working = stateSpec(worker.kind, worker.state)?.activity === 'working';
  switch (status) {
    case 'healthy':
      return working ? 0.42 : 0.12;
    case 'degraded':
      return working ? 0.3 : 0.09;
    case 'paused':
      return 0.012;
    case 'down':
    case 'unknown':
      return 0;
  }
}

/** Down and unknown pipes show no particles at all; the others show them moving or crawling. */
export function showsParticles(status: DrawnStatus): boolean {
  return status !== 'down' && status !== 'unknown';
}

/** The link whose far end is this worker (the additive `worker` field, else by name). */
export function linkOfWorker(links: readonly Link[], worker: string): Link | undefined {
  return links.find((link) => {
    // `worker` is additive: a producer that only knows the LOCKED fields may leave it out.
    const owner = (link as Partial<Link>).worker;
    return owner === undefined ? link.to === worker || link.from === worker : owner === worker;
  });
}

/**
 * The status a worker is drawn with: its link's, or for a worker without a pipe, healthy while
 * alive. Everything is unknown while Redis cannot be read, since the figures are old; so is a
 * stale heartbeat (the key exists but its `ts` stopped moving): never drawn healthy.
 */
export function drawnStatus(
  worker: Pick<WorkerStatus, 'alive'> & Partial<Pick<WorkerStatus, 'heartbeat_stale'>>,
  link: Pick<Link, 'status'> | undefined,
  redisOk: boolean,
): DrawnStatus {
  if (!redisOk) return 'unknown';
  if (worker.alive && worker.heartbeat_stale) return 'unknown';
  if (link) return link.status;
  return worker.alive ? 'healthy' : 'down';
}

/** `data-status` of a 2D card: the link status, or the worker's own state when it has no pipe. */
export function cardStatus(
  worker: Pick<WorkerStatus, 'alive' | 'state'> & Partial<Pick<WorkerStatus, 'heartbeat_stale'>>,
  link: Pick<Link, 'status'> | undefined,
): string {
  if (worker.alive && worker.heartbeat_stale) return 'stale';
  if (link) return link.status;
  if (!worker.alive) return 'down';
  return worker.state ?? 'unknown';
}

/** "last beat 74s ago", in whole seconds or minutes; null age means no beat was ever seen. */
export function lastBeatText(ageS: number | null): string {
  if (ageS === null) return 'no heartbeat seen';
  if (ageS < 120) return `last beat ${ageS}s ago`;
  if (ageS < 7200) return `last beat ${Math.floor(ageS / 60)}m ago`;
  return `last beat ${Math.floor(ageS / 3600)}h ago`;
}
