/**
 * The heartbeat `ts` is "UTC ISO-8601 ending in Z" (docs/spec.md §1). ISO 8601 allows a calendar date in
 * extended (`2026-12-01`) or basic (`20261201`) format, a time of hour, minute or second
 * precision in either format, and a decimal fraction (`.` or `,`) on its last component; all of
 * them are the same instant to the monitor. `T` and `Z` are upper case, as the contract writes.
 */
export const ISO_UTC_PATTERN =
  '^(\\d{4})-?(\\d{2})-?(\\d{2})T(\\d{2})(?::?(\\d{2})(?::?(\\d{2}))?)?(?:[.,](\\d+))?Z$';

const ISO_UTC = new RegExp(ISO_UTC_PATTERN);

/** Milliseconds since the epoch of a UTC ISO-8601 instant ending in Z, or null if it is not one. */
export function parseIsoUtc(text: string): number | null {
  const match = ISO_UTC.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const [y, mo, d, h] = [year, month, day, hour].map(Number) as [number, number, number, number];
  const mi = minute === undefined ? 0 : Number(minute);
  // A leap second (:60) is accepted and lands on the next second, as Date cannot hold it.
  const s = second === undefined ? 0 : Number(second);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return null;
  // The fraction belongs to the last component written: hours, minutes or seconds.
  const unitMs = second !== undefined ? 1000 : minute !== undefined ? 60_000 : 3_600_000;
  const fractionMs = fraction === undefined ? 0 : Number(`0.${fraction}`) * unitMs;
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written.
  const dayStart = new Date(0).setUTCFullYear(y, mo - 1, d);
  // 31 April would roll over into May: a day that does not exist is not a date.
  if (new Date(dayStart).getUTCDate() !== d) return null;
  return Math.floor(dayStart + h * 3_600_000 + mi * 60_000 + s * 1000 + fractionMs);
}
