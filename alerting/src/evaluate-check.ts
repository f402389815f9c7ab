import { isPausedState, type StatusDocument, type WorkerStatus } from '@fleet/core/contracts';
import type { AlertState, RedisAlertState, WorkerAlertState } from './alert-state.js';

/** The thresholds of the alert rules, all in milliseconds. */
export interface CheckRules {
  /** Dead letters at or above this count are announced. */
  deadLetterThreshold: number;
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
      lastBeatAt: string | null;
    }
  | { type: 'worker_recovered'; worker: string; downForMs: number }
  | { type: 'worker_still_down'; worker: string; downForMs: number }
  | { type: 'dead_letter'; worker: string; count: number; previous: number }
  | { type: 'queue_stuck'; worker: string; depth: number; stuckForMs: number }
  | { type: 'queue_moving'; worker: string; depth: number }
  | { type: 'redis_down'; error: string | null; downSince: number }
  | { type: 'redis_still_down'; error: string | null; downForMs: number }
  | { type: 'redis_restored'; downForMs: number };

export type AlertEventType = AlertEvent['type'];

export interface CheckOutcome {
  next: AlertState;
  events: AlertEvent[];
  /** Redis is failing but not yet confirmed: check again soon rather than after the interval. */
  redisUnconfirmed: boolean;
}

/**
 * One check: the previous alert state and a fresh status document become the events to announce
 * and the state to remember. Pure: the clock is an argument.
 */
export function evaluateCheck(
  previous: AlertState,
  document: StatusDocument,
  now: number,
  rules: CheckRules,
): CheckOutcome {
  const events: AlertEvent[] = [];
  const redis = evaluateRedis(previous.redis, document, now, rules, events);
  // While Redis cannot be read the worker figures are stale: freeze them, so an outage of Redis
  // is one message and not one per worker.
  let workers = previous.workers;
  if (document.redis_ok) {
    const wasFailing = previous.redis.failingSince !== null;
    workers = {};
    for (const worker of document.workers) {
      if (!worker.in_fleet) continue;
      let entry = previous.workers[worker.name];
      if (entry && wasFailing) entry = { ...entry, graceUntil: now + rules.bootGraceMs };
      workers[worker.name] = entry
        ? evaluateWorker(entry, worker, document.paused, now, rules, events)
        : firstSight(worker, document.paused, now, rules);
    }
  }
  return {
    next: { rev: previous.rev + 1, redis, workers },
    events,
    redisUnconfirmed: redis.status === 'up' && redis.failingSince !== null,
  };
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
    return { status: 'up', failingSince: null, notifiedAt: null, lastError: null, checkedAt: now };
  }
  const failingSince = previous.failingSince ?? now;
  const error = document.redis_error;
  if (previous.status === 'up') {
    if (now - failingSince < rules.redisConfirmMs) {
      return { ...previous, failingSince, lastError: error, checkedAt: now };
    }
    events.push({ type: 'redis_down', error, downSince: failingSince });
    return { status: 'down', failingSince, notifiedAt: now, lastError: error, checkedAt: now };
  }
  if (reminderDue(previous.notifiedAt, now, rules)) {
    events.push({ type: 'redis_still_down', error, downForMs: now - failingSince });
    return { ...previous, notifiedAt: now, lastError: error, checkedAt: now };
  }
  return { ...previous, lastError: error, checkedAt: now };
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
    notifiedAt: null,
    graceUntil: null,
    deadLetterReported: worker.dead_letter,
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
  const next: WorkerAlertState = {
    ...evaluateLiveness(previous, worker, now, rules, events),
    lastBeatAt: worker.last_beat_at ?? previous.lastBeatAt,
    checkedAt: now,
  };
  next.deadLetterReported = evaluateDeadLetters(previous.deadLetterReported, worker, rules, events);
  next.stuck = evaluateStuck(previous.stuck, worker, paused, now, rules, events);
  return next;
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
      events.push({ type: 'worker_down', worker: name, atBoot: true, downSince, lastBeatAt: null });
      return { ...previous, status: 'down', downSince, notifiedAt: now };
    }
    case 'up': {
      if (worker.alive) return { ...previous, changingSince: null, downSince: null };
      const changingSince = previous.changingSince ?? now;
      const held = now - changingSince >= rules.holdForMs;
      const graceOver = previous.graceUntil === null || now >= previous.graceUntil;
      if (!held || !graceOver) return { ...previous, changingSince, downSince: changingSince };
      events.push({
        type: 'worker_down',
        worker: name,
        atBoot: false,
        downSince: changingSince,
        lastBeatAt: previous.lastBeatAt,
      });
      return {
        ...previous,
        status: 'down',
        changingSince: null,
        downSince: changingSince,
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

function evaluateDeadLetters(
  reported: number,
  worker: WorkerStatus,
  rules: CheckRules,
  events: AlertEvent[],
): number {
  const count = worker.dead_letter;
  if (count === 0) return 0;
  if (count >= rules.deadLetterThreshold && count !== reported) {
    events.push({ type: 'dead_letter', worker: worker.name, count, previous: reported });
    return count;
  }
  return reported;
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
