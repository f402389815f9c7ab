import { describe, expect, it } from 'vitest';
import { intervals, quantile, spread } from '../stats.js';

describe('quantile (nearest rank)', () => {
  it.each([
    { samples: [], q: 0.5, expected: Number.NaN },
    { samples: [7], q: 0.95, expected: 7 },
    { samples: [3, 1, 2], q: 0.5, expected: 2 },
    { samples: [1, 2, 3, 4], q: 0.5, expected: 2 },
    { samples: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], q: 0.95, expected: 100 },
    { samples: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], q: 0.9, expected: 90 },
    { samples: [5, 1, 4], q: 0, expected: 1 },
  ])('$q of $samples is $expected', ({ samples, q, expected }) => {
    expect(quantile(samples, q)).toBe(expected);
  });
});

describe('intervals', () => {
  it.each([
    { timestamps: [], expected: [] },
    { timestamps: [5], expected: [] },
    { timestamps: [0, 16, 33, 100], expected: [16, 17, 67] },
  ])('of $timestamps', ({ timestamps, expected }) => {
    expect(intervals(timestamps)).toEqual(expected);
  });
});

describe('spread', () => {
  it.each([
    { samples: [], expected: { median: Number.NaN, p95: Number.NaN, max: Number.NaN } },
    { samples: [16], expected: { median: 16, p95: 16, max: 16 } },
    {
      // One long frame among steady ones: it shows in the max, not in the median.
      samples: [...Array.from({ length: 19 }, () => 33), 250],
      expected: { median: 33, p95: 33, max: 250 },
    },
    {
      samples: [...Array.from({ length: 18 }, () => 33), 120, 250],
      expected: { median: 33, p95: 120, max: 250 },
    },
  ])('of $samples.length samples', ({ samples, expected }) => {
    expect(spread(samples)).toEqual(expected);
  });
});
