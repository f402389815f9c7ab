import {
  isPausedState,
  MAINTENANCE_ALL,
  type MaintenanceSource,
  maintenanceCovers,
  maintenanceSourceOf,
  type StatusDocument,
  type WorkerStatus,
} from '@fleet/core/contracts';
import type {
  AlertState,
  MaintenanceWatch,
  RedisAlertState,
  SilenceWatch,
  WorkerAlertState,
} from './alert-state.js';
import { isSilenced, SILENCE_ALL, type Silences } from './silences.js';

/** The thresholds of the alert rules, all in milliseconds. */
export interface CheckRules {
  /** Dead letters at or above this count are announced. */
  deadLetterThreshold: number;
  /**
   * After a dead-letter message, updates for that worker wait this long, unless the count passes
   * the next step (threshold × 10, × 100 …); 0 announces every change.
   */
  deadLetterWindowMs: number;
  /** How long a worker never seen alive may stay dead before it is announced. */
  bootGraceMs: number;
  /** Jobs waiting without progress for this long make a stuck queue; 0 turns it off. */
  stuckAfterMs: number;
  /** Remind of an outage this often; 0 turns reminders off. */
  repeatMs: number;
  /** A liveness change must hold this long before it is announced (anti-flapping). */
  holdForMs: number;
  /** Redis must stay unreadable this long before it is announced. */
  redisConfirmMs: number;
}

export type AlertEvent =
  | {
      type: 'worker_down';
      worker: string;
      /** Never seen alive since the monitor started watching it. */
      atBoot: boolean;
      downSince: number;
      /** When the monitor last saw the worker beat (its own clock); null if never. */
      lastBeatSeenAt: number | null;
    }
  | { type: 'worker_recovered'; worker: string; downForMs: number }
  | { type: 'worker_still_down'; worker: string; downForMs: number }
  | {
      /** A silence on this worker ended: what changed under it, in one line. */
      type: 'silence_over';
      worker: string;
      /** Down under the silence and still down: since when (never announced before). */
      downSince: number | null;
      /** Went down and came back under the silence: for how long. */
      recoveredAfterMs: number | null;
      /** The dead-letter count now, when it changed under the silence. */
      deadLetters: number | null;
      /** A maintenance window was what kept the alerts back. */
      maintenance: boolean;
    }
  | {
      type: 'maintenance_started';
      id: string;
      target: string;
      source: MaintenanceSource;
      /** The fleet's workers it covers. */
      workers: string[];
      until: number;
      reason: string | null;
    }
  | {
      /** A window ended; its workers' changes follow as `silence_over` lines. */
      type: 'maintenance_over';
      id: string;
      target: string;
      source: MaintenanceSource;
      /** The fleet's workers it covered. */
      workers: string[];
      /** How long it ran (to its planned end, or to the check that saw it ended early). */
      lastedMs: number;
      /** Nothing changed under it that the chat was not told. */
      quiet: boolean;
    }
  | { type: 'dead_letter'; worker: string; count: number; previous: number }
  | { type: 'queue_stuck'; worker: string; depth: number; stuckForMs: number }
  | { type: 'queue_moving'; worker: string; depth: number }
  | {
      /** The key is there (alive) but its `ts` stopped moving: the document flags it stale. */
      type: 'heartbeat_stale';
      worker: string;
      lastBeatSeenAt: number | null;
    }
  | { type: 'heartbeat_fresh'; worker: string }
  | {
      /** Busy without progress, or an in-flight item unchanged, for the worker's stuck time. */
      type: 'job_stuck';
      worker: string;
      stuckSince: number | null;
    }
  | { type: 'job_moving'; worker: string }
  | { type: 'redis_evicting'; policy: string | null }
  | { type: 'redis_evicting_over'; evictingForMs: number }
  | { type: 'redis_down'; error: string | null; downSince: number }
  | { type: 'redis_still_down'; error: string | null; downForMs: number }
  | { type: 'redis_restored'; downForMs: number };

export type AlertEventType = AlertEvent['type'];

