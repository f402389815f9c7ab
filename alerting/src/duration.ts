import type { Lang } from './lang.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+[smhdw])+$/;

/**
 * `90s`, `30m`, `2h`, `1d`, `1h30m` → milliseconds; null when the text is not such a duration.
 * Used for `/silence`, where a typo must be answered, not guessed at.
 */
export function parseDuration(text: string): number | null {
  const lower = text.trim().toLowerCase();
  if (!DURATION.test(lower)) return null;
  let total = 0;
  for (const match of lower.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total > 0 ? total : null;
}

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
