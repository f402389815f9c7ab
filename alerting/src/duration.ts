import { parseDuration } from '@fleet/core/contracts';
import type { Lang } from './lang.js';

// One parser for /silence, /maintenance and the fleet file's windows.
export { parseDuration };

const PARTS = {
  ko: { d: '일', h: '시간', m: '분', s: '초' },
  en: { d: 'd', h: 'h', m: 'm', s: 's' },
} as const;

/** `1시간 2분` / `1h 2m`: the two largest non-zero units, which is all a reader needs. */
export function formatDuration(ms: number, lang: Lang): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const units: [keyof (typeof PARTS)['en'], number][] = [
    ['d', Math.floor(totalSeconds / 86_400)],
    ['h', Math.floor((totalSeconds % 86_400) / 3600)],
    ['m', Math.floor((totalSeconds % 3600) / 60)],
    ['s', totalSeconds % 60],
  ];
  const first = units.findIndex(([, value]) => value > 0);
  if (first === -1) return `0${PARTS[lang].s}`;
  return units
    .slice(first, first + 2)
    .filter(([, value]) => value > 0)
    .map(([unit, value]) => `${value}${PARTS[lang][unit]}`)
    .join(' ');
}

/**
 * A clock time in `timeZone`: `03:30`, or `12-03 03:30` when it is not on the same day as
 * `now` there (a window ending tomorrow).
 */
export function formatClock(ms: number, now: number, timeZone: string): string {
  const parts = (at: number) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(at)
        .map((part) => [part.type, part.value]),
    );
  const time = parts(ms);
  const today = parts(now);
  const clock = `${time.hour}:${time.minute}`;
  return time.month === today.month && time.day === today.day
    ? clock
    : `${time.month}-${time.day} ${clock}`;
}