// A record, so that the compiler refuses a type left out (or one that does not exist).
const EVENT_TYPES: Record<AlertEventType, true> = {
  worker_down: true,
  worker_recovered: true,
  worker_still_down: true,
  silence_over: true,
  maintenance_started: true,
  maintenance_over: true,
  dead_letter: true,
  queue_stuck: true,
  queue_moving: true,
  heartbeat_stale: true,
  heartbeat_fresh: true,
  job_stuck: true,
  job_moving: true,
  redis_evicting: true,
  redis_evicting_over: true,
  redis_down: true,
  redis_still_down: true,
  redis_restored: true,
};

/** Every event type, for counters that exist at 0 from the start. */
export const ALERT_EVENT_TYPES = Object.keys(EVENT_TYPES) as AlertEventType[];

export interface CheckOutcome {
  next: AlertState;
  /** Every event found, silenced or not (for metrics and the log). */
  events: AlertEvent[];
  /** The events to tell the chat: a silence keeps the others back. */
  announce: AlertEvent[];
  /** Redis is failing but not yet confirmed: check again soon rather than after the interval. */
  redisUnconfirmed: boolean;
}

/**
 * One check: the previous alert state and a fresh status document become the events to announce
 * and the state to remember. Pure: the clock, the active silences and the workers whose outage
 * someone acknowledged (no reminders for those) are arguments.
 */
export function evaluateCheck(
  previous: AlertState,
  document: StatusDocument,
  now: number,
  rules: CheckRules,
  silences: Silences = {},
  acknowledged: ReadonlySet<string> = new Set(),
): CheckOutcome {
  const events: AlertEvent[] = [];
  const announce: AlertEvent[] = [];
  const windows = document.maintenance_windows ?? [];
  const maintenance = evaluateMaintenance(previous.maintenance ?? {}, document, now, announce);
  const redis = evaluateEviction(
    previous.redis,
    evaluateRedis(previous.redis, document, now, rules, events),
    document,
    now,
    events,
  );
  settleRedisSilence(
    previous.redis,
    redis,
    events,
    isSilenced(SILENCE_ALL, silences, now) ||
      windows.some((window) => window.target === MAINTENANCE_ALL),
    announce,
  );
  // While Redis cannot be read the worker figures are stale: freeze them, so an outage of Redis
  // is one message and not one per worker.
  let workers = previous.workers;
  if (document.redis_ok) {
    const wasFailing = previous.redis.failingSince !== null;
    workers = {};
    for (const worker of document.workers) {
      if (!worker.in_fleet) continue;
      let entry = previous.workers[worker.name];
      if (!entry) {
        workers[worker.name] = firstSight(worker, document.paused, now, rules);
        continue;
      }
      // After an outage, and while Redis evicts keys, a vanished heartbeat is no dead worker yet:
      // the workers get the boot grace to beat again.
      if (wasFailing || redis.evictingSince !== null) {
        entry = { ...entry, graceUntil: now + rules.bootGraceMs };
      }
      const found: AlertEvent[] = [];
      const evaluated = evaluateWorker(
        entry,
        worker,
        document.paused,
        now,
        acknowledged.has(worker.name) ? { ...rules, repeatMs: 0 } : rules,
        found,
      );
      events.push(...found);
      workers[worker.name] = settleWorkerSilence(
        entry,
        evaluated,
        worker,
        found,
        isSilenced(worker.name, silences, now) || worker.maintenance !== null,
        worker.maintenance !== null,
        now,
        rules,
        announce,
      );
    }
  }
  markQuietEnds(announce, document);
  events.push(
    ...announce.filter(
      (event) =>
        event.type === 'silence_over' ||
        event.type === 'maintenance_started' ||
        event.type === 'maintenance_over',
    ),
  );
  return {
    next: {
      rev: previous.rev + 1,
      redis,
      workers,
      incidents: previous.incidents ?? {},
      maintenance,
    },
    events,
    announce,
    redisUnconfirmed: redis.status === 'up' && redis.failingSince !== null,
  };
}

/**
 * The windows that began and ended since the last check, compared by id: each start and each end
 * is told once (first in the message, before the changes under an ending window).
 */
