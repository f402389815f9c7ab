import { redactUrl } from '@fleet/core';
import { describe, expect, it } from 'vitest';

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret@nas:6379/0', 'redis://:***@nas:6379/0'],
    ['rediss://fleet:s3cret@nas:6380', 'rediss://fleet:***@nas:6380'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    [
      'https://api.telegram.org/bot123:ABC/sendMessage',
      'https://api.telegram.org/bot***/sendMessage',
    ],
    ['not a url s3cret', '[unparseable url]'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(redactUrl(url)).not.toContain('s3cret');
  });
});
