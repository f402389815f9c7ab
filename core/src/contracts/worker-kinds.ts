/** The kinds of worker in a fleet (SPEC §1). */
export const WORKER_KINDS = ['render', 'watcher', 'trader'] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];

/** The states each kind reports in its heartbeat (SPEC §1), in display order. */
export const STATES_BY_KIND = {
  render: ['idle', 'busy', 'paused'],
  watcher: ['trading', 'free'],
  trader: ['market_open', 'market_closed'],
} as const satisfies Record<WorkerKind, readonly string[]>;

export type WorkerState = (typeof STATES_BY_KIND)[WorkerKind][number];

/** The hosts the panel draws (SPEC §4): the NAS on the left, the Windows node on the right. */
export const HOSTS = ['nas', 'windows'] as const;
export type Host = (typeof HOSTS)[number];

export const LINK_TYPES = ['redis-queue', 'http-pull'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const LINK_STATUSES = ['healthy', 'paused', 'down', 'degraded'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];