function evaluateMaintenance(
  previous: Readonly<Record<string, MaintenanceWatch>>,
  document: StatusDocument,
  now: number,
  announce: AlertEvent[],
): Record<string, MaintenanceWatch> {
  const running: Record<string, MaintenanceWatch> = {};
  const covered = (target: string) =>
    document.workers
      .filter((worker) => worker.in_fleet && maintenanceCovers(target, worker))
      .map((worker) => worker.name);
  for (const window of document.maintenance_windows ?? []) {
    if (running[window.id]) continue;
    const watch = {
      target: window.target,
      startedAt: Date.parse(window.started_at),
      until: Date.parse(window.until),
    };
    running[window.id] = watch;
    if (!previous[window.id]) {
      announce.push({
        type: 'maintenance_started',
        id: window.id,
        target: window.target,
        source: window.source,
        workers: covered(window.target),
        until: watch.until,
        reason: window.reason,
      });
    }
  }
  for (const [id, watch] of Object.entries(previous)) {
    if (running[id]) continue;
    announce.push({
      type: 'maintenance_over',
      id,
      target: watch.target,
      source: maintenanceSourceOf(id),
      workers: covered(watch.target),
      lastedMs: Math.min(now, watch.until) - watch.startedAt,
      quiet: true,
    });
  }
  return running;
}

/** An ending window is quiet when no worker it covered has a `silence_over` line in this check. */
function markQuietEnds(announce: AlertEvent[], document: StatusDocument): void {
  const hosts = new Map(document.workers.map((worker) => [worker.name, worker.host]));
  const changed = announce.flatMap((event) =>
    event.type === 'silence_over' && event.maintenance
      ? [{ name: event.worker, host: hosts.get(event.worker) ?? '' }]
      : [],
  );
  for (const event of announce) {
    if (event.type !== 'maintenance_over') continue;
    event.quiet = !changed.some((worker) => maintenanceCovers(event.target, worker));
  }
}

function evaluateRedis(
  previous: RedisAlertState,
  document: StatusDocument,
  now: number,
  rules: CheckRules,
  events: AlertEvent[],
): RedisAlertState {
  if (document.redis_ok) {
    if (previous.status === 'down') {
      events.push({ type: 'redis_restored', downForMs: now - (previous.failingSince ?? now) });
    }
    return {
      status: 'up',
      failingSince: null,
      notifiedAt: null,
      lastError: null,
      evictingSince: previous.evictingSince ?? null,
      checkedAt: now,
    };
  }
  const failingSince = previous.failingSince ?? now;
  const error = document.redis_error;
  if (previous.status === 'up') {
    if (now - failingSince < rules.redisConfirmMs) {
      return { ...previous, failingSince, lastError: error, checkedAt: now };
    }
    events.push({ type: 'redis_down', error, downSince: failingSince });
    return {
      ...previous,
      status: 'down',
      failingSince,
      notifiedAt: now,
      lastError: error,
      checkedAt: now,
    };
  }
  if (reminderDue(previous.notifiedAt, now, rules)) {
    events.push({ type: 'redis_still_down', error, downForMs: now - failingSince });
    return { ...previous, notifiedAt: now, lastError: error, checkedAt: now };
  }
  return { ...previous, lastError: error, checkedAt: now };
}

/**
 * Redis evicting keys (maxmemory) is one problem, announced once and resolved once: the
 * heartbeats it evicts are not announced as dead workers meanwhile.
 */
function evaluateEviction(
  previous: RedisAlertState,
  next: RedisAlertState,
  document: StatusDocument,
  now: number,
  events: AlertEvent[],
): RedisAlertState {
  const since = previous.evictingSince ?? null;
  if (!document.redis_ok) return { ...next, evictingSince: since };
  if (document.redis_evicting && since === null) {
    events.push({ type: 'redis_evicting', policy: document.redis_maxmemory_policy });
    return { ...next, evictingSince: now };
  }
  if (!document.redis_evicting && since !== null) {
    events.push({ type: 'redis_evicting_over', evictingForMs: now - since });
    return { ...next, evictingSince: null };
  }
  return { ...next, evictingSince: since };
}

/**
 * Only `all` silences Redis. A silenced outage is not "notified" (no reminders follow it), and
 * the return of a Redis whose outage was announced is announced even under a silence.
 */
