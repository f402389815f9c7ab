/**
 * What the alerting service remembers between checks. It is stored in Redis (as JSON) so that a
 * restart, or a second replica, carries on from the same facts instead of alerting again.
 */

/** `unknown`: seen since this state began but never alive yet (the boot grace is running). */
export type WorkerAlertStatus = 'unknown' | 'up' | 'down';

/** A queue that has jobs waiting while its worker is alive and not paused. */
export interface StuckWatch {
  /** When the queue last made progress (or the watch began). */
  since: number;
  /** The smallest depth seen since `since`: falling below it is progress. */
  lowestDepth: number;
  /** The worker's `jobs_done` at the last check: growing is progress. */
  jobsDone: number;
  /** True once "queue stuck" was announced for this watch. */
  notified: boolean;
}

/** What a silence hid, so that its end can say what changed under it. */
export interface SilenceWatch {
  /** The first check under the silence. */
  since: number;
  /** The dead-letter count when the silence began. */
  deadLetters: number;
  /** The downtime of an outage that began and ended under the silence (never announced). */
  outageMs: number | null;
  /** A maintenance window (not only a silence) kept the alerts back: its end tells of it. */
  maintenance?: boolean;
}

/** A maintenance window whose start the chat was told, so that its end is told once too. */
export interface MaintenanceWatch {
  target: string;
  startedAt: number;
  until: number;
}

export interface WorkerAlertState {
  /** The status that was last announced (or silently established at first sight). */
  status: WorkerAlertStatus;
  /** When this state first saw the worker. */
  firstSeenAt: number;
  /** Since when the observed liveness has differed from `status` (hold-for damping). */
  changingSince: number | null;
  /** When the current (or pending) outage began. */
  downSince: number | null;
  /** The last heartbeat `ts` seen (the worker's clock): a new one means the worker beat. */
  lastBeatAt: string | null;
  /**
   * When the monitor first saw that `ts` (its own clock, epoch ms). Every duration in a message
   * ("last heartbeat N ago", "down for N") counts from here, never from the worker's clock nor
   * from the key's expiry.
   */
  lastBeatSeenAt: number | null;
  /** When the outage was last announced (down or reminder), for repeat reminders; null if never. */
  notifiedAt: number | null;
  /** The chat was told "down" and not yet "recovered": that recovery is never swallowed. */
  downAnnounced: boolean;
  /** The silence this worker is under (by name or `all`), from its first silenced check. */
  silence: SilenceWatch | null;
  /** No down alert before this time: the workers re-beat after Redis comes back. */
  graceUntil: number | null;
  /** "heartbeat stale" was announced and not yet resolved. */
  staleNotified: boolean;
  /** "job stuck" was announced and not yet resolved. */
  jobStuckNotified: boolean;
  /** Dead-letter count last announced; 0 means armed. */
  deadLetterReported: number;
  /** When dead letters were last announced, for the update window. */
  deadLetterNotifiedAt: number | null;
  stuck: StuckWatch | null;
  /** When this entry was last evaluated against readable data (merging stale copies). */
  checkedAt: number;
}

export interface RedisAlertState {
  status: 'up' | 'down';
  /** First failed read of the current failure, confirmed or not. */
  failingSince: number | null;
  /** When the outage was last announced (down or reminder). */
  notifiedAt: number | null;
  lastError: string | null;
  /** Since when Redis has been evicting keys (announced as one problem); null when it is not. */
  evictingSince: number | null;
  checkedAt: number;
}

/** What an incident is: a problem someone should take on, with buttons under its alert. */
export const INCIDENT_KINDS = ['down', 'queue_stuck', 'job_stuck'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** An incident announced in the chat and not over yet. */
export interface Incident {
  kind: IncidentKind;
  worker: string;
  /** When its alert went out. */
  openedAt: number;
  /** When it was sent to the escalation chat; null = not (yet). */
  escalatedAt: number | null;
}

/** Who pressed a button under an incident, and when. */
export interface PressRecord {
  userId: number;
  userName: string;
  at: number;
  /** The end of the silence a "silence 1 h" press set. */
  until?: number;
}

export interface AlertState {
  /** Bumped on every write; compare-and-set guard against a second writer. */
  rev: number;
  redis: RedisAlertState;
  workers: Record<string, WorkerAlertState>;
  /** Open incidents by id (a state stored before they existed has none). */
  incidents?: Record<string, Incident>;
  /** The running maintenance windows announced, by id (absent in states stored before them). */
  maintenance?: Record<string, MaintenanceWatch>;
}

export function initialAlertState(now: number): AlertState {
  return {
    rev: 0,
    redis: {
      status: 'up',
      failingSince: null,
      notifiedAt: null,
      lastError: null,
      evictingSince: null,
      checkedAt: now,
    },
    workers: {},
    incidents: {},
  };
}

/**
 * The state to continue from, given the stored copy and this process's own copy. The own copy only
 * runs ahead of the store while Redis could not be written (an outage, or a Redis that restarted
 * empty), so each part is taken from whichever copy saw it last.
 */
export function mergeAlertStates(
  stored: AlertState | null,
  own: AlertState | null,
  now: number,
): AlertState {
  if (!stored && !own) return initialAlertState(now);
  if (!stored) return own as AlertState;
  if (!own) return stored;
  const workers: Record<string, WorkerAlertState> = { ...stored.workers };
  for (const [name, entry] of Object.entries(own.workers)) {
    const other = workers[name];
    if (!other || entry.checkedAt > other.checkedAt) workers[name] = entry;
  }
  // An incident only one copy knows is kept: the next check closes it if its problem is over.
  const incidents = { ...stored.incidents };
  for (const [id, incident] of Object.entries(own.incidents ?? {})) {
    incidents[id] = incidents[id]?.escalatedAt != null ? (incidents[id] as Incident) : incident;
  }
  return {
    rev: Math.max(stored.rev, own.rev),
    redis: own.redis.checkedAt > stored.redis.checkedAt ? own.redis : stored.redis,
    workers,
    incidents,
    // Announced together with the Redis state's check, so taken from the same copy.
    maintenance:
      own.redis.checkedAt > stored.redis.checkedAt ? own.maintenance : stored.maintenance,
  };
}
