import { describe, expect, it } from 'vitest';
import { initialAlertState } from '../src/alert-state.js';
import { formatDuration, parseDuration } from '../src/duration.js';
import type { AlertEvent } from '../src/evaluate-check.js';
import { escapeHtml, htmlToPlain, TELEGRAM_MAX_CHARS } from '../src/html.js';
import type { Lang } from '../src/lang.js';
import { renderAlertMessage } from '../src/messages.js';
import { applySilences } from '../src/silences.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('renderAlertMessage', () => {
  it.each<[Lang, AlertEvent, string]>([
    [
      'ko',
      {
        type: 'worker_down',
        worker: 'video-render',
        atBoot: false,
        downSince: NOW,
        lastBeatAt: '2024-05-01T11:59:00Z',
      },
      '🔴 [video-render] 워커 다운\n   마지막 하트비트 1분 전',
    ],
    [
      'en',
      {
        type: 'worker_down',
        worker: 'video-render',
        atBoot: false,
        downSince: NOW,
        lastBeatAt: '2024-05-01T11:59:00Z',
      },
      '🔴 [video-render] worker down\n   last heartbeat 1m ago',
    ],
    [
      'ko',
      {
        type: 'worker_down',
        worker: 'ai_trade',
        atBoot: true,
        downSince: NOW - 90_000,
        lastBeatAt: null,
      },
      '🔴 [ai_trade] 워커 다운\n   모니터 시작 후 1분 30초 동안 하트비트 없음',
    ],
    [
      'en',
      {
        type: 'worker_down',
        worker: 'ai_trade',
        atBoot: true,
        downSince: NOW - 90_000,
        lastBeatAt: null,
      },
      '🔴 [ai_trade] worker down\n   no heartbeat in the 1m 30s since the monitor started',
    ],
    [
      'ko',
      { type: 'worker_recovered', worker: 'video-render', downForMs: 750_000 },
      '🟢 [video-render] 워커 복구 (다운 12분 30초)',
    ],
    [
      'en',
      { type: 'worker_recovered', worker: 'video-render', downForMs: 750_000 },
      '🟢 [video-render] worker recovered (down 12m 30s)',
    ],
    [
      'ko',
      { type: 'worker_still_down', worker: 'video-render', downForMs: 7_380_000 },
      '🔁 [video-render] 여전히 다운 (2시간 3분째)',
    ],
    [
      'en',
      { type: 'worker_still_down', worker: 'video-render', downForMs: 7_380_000 },
      '🔁 [video-render] still down (2h 3m)',
    ],
    [
      'ko',
      { type: 'dead_letter', worker: 'music-render', count: 3, previous: 0 },
      '❌ [music-render] 실패 누적 3건 (dead-letter)',
    ],
    [
      'en',
      { type: 'dead_letter', worker: 'music-render', count: 3, previous: 0 },
      '❌ [music-render] 3 failed jobs (dead-letter)',
    ],
    [
      'ko',
      { type: 'queue_stuck', worker: 'insta-render', depth: 12, stuckForMs: 900_000 },
      '⏳ [insta-render] 큐 정체: 대기 12건, 15분째 줄지 않음',
    ],
    [
      'en',
      { type: 'queue_stuck', worker: 'insta-render', depth: 12, stuckForMs: 900_000 },
      '⏳ [insta-render] queue stuck: 12 waiting, not falling for 15m',
    ],
    [
      'ko',
      { type: 'queue_moving', worker: 'insta-render', depth: 3 },
      '▶️ [insta-render] 큐 처리 재개 (대기 3건)',
    ],
    [
      'en',
      { type: 'queue_moving', worker: 'insta-render', depth: 3 },
      '▶️ [insta-render] queue moving again (3 waiting)',
    ],
    [
      'ko',
      { type: 'redis_down', error: 'connect ECONNREFUSED 127.0.0.1:6379', downSince: NOW },
      '🚨 모니터가 Redis를 읽을 수 없음\n   오류: connect ECONNREFUSED 127.0.0.1:6379',
    ],
    [
      'en',
      { type: 'redis_down', error: 'connect ECONNREFUSED 127.0.0.1:6379', downSince: NOW },
      '🚨 The monitor cannot read Redis\n   error: connect ECONNREFUSED 127.0.0.1:6379',
    ],
    [
      'ko',
      { type: 'redis_still_down', error: null, downForMs: 600_000 },
      '🔁 Redis 여전히 연결 안 됨 (10분째)',
    ],
    [
      'en',
      { type: 'redis_still_down', error: null, downForMs: 600_000 },
      '🔁 Redis still unreachable (10m)',
    ],
    [
      'ko',
      { type: 'redis_restored', downForMs: 312_000 },
      '✅ Redis 연결 복구 (5분 12초 동안 끊김)',
    ],
    [
      'en',
      { type: 'redis_restored', downForMs: 312_000 },
      '✅ Redis reachable again (was down 5m 12s)',
    ],
  ])('%s: %j', (lang, event, expected) => {
    const message = renderAlertMessage([event], initialAlertState(NOW), NOW, lang);
    expect(message.plain).toBe(expected);
    expect(htmlToPlain(message.html)).toBe(message.plain);
  });

  it('escapes what came from outside (a Redis error) in the HTML form only', () => {
    const event: AlertEvent = { type: 'redis_down', error: 'bad <reply> & "more"', downSince: NOW };
    const message = renderAlertMessage([event], initialAlertState(NOW), NOW, 'en');
    expect(message.html).toContain('bad &lt;reply&gt; &amp; "more"');
    expect(message.plain).toContain('bad <reply> & "more"');
  });

  it('lists what is still down, apart from what this message announces', () => {
    const state = initialAlertState(NOW);
    for (const [name, downSince] of [
      ['video-render', NOW - 720_000],
      ['ai_trade', NOW - 180_000],
    ] as const) {
      state.workers[name] = {
        status: 'down',
        firstSeenAt: 0,
        changingSince: null,
        downSince,
        lastBeatAt: null,
        notifiedAt: NOW,
        graceUntil: null,
        deadLetterReported: 0,
        stuck: null,
        checkedAt: NOW,
      };
    }
    const events: AlertEvent[] = [
      { type: 'worker_down', worker: 'ai_trade', atBoot: false, downSince: NOW, lastBeatAt: null },
    ];
    expect(renderAlertMessage(events, state, NOW, 'ko').plain).toBe(
      '🔴 [ai_trade] 워커 다운\n\n아직 다운: video-render (12분)',
    );
    expect(renderAlertMessage(events, state, NOW, 'en').plain).toBe(
      '🔴 [ai_trade] worker down\n\nStill down: video-render (12m)',
    );
  });

  it('stays within Telegram’s 4096 characters, cutting whole lines', () => {
    const events: AlertEvent[] = Array.from({ length: 400 }, (_, index) => ({
      type: 'dead_letter',
      worker: `worker-with-a-long-name-${index}`,
      count: index + 1,
      previous: 0,
    }));
    const message = renderAlertMessage(events, initialAlertState(NOW), NOW, 'ko');
    expect(message.html.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
    expect(message.html.split('<b>').length).toBe(message.html.split('</b>').length);
    expect(message.plain).toMatch(/… 외 \d+줄$/);
  });
});