function settleRedisSilence(
  previous: RedisAlertState,
  next: RedisAlertState,
  events: readonly AlertEvent[],
  muted: boolean,
  announce: AlertEvent[],
): void {
  for (const event of events) {
    const announcedOutage = event.type === 'redis_restored' && previous.notifiedAt !== null;
    if (!muted || announcedOutage) announce.push(event);
    else if (event.type === 'redis_down') next.notifiedAt = null;
  }
}

/**
 * Decides which of a worker's events the chat hears. Under a silence nothing is said, except the
 * recovery of a worker whose "down" the chat was told; a "down" kept quiet is not notified, so no
 * reminder follows it. The first check after the silence says, in one line, what changed under
 * it, so the chat's picture is right again.
 */
function settleWorkerSilence(
  previous: WorkerAlertState,
  next: WorkerAlertState,
  worker: WorkerStatus,
  found: readonly AlertEvent[],
  muted: boolean,
  inMaintenance: boolean,
  now: number,
  rules: CheckRules,
  announce: AlertEvent[],
): WorkerAlertState {
  if (muted) {
    const kept = previous.silence ?? {
      since: now,
      deadLetters: previous.deadLetterReported,
      outageMs: null,
    };
    const silence: SilenceWatch = { ...kept, maintenance: kept.maintenance || inMaintenance };
    for (const event of found) {
      if (event.type === 'worker_recovered' && previous.downAnnounced) {
        announce.push(event);
        next.downAnnounced = false;
      } else if (event.type === 'worker_recovered') {
        silence.outageMs = event.downForMs;
      } else if (event.type === 'worker_down') {
        next.notifiedAt = null;
      }
    }
    return { ...next, silence: { ...silence } };
  }
  const watch = previous.silence;
  const rest: AlertEvent[] = [];
  let recoveredAfterMs = watch?.outageMs ?? null;
  for (const event of found) {
    // An outage the chat never heard of is told as part of the silence's summary.
    if (watch && event.type === 'worker_recovered' && !previous.downAnnounced) {
      recoveredAfterMs = event.downForMs;
    } else if (watch && event.type === 'dead_letter') {
      // Told by the summary.
    } else {
      rest.push(event);
    }
  }
  for (const event of rest) {
    if (event.type === 'worker_down') next.downAnnounced = true;
    if (event.type === 'worker_recovered') next.downAnnounced = false;
  }
  if (watch) {
    const downUnannounced = next.status === 'down' && !next.downAnnounced;
    const count = worker.dead_letter;
    const deadLetters =
      count !== watch.deadLetters && count >= rules.deadLetterThreshold ? count : null;
    const summary: AlertEvent = {
      type: 'silence_over',
      worker: worker.name,
      downSince: downUnannounced ? next.downSince : null,
      recoveredAfterMs: next.status === 'up' ? recoveredAfterMs : null,
      deadLetters,
      maintenance: watch.maintenance ?? false,
    };
    if (summary.downSince !== null || summary.recoveredAfterMs !== null || deadLetters !== null) {
      announce.push(summary);
    }
    if (downUnannounced) {
      next.downAnnounced = true;
      next.notifiedAt = now;
    }
    if (deadLetters !== null) {
      next.deadLetterReported = deadLetters;
      next.deadLetterNotifiedAt = now;
    }
  }
  announce.push(...rest);
  return { ...next, silence: null };
}

/** The first observation is a baseline, never an alert (no false alarm at boot). */
function firstSight(
  worker: WorkerStatus,
  paused: boolean,
  now: number,
  rules: CheckRules,
): WorkerAlertState {
  return {
    status: worker.alive ? 'up' : 'unknown',
    firstSeenAt: now,
    changingSince: null,
    downSince: worker.alive ? null : now,
    lastBeatAt: worker.last_beat_at,
    lastBeatSeenAt: seenAt(worker) ?? (worker.last_beat_at === null ? null : now),
    notifiedAt: null,
    downAnnounced: false,
    silence: null,
    graceUntil: null,
    deadLetterReported: worker.dead_letter,
    deadLetterNotifiedAt: null,
    // Already stale or stuck at first sight is a baseline too, but still worth one message.
    staleNotified: false,
    jobStuckNotified: false,
    stuck: evaluateStuck(null, worker, paused, now, rules, []),
    checkedAt: now,
  };
}

