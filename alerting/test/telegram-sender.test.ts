import { NetworkError, ParseError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../src/alert-store.js';
import { createScrubber, describeError } from '../src/scrub.js';
import { backoffMs, classifySendError, type SendOutcome } from '../src/telegram-sender.js';

const TOKEN = '123456789:AAHfake-token_for-tests-0123456789abcdef';
const scrub = createScrubber([TOKEN]);
const html = { parseMode: 'html' as const, attempts: 0 };
const plain = { parseMode: 'plain' as const, attempts: 0 };

describe('classifySendError', () => {
  it.each<[string, unknown, Pick<OutboxMessage, 'parseMode' | 'attempts'>, Partial<SendOutcome>]>([
    [
      '429 waits out retry_after',
      new TelegramApiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }),
      html,
      { kind: 'retry', afterMs: 7000, reason: 'rate_limited' },
    ],
    [
      '429 without retry_after waits 1 s',
      new TelegramApiError(429, 'Too Many Requests'),
      html,
      { kind: 'retry', afterMs: 1000 },
    ],
    [
      '500 backs off',
      new TelegramApiError(500, 'Internal Server Error'),
      html,
      { kind: 'retry', afterMs: 1000, reason: 'server_error' },
    ],
    [
      '502 on the third attempt backs off longer',
      new TelegramApiError(502, 'Bad Gateway'),
      { parseMode: 'html', attempts: 2 },
      { kind: 'retry', afterMs: 4000, reason: 'server_error' },
    ],
    [
      "400 can't parse entities falls back to plain text",
      new TelegramApiError(
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3',
      ),
      html,
      { kind: 'plain_text', reason: 'unparseable_html' },
    ],
    [
      "400 can't parse entities on plain text is final",
      new TelegramApiError(400, "Bad Request: can't parse entities: whatever"),
      plain,
      { kind: 'rejected' },
    ],
    [
      '400 chat not found is final',
      new TelegramApiError(400, 'Bad Request: chat not found'),
      html,
      { kind: 'rejected' },
    ],
    [
      '401 waits for an operator',
      new TelegramApiError(401, 'Unauthorized'),
      html,
      { kind: 'retry', reason: 'unauthorized' },
    ],
    [
      '403 (bot removed from the chat) waits for an operator',
      new TelegramApiError(403, 'Forbidden: bot was kicked from the group chat'),
      html,
      { kind: 'retry', reason: 'unauthorized' },
    ],
    [
      'network failure backs off',
      new NetworkError('Network request failed: sendMessage'),
      html,
      { kind: 'retry', reason: 'network' },
    ],
    [
      'timeout backs off',
      new TimeoutError('Request timed out: sendMessage'),
      html,
      { kind: 'retry', reason: 'network' },
    ],
    [
      'unreadable answer backs off',
      new ParseError('Invalid JSON in response to sendMessage'),
      html,
      { kind: 'retry', reason: 'server_error' },
    ],
  ])('%s', (_name, error, message, expected) => {
    expect(classifySendError(error, message, scrub)).toMatchObject(expected);
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [20, 300_000],
  ])('backoff after %d failures is %d ms', (attempts, ms) => {
    expect(backoffMs(attempts)).toBe(ms);
  });
});

describe('describeError', () => {
  it('scrubs the token from messages and causes, raw and URL-encoded', () => {
    const cause = new TypeError(`Failed to parse URL from http://api/bot${TOKEN}/sendMessage`);
    const error = new NetworkError('Network request failed: sendMessage', { cause });
    const encoded = new Error(`GET /bot${encodeURIComponent(TOKEN)}/getMe failed`);
    const line = describeError(error, scrub);
    expect(line).toBe(
      'NetworkError: Network request failed: sendMessage (EFETCH) <- TypeError: Failed to parse URL from http://api/bot***/sendMessage',
    );
    expect(describeError(encoded, scrub)).toBe('Error: GET /bot***/getMe failed');
  });

  it('describes things that are not errors', () => {
    expect(describeError('plain string', scrub)).toBe('plain string');
  });
});
