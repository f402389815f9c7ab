import { SILENCE_ALL } from './contracts/redis-keys.js';

/** Silences as the alerting service stores them: target (worker or `all`) → until (epoch ms). */
export type SilenceTable = Readonly<Record<string, number>>;

/**
 * The silences hash (`alertingKeys.silences`) as read by HGETALL. A value that is not a number
 * (of epoch ms, as the alerting service reads it too) is left out and named in `invalid`; expired
 * entries are kept: the alerting service removes them, a reader only compares them with its clock.
 */
export function parseSilences(hash: Readonly<Record<string, string>>): {
  silences: SilenceTable;
  invalid: string[];
} {
  const silences: Record<string, number> = {};
  const invalid: string[] = [];
  for (const [target, value] of Object.entries(hash)) {
    const until = value.trim() === '' ? Number.NaN : Number(value);
    // A time Date cannot hold (beyond ±8.64e15 ms) could not be shown as ISO: unreadable too.
    if (!Number.isNaN(new Date(until).getTime())) silences[target] = until;
    else invalid.push(target);
  }
  return { silences, invalid };
}

/** Until when a worker is silenced at `nowMs` (its own silence or `all`, whichever ends last). */
export function silencedUntil(
  worker: string,
  silences: SilenceTable,
  nowMs: number,
): number | null {
  let until: number | null = null;
  for (const target of [worker, SILENCE_ALL]) {
    const end = Object.hasOwn(silences, target) ? silences[target] : undefined;
    if (end !== undefined && end > nowMs && (until === null || end > until)) until = end;
  }
  return until;
}
