import type {
  AlertState,
  Incident,
  IncidentKind,
  PressRecord,
  WorkerAlertState,
} from './alert-state.js';
import type { AlertEvent } from './evaluate-check.js';

const KIND_CODES: Record<IncidentKind, string> = { down: 'd', queue_stuck: 'q', job_stuck: 'j' };

/**
 * An incident's id: kind, the worker's index in the fleet and when it opened (base 36), e.g.
 * `d1.mbx3k2p0`. Short, so a callback (`al:k:<id>`) stays far below Telegram's 64 bytes.
 */
export function incidentId(kind: IncidentKind, workerIndex: number, openedAt: number): string {
  return `${KIND_CODES[kind]}${workerIndex}.${Math.round(openedAt).toString(36)}`;
}

/** The kind of incident an announced event opens, if any. */
function openedKind(event: AlertEvent): IncidentKind | null {
  if (event.type === 'worker_down') return 'down';
  // A "down" first told by the end-of-silence summary is an incident as well.
  if (event.type === 'silence_over' && event.downSince !== null) return 'down';
  if (event.type === 'queue_stuck' || event.type === 'job_stuck') return event.type;
  return null;
}

/** True while the problem behind an incident lasts, by the alert state. */
function stillOpen(kind: IncidentKind, entry: WorkerAlertState | undefined): boolean {
  if (!entry) return false;
  if (kind === 'down') return entry.status === 'down';
  if (kind === 'queue_stuck') return entry.stuck?.notified === true;
  return entry.jobStuckNotified;
}

export interface IncidentRules {
  /** Not acknowledged this long after its alert: also sent to the escalation chat; null = off. */
  escalateAfterMs: number | null;
  workerIndex: (worker: string) => number;
  /** The worker is silenced now: no escalation while it is. */
  silenced: (worker: string) => boolean;
}

export interface TrackedIncidents {
  incidents: Record<string, Incident>;
  /** The announced events that opened an incident, with its id (their alert gets the buttons). */
  opened: Map<AlertEvent, string>;
  /** Incidents due for the escalation chat in this check. */
  escalated: string[];
  /** Escalated incidents that ended in this check: their end goes to the escalation chat too. */
  closedEscalated: Incident[];
}

/**
 * The incidents after one check: those whose problem ended close, the announced events that
 * raise a problem open one, and an open one nobody acknowledged within the escalation time is
 * escalated (once). Pure: the acknowledgements and the clock are arguments.
 */
export function trackIncidents(
  previous: Readonly<Record<string, Incident>>,
  announce: readonly AlertEvent[],
  next: AlertState,
  acks: Readonly<Record<string, PressRecord>>,
  now: number,
  rules: IncidentRules,
): TrackedIncidents {
  const incidents: Record<string, Incident> = {};
  const closedEscalated: Incident[] = [];
  for (const [id, incident] of Object.entries(previous)) {
    if (stillOpen(incident.kind, next.workers[incident.worker])) incidents[id] = incident;
    else if (incident.escalatedAt !== null) closedEscalated.push(incident);
  }
  const opened = new Map<AlertEvent, string>();
  for (const event of announce) {
    const kind = openedKind(event);
    if (!kind || !('worker' in event)) continue;
    const index = rules.workerIndex(event.worker);
    if (index < 0) continue;
    const known = Object.entries(incidents).find(
      ([, incident]) => incident.kind === kind && incident.worker === event.worker,
    );
    const id = known?.[0] ?? incidentId(kind, index, now);
    incidents[id] ??= { kind, worker: event.worker, openedAt: now, escalatedAt: null };
    opened.set(event, id);
  }
  const escalated: string[] = [];
  const after = rules.escalateAfterMs;
  if (after !== null) {
    for (const [id, incident] of Object.entries(incidents)) {
      if (incident.escalatedAt !== null || acks[id] || rules.silenced(incident.worker)) continue;
      if (now - incident.openedAt < after) continue;
      incidents[id] = { ...incident, escalatedAt: now };
      escalated.push(id);
    }
  }
  return { incidents, opened, escalated, closedEscalated };
}

/** Workers whose "down" someone acknowledged: no reminders for them. */
export function acknowledgedDown(
  incidents: Readonly<Record<string, Incident>>,
  acks: Readonly<Record<string, PressRecord>>,
): Set<string> {
  return new Set(
    Object.entries(incidents)
      .filter(([id, incident]) => incident.kind === 'down' && acks[id])
      .map(([, incident]) => incident.worker),
  );
}