describe('durations', () => {
  it.each<[string, number | null]>([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    ['2H', 7_200_000],
    ['0m', null],
    ['2', null],
    ['h', null],
    ['2 hours', null],
    ['-5m', null],
  ])('parseDuration(%j) = %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each<[number, Lang, string]>([
    [0, 'ko', '0초'],
    [45_000, 'ko', '45초'],
    [750_000, 'ko', '12분 30초'],
    [3_600_000, 'ko', '1시간'],
    [90_061_000, 'ko', '1일 1시간'],
    [750_000, 'en', '12m 30s'],
    [90_061_000, 'en', '1d 1h'],
  ])('formatDuration(%d, %s) = %s', (ms, lang, expected) => {
    expect(formatDuration(ms, lang)).toBe(expected);
  });
});

describe('html', () => {
  it.each([
    ['a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['&lt;', '&amp;lt;'],
    ['plain', 'plain'],
  ])('escapeHtml(%j) round-trips through htmlToPlain', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
    expect(htmlToPlain(escapeHtml(text))).toBe(text);
  });
});

describe('applySilences', () => {
  const events: AlertEvent[] = [
    { type: 'worker_down', worker: 'a', atBoot: false, downSince: 0, lastBeatAt: null },
    { type: 'dead_letter', worker: 'b', count: 1, previous: 0 },
    { type: 'redis_restored', downForMs: 1000 },
  ];
  it.each<[string, Record<string, number>, string[]]>([
    ['no silences', {}, ['worker_down', 'dead_letter', 'redis_restored']],
    ['one worker', { a: NOW + 1000 }, ['dead_letter', 'redis_restored']],
    ['an expired silence', { a: NOW - 1 }, ['worker_down', 'dead_letter', 'redis_restored']],
    ['all', { all: NOW + 1000 }, []],
  ])('%s', (_name, silences, announced) => {
    const { announce, silenced } = applySilences(events, silences, NOW);
    expect(announce.map((event) => event.type)).toEqual(announced);
    expect(announce.length + silenced.length).toBe(events.length);
  });
});
