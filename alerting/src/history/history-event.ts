import type { AlertEvent } from '../evaluate-check.js';

/** Who pressed a button or sent a command (Telegram user). */
export interface HistoryActor {
  id: number;
  name: string;
}

/**
 * One entry of the history stream: every transition the alerting service decides, and what
 * people and schedules did about it. The one place these shapes are declared; `at` is the
 * monitor's clock (epoch ms) when the transition was decided.
 */
export type HistoryEvent =
  | {
      type: 'down';
      at: number;
      worker: string;
      /** When the outage began: the last beat the monitor saw (or its first look, at boot). */
      since: number;
      atBoot: boolean;
      /** Kept quiet by a silence or a maintenance window (still a transition). */
      quiet: boolean;
    }
  | { type: 'recovered'; at: number; worker: string; downForMs: number; quiet: boolean }
  | {
      type: 'dead_letters';
      at: number;
      worker: string;
      count: number;
      /** The count announced before (0 = the alert was armed). */
      previous: number;
      quiet: boolean;
    }
  | { type: 'queue_stuck'; at: number; worker: string; depth: number; quiet: boolean }
  | { type: 'queue_moving'; at: number; worker: string; depth: number; quiet: boolean }
  | { type: 'heartbeat_stale'; at: number; worker: string; quiet: boolean }
  | { type: 'heartbeat_fresh'; at: number; worker: string; quiet: boolean }
  | { type: 'job_stuck'; at: number; worker: string; quiet: boolean }
  | { type: 'job_moving'; at: number; worker: string; quiet: boolean }
  | { type: 'redis_lost'; at: number; since: number; error: string | null }
  | { type: 'redis_back'; at: number; downForMs: number }
  | { type: 'evicting'; at: number; policy: string | null }
  | { type: 'evicting_over'; at: number; evictingForMs: number }
  | {
      /** A maintenance window began: nothing about `workers` is alerted until it ends. */
      type: 'maintenance_start';
      at: number;
      /** Names the window, so that its end can be paired with its start. */
      window: string;
      /** What it was declared for: a worker, a host or `all`. */
      target: string;
      /** The workers it covers, resolved when it began. */
      workers: string[];
      /** When it is due to end (epoch ms). */
      until: number;
      /** A `/maintenance` command, or a recurring window of the fleet file. */
      source: 'command' | 'schedule';
      /** Who started a command window (null for the fleet file's). */
      by: HistoryActor | null;
    }
  | {
      type: 'maintenance_end';
      at: number;
      window: string;
      target: string;
      workers: string[];
      /** Absent in events recorded before it was. */
      source?: 'command' | 'schedule';
      /** Who ended it early with `/maintenance end`; null when it ran to its end. */
      by: HistoryActor | null;
    }
  | { type: 'acknowledged'; at: number; worker: string; by: HistoryActor }
  | {
      /** An unacknowledged incident was also sent to the escalation chat. */
      type: 'escalated';
      at: number;
      worker: string;
      chatId: string;
    }
  | { type: 'silenced'; at: number; target: string; until: number; by: HistoryActor | null }
  | { type: 'unsilenced'; at: number; target: string; by: HistoryActor | null };

export type HistoryEventType = HistoryEvent['type'];

/** Who started and who ended command windows, by id: what the history records about them. */
export type MaintenanceActors = Readonly<
  Record<string, { startedBy: HistoryActor | null; endedBy: HistoryActor | null }>
>;

// A record, so that the compiler refuses a type left out (or one that does not exist).
const TYPES: Record<HistoryEventType, true> = {
  down: true,
  recovered: true,
  dead_letters: true,
  queue_stuck: true,
  queue_moving: true,
  heartbeat_stale: true,
  heartbeat_fresh: true,
  job_stuck: true,
  job_moving: true,
  redis_lost: true,
  redis_back: true,
  evicting: true,
  evicting_over: true,
  maintenance_start: true,
  maintenance_end: true,
  acknowledged: true,
  escalated: true,
  silenced: true,
  unsilenced: true,
};

/** Every history event type. */
export const HISTORY_EVENT_TYPES = Object.keys(TYPES) as HistoryEventType[];

/** Whether `event` is about `worker`; fleet-wide events (Redis, eviction) concern every worker. */
export function concernsWorker(event: HistoryEvent, worker: string): boolean {
  if ('worker' in event) return event.worker === worker;
  if ('workers' in event) return event.workers.includes(worker);
  if ('target' in event) return event.target === worker || event.target === 'all';
  return true;
}

/**
 * The transitions among a check's events, as history entries (reminders and end-of-silence
 * summaries are messages, not transitions). `announced` are the events the chat was told; the
 * others were kept quiet. `actors` say who started and ended the command windows among them.
 */
export function historyOfCheck(
  events: readonly AlertEvent[],
  announced: readonly AlertEvent[],
  at: number,
  actors: MaintenanceActors = {},
): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  for (const event of events) {
    const quiet = !announced.includes(event);
    const entry = historyOfEvent(event, at, quiet, actors);
    if (entry) history.push(entry);
  }
  return history;
}

/** The command windows whose start or end is among these events: whose actors to look up. */
export function commandWindowsOf(events: readonly AlertEvent[]): string[] {
  return events.flatMap((event) =>
    (event.type === 'maintenance_started' || event.type === 'maintenance_over') &&
    event.source === 'command'
      ? [event.id]
      : [],
  );
}

function historyOfEvent(
  event: AlertEvent,
  at: number,
  quiet: boolean,
  actors: MaintenanceActors,
): HistoryEvent | null {
  switch (event.type) {
    case 'worker_down':
      return {
        type: 'down',
        at,
        worker: event.worker,
        since: event.downSince,
        atBoot: event.atBoot,
        quiet,
      };
    case 'worker_recovered':
      return { type: 'recovered', at, worker: event.worker, downForMs: event.downForMs, quiet };
    case 'dead_letter':
      return {
        type: 'dead_letters',
        at,
        worker: event.worker,
        count: event.count,
        previous: event.previous,
        quiet,
      };
    case 'queue_stuck':
    case 'queue_moving':
      return { type: event.type, at, worker: event.worker, depth: event.depth, quiet };
    case 'heartbeat_stale':
    case 'heartbeat_fresh':
    case 'job_stuck':
    case 'job_moving':
      return { type: event.type, at, worker: event.worker, quiet };
    case 'redis_down':
      return { type: 'redis_lost', at, since: event.downSince, error: event.error };
    case 'redis_restored':
      return { type: 'redis_back', at, downForMs: event.downForMs };
    case 'redis_evicting':
      return { type: 'evicting', at, policy: event.policy };
    case 'redis_evicting_over':
      return { type: 'evicting_over', at, evictingForMs: event.evictingForMs };
    case 'maintenance_started':
      return {
        type: 'maintenance_start',
        at,
        window: event.id,
        target: event.target,
        workers: event.workers,
        until: event.until,
        source: event.source,
        by: actors[event.id]?.startedBy ?? null,
      };
    case 'maintenance_over':
      return {
        type: 'maintenance_end',
        at,
        window: event.id,
        target: event.target,
        workers: event.workers,
        source: event.source,
        by: actors[event.id]?.endedBy ?? null,
      };
    case 'worker_still_down':
    case 'redis_still_down':
    case 'silence_over':
      return null;
  }
}
