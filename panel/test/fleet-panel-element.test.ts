import { describe, expect, it } from 'vitest';
import { parsePollInterval } from '../src/fleet-panel-element.js';

describe('the poll-interval attribute', () => {
  it.each([
    [null, 3],
    ['', 3],
    ['soon', 3],
    ['5', 5],
    ['2.5', 2.5],
    ['0.1', 1],
    ['-4', 1],
  ])('%j → %d s', (value, seconds) => {
    expect(parsePollInterval(value)).toBe(seconds);
  });
});