function evaluateWorker(
  previous: WorkerAlertState,
  worker: WorkerStatus,
  paused: boolean,
  now: number,
  rules: CheckRules,
  events: AlertEvent[],
): WorkerAlertState {
  // A `ts` the monitor has not seen before means the worker beat since the last check.
  const beat = worker.last_beat_at !== null && worker.last_beat_at !== previous.lastBeatAt;
  const next: WorkerAlertState = {
    ...evaluateLiveness(previous, worker, now, rules, events),
    lastBeatAt: worker.last_beat_at ?? previous.lastBeatAt,
    lastBeatSeenAt: seenAt(worker) ?? (beat ? now : previous.lastBeatSeenAt),
    checkedAt: now,
  };
  next.staleNotified = evaluateFlag(
    previous.staleNotified,
    worker.alive && worker.heartbeat_stale,
    worker.alive,
    () => ({ type: 'heartbeat_stale', worker: worker.name, lastBeatSeenAt: next.lastBeatSeenAt }),
    () => ({ type: 'heartbeat_fresh', worker: worker.name }),
    events,
  );
  next.jobStuckNotified = evaluateFlag(
    previous.jobStuckNotified,
    worker.alive && worker.job_stuck,
    worker.alive,
    () => ({ type: 'job_stuck', worker: worker.name, stuckSince: parseTime(worker.stuck_since) }),
    () => ({ type: 'job_moving', worker: worker.name }),
    events,
  );
  const deadLetters = evaluateDeadLetters(previous, worker, now, rules, events);
  next.deadLetterReported = deadLetters.reported;
  next.deadLetterNotifiedAt = deadLetters.notifiedAt;
  next.stuck = evaluateStuck(previous.stuck, worker, paused, now, rules, events);
  return next;
}

/** When the monitor first saw the current `ts`, as the document says (its own clock). */
function seenAt(worker: WorkerStatus): number | null {
  return parseTime(worker.last_beat_seen_at);
}

function parseTime(iso: string | null): number | null {
  const time = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}

/**
 * A problem the document flags (stale heartbeat, stuck job): announced once when it appears,
 * and resolved once when it goes while the worker lives; a worker that died is told by its
 * "down", so the flag just clears.
 */
function evaluateFlag(
  notified: boolean | undefined,
  flagged: boolean,
  alive: boolean,
  raised: () => AlertEvent,
  resolved: () => AlertEvent,
  events: AlertEvent[],
): boolean {
  if (flagged && !notified) events.push(raised());
  else if (!flagged && notified && alive) events.push(resolved());
  return flagged;
}

function evaluateLiveness(
  previous: WorkerAlertState,
  worker: WorkerStatus,
  now: number,
  rules: CheckRules,
  events: AlertEvent[],
): WorkerAlertState {
  const name = worker.name;
  switch (previous.status) {
    case 'unknown': {
      if (worker.alive) return { ...previous, status: 'up', downSince: null, changingSince: null };
      if (now - previous.firstSeenAt < rules.bootGraceMs) return previous;
      const downSince = previous.downSince ?? previous.firstSeenAt;
      events.push({
        type: 'worker_down',
        worker: name,
        atBoot: true,
        downSince,
        lastBeatSeenAt: null,
      });
      return { ...previous, status: 'down', downSince, notifiedAt: now };
    }
    case 'up': {
      if (worker.alive) return { ...previous, changingSince: null, downSince: null };
      const changingSince = previous.changingSince ?? now;
      // The outage began with the last beat the monitor saw, not when the key expired.
      const downSince = previous.lastBeatSeenAt ?? changingSince;
      const held = now - changingSince >= rules.holdForMs;
      const graceOver = previous.graceUntil === null || now >= previous.graceUntil;
      if (!held || !graceOver) return { ...previous, changingSince, downSince };
      events.push({
        type: 'worker_down',
        worker: name,
        atBoot: false,
        downSince,
        lastBeatSeenAt: previous.lastBeatSeenAt,
      });
      return {
        ...previous,
        status: 'down',
        changingSince: null,
        downSince,
        notifiedAt: now,
        graceUntil: null,
      };
    }
    case 'down': {
      const downSince = previous.downSince ?? now;
      if (!worker.alive) {
        if (reminderDue(previous.notifiedAt, now, rules)) {
          events.push({ type: 'worker_still_down', worker: name, downForMs: now - downSince });
          return { ...previous, changingSince: null, notifiedAt: now };
        }
        return { ...previous, changingSince: null };
      }
      const changingSince = previous.changingSince ?? now;
      if (now - changingSince < rules.holdForMs) return { ...previous, changingSince };
      events.push({ type: 'worker_recovered', worker: name, downForMs: changingSince - downSince });
      return {
        ...previous,
        status: 'up',
        changingSince: null,
        downSince: null,
        notifiedAt: null,
        graceUntil: null,
      };
    }
  }
}

