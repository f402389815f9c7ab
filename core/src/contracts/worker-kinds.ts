/** Languages of every label shown to people: Korean (the team's) first, English on request. */
export const LANGS = ['ko', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const LINK_TYPES = ['redis-queue', 'http-pull'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export const LINK_STATUSES = ['healthy', 'paused', 'down', 'degraded'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

/** Link colours of the panel and the dashboards (docs/spec.md §7); `unknown` is no live reading. */
export const LINK_STATUS_COLORS = {
  healthy: '#22c55e',
  paused: '#f59e0b',
  degraded: '#eab308',
  down: '#ef4444',
  unknown: '#64748b',
} as const satisfies Record<LinkStatus | 'unknown', string>;

/**
 * What a state means to the monitor beyond its name: `working` runs the panel's particles fast;
 * `paused` pauses the worker's `redis-queue` link and exempts its queue from the stuck-queue alert.
 */
export type StateActivity = 'waiting' | 'working' | 'paused';

export interface StateSpec {
  /** Shown in the panel (ko) and the bot's `/status` (ko or en). */
  label: Readonly<Record<Lang, string>>;
  /** Colour in the dashboards' state timeline. */
  color: string;
  activity: StateActivity;
}

/** Stands for the worker's own name in a default link's `from` or `to`. */
export const WORKER_NAME = '<name>';

export interface LinkPattern {
  from: string;
  to: string;
  type: LinkType;
}

/** Everything kind-specific; `S` is the kind's states, in display order. */
export interface KindSpec<S extends string> {
  states: { readonly [state in S]: StateSpec };
  /** The state a (simulated) worker starts in. */
  initial: NoInfer<S>;
  /** The pipe the panel draws when the fleet file names none; null draws none. */
  link: LinkPattern | null;
  /** Whether the worker has a pending-job list `queue:<name>` unless the fleet file says otherwise. */
  queue: boolean;
  /** Whether its heartbeat carries `mode` (why it is in its state), read as `paused_reason`. */
  mode: boolean;
  /** The simulator's states for it while the task-watcher pauses render work (`on`) and after. */
  tradingPause: { on: NoInfer<S>; off: NoInfer<S> } | null;
  /** The simulator's states for it while the market is open and closed. */
  market: { open: NoInfer<S>; closed: NoInfer<S> } | null;
}

/** Infers a kind's states from its `states` keys, so `initial` and friends are checked against them. */
function defineKind<const S extends string>(spec: KindSpec<S>): KindSpec<S> {
  return spec;
}

/**
 * The kinds of worker (docs/spec.md §1) and all that differs between them. Adding a kind is one
 * entry here; the compiler then asks for every label, colour and state it needs.
 */
export const WORKER_KIND_TABLE = {
  render: defineKind({
    states: {
      idle: { label: { ko: '🟢 대기', en: '🟢 idle' }, color: '#22c55e', activity: 'waiting' },
      busy: { label: { ko: '⚙️ 처리 중', en: '⚙️ busy' }, color: '#3b82f6', activity: 'working' },
      paused: {
        label: { ko: '⏸ 작업중(트레이딩)', en: '⏸ paused (trading)' },
        color: '#f59e0b',
        activity: 'paused',
      },
    },
    initial: 'idle',
    link: { from: 'nas', to: WORKER_NAME, type: 'redis-queue' },
    queue: true,
    mode: false,
    tradingPause: { on: 'paused', off: 'idle' },
    market: null,
  }),
  watcher: defineKind({
    states: {
      trading: { label: { ko: '🟢 대기', en: '🟢 idle' }, color: '#a855f7', activity: 'waiting' },
      free: { label: { ko: '🟢 대기', en: '🟢 idle' }, color: '#22c55e', activity: 'waiting' },
    },
    initial: 'free',
    link: null,
    queue: false,
    mode: true,
    tradingPause: { on: 'trading', off: 'free' },
    market: null,
  }),
  trader: defineKind({
    states: {
      market_open: {
        label: { ko: '📈 장중', en: '📈 market open' },
        color: '#3b82f6',
        activity: 'waiting',
      },
      market_closed: {
        label: { ko: '🌙 휴장', en: '🌙 market closed' },
        color: '#64748b',
        activity: 'waiting',
      },
    },
    initial: 'market_open',
    link: { from: WORKER_NAME, to: 'nas-stock', type: 'http-pull' },
    queue: false,
    mode: false,
    tradingPause: null,
    market: { open: 'market_open', closed: 'market_closed' },
  }),
};

export type WorkerKind = keyof typeof WORKER_KIND_TABLE;

/** The states a worker of kind `K` may report. */
export type StateOf<K extends WorkerKind> = K extends WorkerKind
  ? keyof (typeof WORKER_KIND_TABLE)[K]['states'] & string
  : never;

export type WorkerState = StateOf<WorkerKind>;

/** The kinds of worker, in table order (a tuple, as `z.enum` wants). */
export const WORKER_KINDS = Object.keys(WORKER_KIND_TABLE) as [WorkerKind, ...WorkerKind[]];

/** The states each kind reports in its heartbeat, in display order. */
export const STATES_BY_KIND: { readonly [K in WorkerKind]: readonly StateOf<K>[] } =
  // Object.keys and Object.fromEntries forget the key types the table spells out.
  Object.fromEntries(
    WORKER_KINDS.map((kind) => [kind, Object.keys(WORKER_KIND_TABLE[kind].states)]),
  ) as unknown as { readonly [K in WorkerKind]: readonly StateOf<K>[] };

/** A state's entry, or undefined for a state its kind does not have (or no state at all). */
export function stateSpec(kind: WorkerKind, state: string | null): StateSpec | undefined {
  if (state === null) return undefined;
  const states: Readonly<Record<string, StateSpec>> = WORKER_KIND_TABLE[kind].states;
  return Object.hasOwn(states, state) ? states[state] : undefined;
}

/** The label of a dead worker, whatever its kind. */
export const DOWN_LABEL: Readonly<Record<Lang, string>> = { ko: '🔴 다운', en: '🔴 down' };
/** The label of a live worker whose state is unknown. */
export const UNKNOWN_STATE_LABEL: Readonly<Record<Lang, string>> = { ko: '🟢 대기', en: '🟢 idle' };

/** A worker's state label (docs/spec.md §7): down when dead, else its state's, else idle. */
export function stateLabel(
  worker: { alive: boolean; kind: WorkerKind; state: string | null },
  lang: Lang,
): string {
  if (!worker.alive) return DOWN_LABEL[lang];
  return (stateSpec(worker.kind, worker.state)?.label ?? UNKNOWN_STATE_LABEL)[lang];
}

/** Whether the worker reports a state that pauses its queue (the render worker's `paused`). */
export function isPausedState(kind: WorkerKind, state: string | null): boolean {
  return stateSpec(kind, state)?.activity === 'paused';
}

/** The pipe a worker of `kind` gets when its fleet entry names none. */
export function defaultLinkOf(kind: WorkerKind, name: string): LinkPattern | null {
  const pattern = WORKER_KIND_TABLE[kind].link;
  if (!pattern) return null;
  const fill = (end: string) => (end === WORKER_NAME ? name : end);
  return { from: fill(pattern.from), to: fill(pattern.to), type: pattern.type };
}
