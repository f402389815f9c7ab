import { type Fleet, maintenancePeriods } from '@fleet/core';
import type { Lang } from '../lang.js';
import type { RenderedMessage } from '../messages.js';
import type { HistoryStream } from './history-stream.js';
import { HISTORY_SHOWN, renderHistory, renderHistoryUsage, renderReport } from './history-view.js';
import { type ReliabilityReport, reliabilityReport } from './reliability-report.js';

/** The periods `/report` offers, in days. */
export const REPORT_DAYS = [7, 30] as const;
const DAY_MS = 86_400_000;

export interface HistoryBotOptions {
  history: HistoryStream;
  fleet: Fleet;
  lang: Lang;
  /** Time zone of the times shown. */
  timeZone: string;
  now: () => number;
}

/** Answers `/history <worker>` and `/report [7d|30d]`, and builds the weekly digest. */
export class HistoryBot {
  constructor(private readonly options: HistoryBotOptions) {}

  async command(name: 'history' | 'report', args: readonly string[]): Promise<RenderedMessage[]> {
    const { history, fleet, lang, timeZone } = this.options;
    if (name === 'history') {
      const [worker] = args;
      if (!worker || args.length > 1) return [renderHistoryUsage('history', lang)];
      if (!fleet.workers.some((spec) => spec.name === worker)) {
        return [renderHistoryUsage('history', lang)];
      }
      return [renderHistory(worker, await history.latest(worker, HISTORY_SHOWN), lang, timeZone)];
    }
    const days = parseDays(args);
    if (days === null) return [renderHistoryUsage('report', lang)];
    return renderReport(await this.report(days), lang, timeZone);
  }

  /** The report over the last `days` (to now), from the whole history kept before it too. */
  async report(days: number): Promise<ReliabilityReport> {
    const { history, fleet, now } = this.options;
    const to = now();
    const from = to - days * DAY_MS;
    const hosts = new Map(fleet.workers.map((spec) => [spec.name, spec.host]));
    return reliabilityReport(await history.read({ until: to }), {
      from,
      to,
      workers: fleet.workers.map((spec) => spec.name),
      maintenance: (worker) =>
        maintenancePeriods(
          { name: worker, host: hosts.get(worker) ?? '' },
          fleet.maintenance,
          [],
          from,
          to,
        ),
    });
  }

  /** The weekly digest: the last seven days. */
  async weekly(): Promise<RenderedMessage[]> {
    const { lang, timeZone } = this.options;
    return renderReport(await this.report(7), lang, timeZone, { weekly: true });
  }
}

/** `7d`, `30d` (or `7`, `30`); nothing = 7 days. */
function parseDays(args: readonly string[]): number | null {
  if (args.length === 0) return 7;
  const match = args.length === 1 ? /^(\d+)d?$/i.exec(args[0] as string) : null;
  const days = Number(match?.[1]);
  return (REPORT_DAYS as readonly number[]).includes(days) ? days : null;
}