/**
 * Dead letters reaching the threshold are announced at once. Later changes wait for the window
 * (a burst of failures is one message, not one per check), unless the count passes the next
 * step: threshold × 10, × 100 … Back at 0 the alert is re-armed.
 */
function evaluateDeadLetters(
  previous: Pick<WorkerAlertState, 'deadLetterReported' | 'deadLetterNotifiedAt'>,
  worker: WorkerStatus,
  now: number,
  rules: CheckRules,
  events: AlertEvent[],
): { reported: number; notifiedAt: number | null } {
  const reported = previous.deadLetterReported;
  const kept = { reported, notifiedAt: previous.deadLetterNotifiedAt };
  const count = worker.dead_letter;
  if (count === 0) return { reported: 0, notifiedAt: null };
  if (count < rules.deadLetterThreshold || count === reported) return kept;
  const armed = reported < rules.deadLetterThreshold;
  const windowOver =
    previous.deadLetterNotifiedAt === null ||
    now - previous.deadLetterNotifiedAt >= rules.deadLetterWindowMs;
  if (armed || windowOver || count >= nextStep(reported, rules.deadLetterThreshold)) {
    events.push({ type: 'dead_letter', worker: worker.name, count, previous: reported });
    return { reported: count, notifiedAt: now };
  }
  return kept;
}

/** The smallest threshold × 10ⁿ above `count`. */
function nextStep(count: number, threshold: number): number {
  let step = Math.max(1, threshold);
  while (step <= count) step *= 10;
  return step;
}

function evaluateStuck(
  watch: WorkerAlertState['stuck'],
  worker: WorkerStatus,
  paused: boolean,
  now: number,
  rules: CheckRules,
  events: AlertEvent[],
): WorkerAlertState['stuck'] {
  const depth = worker.queue_depth;
  const watching =
    rules.stuckAfterMs > 0 &&
    worker.queue !== null &&
    worker.alive &&
    !paused &&
    !isPausedState(worker.kind, worker.state) &&
    depth > 0;
  if (!watching) {
    // A drained queue is news after a stuck alert; a paused or dead worker explains itself.
    if (watch?.notified && depth === 0) {
      events.push({ type: 'queue_moving', worker: worker.name, depth });
    }
    return null;
  }
  if (!watch)
    return { since: now, lowestDepth: depth, jobsDone: worker.jobs_done, notified: false };
  const progressed = depth < watch.lowestDepth || worker.jobs_done > watch.jobsDone;
  if (progressed) {
    if (watch.notified) events.push({ type: 'queue_moving', worker: worker.name, depth });
    return { since: now, lowestDepth: depth, jobsDone: worker.jobs_done, notified: false };
  }
  // jobs_done restarts at 0 with the worker: follow it down so later growth counts.
  const updated = { ...watch, jobsDone: worker.jobs_done };
  if (!watch.notified && now - watch.since >= rules.stuckAfterMs) {
    events.push({
      type: 'queue_stuck',
      worker: worker.name,
      depth,
      stuckForMs: now - watch.since,
    });
    return { ...updated, notified: true };
  }
  return updated;
}

function reminderDue(notifiedAt: number | null, now: number, rules: CheckRules): boolean {
  return rules.repeatMs > 0 && notifiedAt !== null && now - notifiedAt >= rules.repeatMs;
}
