import { Cron } from 'croner';
import {
  type MaintenanceSpec,
  type MaintenanceWindow,
  maintenanceCovers,
  type StoredMaintenance,
  StoredMaintenanceSchema,
  scheduleWindowId,
} from './contracts/maintenance.js';

/** A time span in epoch ms: [start, end). */
export interface Period {
  start: number;
  end: number;
}

function cronOf(spec: MaintenanceSpec): Cron {
  return new Cron(spec.schedule, { timezone: spec.tz, paused: true });
}

/**
 * The occurrences of a recurring window that overlap [from, to), in order, as periods. Each
 * lasts `durationMs` of real time, so a window across a DST change keeps its length; a start
 * the change skips (02:30 on a spring-forward night) happens when the clock jumps (croner).
 */
export function scheduledPeriods(spec: MaintenanceSpec, from: number, to: number): Period[] {
  const cron = cronOf(spec);
  const periods: Period[] = [];
  // croner's nextRun is strictly after its reference: a window that ended exactly at `from` is out.
  let start = cron.nextRun(new Date(from - spec.durationMs))?.getTime() ?? null;
  while (start !== null && start < to) {
    periods.push({ start, end: start + spec.durationMs });
    start = cron.nextRun(new Date(start))?.getTime() ?? null;
  }
  return mergePeriods(periods);
}

/** Overlapping or touching periods become one. */
export function mergePeriods(periods: readonly Period[]): Period[] {
  const sorted = [...periods].sort((a, b) => a.start - b.start);
  const merged: Period[] = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last && period.start <= last.end) last.end = Math.max(last.end, period.end);
    else merged.push({ ...period });
  }
  return merged;
}

/**
 * The occurrence of a recurring window running at `now`, if any. When occurrences overlap (a
 * window longer than its period), it starts at the earliest running one and lasts until the
 * latest one ends: the same window, announced once.
 */
export function currentPeriod(spec: MaintenanceSpec, now: number): Period | null {
  const cron = cronOf(spec);
  const first = cron.nextRun(new Date(now - spec.durationMs))?.getTime() ?? null;
  if (first === null || first > now) return null;
  let last = first;
  for (
    let next = cron.nextRun(new Date(first))?.getTime() ?? null;
    next !== null && next <= now;
  ) {
    last = next;
    next = cron.nextRun(new Date(next))?.getTime() ?? null;
  }
  return { start: first, end: last + spec.durationMs };
}

/** When a recurring window next starts after `now`; null when its schedule has no more runs. */
export function nextStart(spec: MaintenanceSpec, now: number): number | null {
  return cronOf(spec).nextRun(new Date(now))?.getTime() ?? null;
}

/** The windows running at `now`: the fleet file's schedules and the one-off command windows. */
export function activeMaintenance(
  specs: readonly MaintenanceSpec[],
  commands: readonly StoredMaintenance[],
  now: number,
): MaintenanceWindow[] {
  const windows: MaintenanceWindow[] = [];
  specs.forEach((spec, index) => {
    const current = currentPeriod(spec, now);
    if (!current) return;
    windows.push({
      id: scheduleWindowId(index),
      source: 'schedule',
      target: spec.target,
      started_at: new Date(current.start).toISOString(),
      until: new Date(current.end).toISOString(),
      reason: spec.reason,
    });
  });
  for (const command of commands) {
    if (command.start > now || command.until <= now) continue;
    windows.push({
      id: command.id,
      source: 'command',
      target: command.target,
      started_at: new Date(command.start).toISOString(),
      until: new Date(command.until).toISOString(),
      reason: command.reason,
    });
  }
  return windows;
}

/** The window a worker is under, when several: the one that lasts longest. Null when none. */
export function maintenanceOf(
  worker: { name: string; host: string },
  windows: readonly MaintenanceWindow[],
): MaintenanceWindow | null {
  let chosen: MaintenanceWindow | null = null;
  for (const window of windows) {
    if (!maintenanceCovers(window.target, worker)) continue;
    if (!chosen || Date.parse(window.until) > Date.parse(chosen.until)) chosen = window;
  }
  return chosen;
}

/**
 * When `worker` was (or will be) in maintenance during [from, to): merged periods, clipped to
 * the span. For reports that leave maintenance out of uptime. One-off windows count as long as
 * they are stored (an ended or expired one is removed, so pass the ones recorded elsewhere).
 */
export function maintenancePeriods(
  worker: { name: string; host: string },
  specs: readonly MaintenanceSpec[],
  commands: readonly StoredMaintenance[],
  from: number,
  to: number,
): Period[] {
  const periods = [
    ...specs
      .filter((spec) => maintenanceCovers(spec.target, worker))
      .flatMap((spec) => scheduledPeriods(spec, from, to)),
    ...commands
      .filter((command) => maintenanceCovers(command.target, worker))
      .map((command) => ({ start: command.start, end: command.until })),
  ];
  return mergePeriods(
    periods
      .map((period) => ({ start: Math.max(from, period.start), end: Math.min(to, period.end) }))
      .filter((period) => period.start < period.end),
  );
}

/**
 * The one-off windows of the alerting hash (`HGETALL`): each field's JSON, checked; a field
 * that does not parse is skipped (and named), so one bad entry cannot hide the others.
 */
export function parseStoredMaintenance(hash: Readonly<Record<string, string>>): {
  windows: StoredMaintenance[];
  invalid: string[];
} {
  const windows: StoredMaintenance[] = [];
  const invalid: string[] = [];
  for (const [field, raw] of Object.entries(hash)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      invalid.push(field);
      continue;
    }
    const result = StoredMaintenanceSchema.safeParse(parsed);
    if (result.success) windows.push(result.data);
    else invalid.push(field);
  }
  return { windows, invalid };
}
