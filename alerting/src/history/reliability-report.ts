import { mergePeriods, type Period } from '@fleet/core';
import type { HistoryEvent } from './history-event.js';

/** One worker's figures over a report's period. Durations in ms. */
export interface WorkerReliability {
  worker: string;
  /** Up time over observed time, 0–100; null when nothing of the period was observed. */
  uptimePct: number | null;
  /** The period less maintenance and the time the monitor could not read Redis. */
  observedMs: number;
  /** Outages with observed downtime in the period. */
  incidents: number;
  downtimeMs: number;
  longestMs: number;
  /** Mean observed length of the outages that recovered in the period; null when none did. */
  mttrMs: number | null;
  /** New dead letters announced in the period (the growth of each dead-letter alert). */
  deadLetters: number;
  maintenanceMs: number;
  /** Still down at the period's end. */
  down: boolean;
}

export interface ReliabilityReport {
  from: number;
  to: number;
  workers: WorkerReliability[];
  /** Times the monitor lost Redis in the period, and for how long in all. */
  redisOutages: number;
  redisDownMs: number;
}

export interface ReportOptions {
  from: number;
  to: number;
  /** The workers to report on, in this order (the fleet's). */
  workers: readonly string[];
  /** Maintenance known besides the history's own events (recurring windows of the fleet file). */
  maintenance?: (worker: string) => readonly Period[];
}

/**
 * The reliability report: computed from the history alone (events in time order, from before
 * `from` too, so that an outage already running at `from` counts), with maintenance and
 * Redis outages left out of both the up and the down time. Pure.
 */
export function reliabilityReport(
  events: readonly HistoryEvent[],
  options: ReportOptions,
): ReliabilityReport {
  const { from, to } = options;
  const span = { start: from, end: to };
  const redis = redisOutages(events, to);
  const inSpan = clip(redis, span);
  return {
    from,
    to,
    workers: options.workers.map((worker) => {
      const maintenance = clip(
        [...maintenanceOf(events, worker, to), ...(options.maintenance?.(worker) ?? [])],
        span,
      );
      const excluded = mergePeriods([...maintenance, ...inSpan]);
      return workerFigures(events, worker, options, excluded, maintenance);
    }),
    redisOutages: redis.filter((period) => period.end > from && period.start < to).length,
    redisDownMs: total(inSpan),
  };
}

function workerFigures(
  events: readonly HistoryEvent[],
  worker: string,
  { from, to }: ReportOptions,
  excluded: readonly Period[],
  maintenance: readonly Period[],
): WorkerReliability {
  const outages = outagesOf(events, worker, to);
  let downtimeMs = 0;
  let longestMs = 0;
  let incidents = 0;
  const recovered: number[] = [];
  for (const outage of outages) {
    const observed = observedLength(outage, { start: from, end: to }, excluded);
    if (observed <= 0) continue;
    incidents += 1;
    downtimeMs += observed;
    longestMs = Math.max(longestMs, observed);
    if (outage.recovered && outage.end <= to) recovered.push(observed);
  }
  const observedMs = observedLength({ start: from, end: to }, { start: from, end: to }, excluded);
  let deadLetters = 0;
  for (const event of events) {
    if (
      event.type === 'dead_letters' &&
      event.worker === worker &&
      event.at >= from &&
      event.at <= to
    ) {
      deadLetters += Math.max(0, event.count - event.previous);
    }
  }
  const last = outages.at(-1);
  return {
    worker,
    uptimePct: observedMs > 0 ? ((observedMs - downtimeMs) / observedMs) * 100 : null,
    observedMs,
    incidents,
    downtimeMs,
    longestMs,
    mttrMs: recovered.length > 0 ? recovered.reduce((a, b) => a + b, 0) / recovered.length : null,
    deadLetters,
    maintenanceMs: total(maintenance),
    down: last !== undefined && !last.recovered,
  };
}

interface Outage extends Period {
  recovered: boolean;
}

/** The worker's outages, from its down and recovered events; one still running ends at `to`. */
function outagesOf(events: readonly HistoryEvent[], worker: string, to: number): Outage[] {
  const outages: Outage[] = [];
  let open: number | null = null;
  for (const event of events) {
    if (!('worker' in event) || event.worker !== worker || event.at > to) continue;
    if (event.type === 'down' && open === null) open = Math.min(event.since, event.at);
    if (event.type === 'recovered') {
      // A recovery whose "down" is older than the history: it began downForMs before.
      const start = open ?? event.at - event.downForMs;
      const end = Math.min(event.at, Math.max(start, start + event.downForMs));
      outages.push({ start, end, recovered: true });
      open = null;
    }
  }
  if (open !== null) outages.push({ start: open, end: to, recovered: false });
  return outages;
}

/** Maintenance windows covering the worker, from their start and end events. */
function maintenanceOf(events: readonly HistoryEvent[], worker: string, to: number): Period[] {
  const open = new Map<string, Period>();
  const periods: Period[] = [];
  for (const event of events) {
    if (event.type === 'maintenance_start' && event.workers.includes(worker)) {
      open.set(event.window, { start: event.at, end: Math.min(event.until, to) });
    } else if (event.type === 'maintenance_end') {
      const started = open.get(event.window);
      if (started) periods.push({ start: started.start, end: Math.min(event.at, started.end) });
      open.delete(event.window);
    }
  }
  return [...periods, ...open.values()];
}

/** When the monitor could not read Redis: nothing it says of the workers then is observed. */
function redisOutages(events: readonly HistoryEvent[], to: number): Period[] {
  const periods: Period[] = [];
  let open: number | null = null;
  for (const event of events) {
    if (event.at > to) break;
    if (event.type === 'redis_lost' && open === null) open = Math.min(event.since, event.at);
    if (event.type === 'redis_back') {
      periods.push({ start: open ?? event.at - event.downForMs, end: event.at });
      open = null;
    }
  }
  if (open !== null) periods.push({ start: open, end: to });
  return periods;
}

function clip(periods: readonly Period[], span: Period): Period[] {
  return mergePeriods(
    periods
      .map((period) => ({
        start: Math.max(span.start, period.start),
        end: Math.min(span.end, period.end),
      }))
      .filter((period) => period.start < period.end),
  );
}

function total(periods: readonly Period[]): number {
  return periods.reduce((sum, period) => sum + (period.end - period.start), 0);
}

/** The length of `period` within `span`, less what `excluded` (merged) covers of it. */
function observedLength(period: Period, span: Period, excluded: readonly Period[]): number {
  const [inside] = clip([period], span);
  if (!inside) return 0;
  return total([inside]) - total(clip(excluded, inside));
}
