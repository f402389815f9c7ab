import { describe, expect, it } from 'vitest';
import { initialAlertState, type SilenceWatch } from '../src/alert-state.js';
import { formatDuration, parseDuration } from '../src/duration.js';
import type { AlertEvent } from '../src/evaluate-check.js';
import { escapeHtml, htmlToPlain, TELEGRAM_MAX_CHARS } from '../src/html.js';
import type { Lang } from '../src/lang.js';
import { clockTime, renderAlertMessages } from '../src/messages.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('renderAlertMessages', () => {
  it.each<[Lang, AlertEvent, string]>([
    [
      'ko',
      {
        type: 'worker_down',
        worker: 'video-render',
        atBoot: false,
        downSince: NOW,
        lastBeatSeenAt: NOW - 60_000,
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
        lastBeatSeenAt: NOW - 60_000,
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
        lastBeatSeenAt: null,
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
        lastBeatSeenAt: null,
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
      {
        type: 'silence_over',
        worker: 'video-render',
        downSince: NOW - 600_000,
        recoveredAfterMs: null,
        deadLetters: 4,
        maintenance: false,
      },
      '🔔 [video-render] 무음 중 변화: 다운 (10분째), 실패 누적 4건 (dead-letter)',
    ],
    [
      'en',
      {
        type: 'silence_over',
        worker: 'video-render',
        downSince: NOW - 600_000,
        recoveredAfterMs: null,
        deadLetters: 4,
        maintenance: false,
      },
      '🔔 [video-render] while silenced: went down, still down (10m), 4 failed jobs (dead-letter)',
    ],
    [
      'ko',
      {
        type: 'silence_over',
        worker: 'video-render',
        downSince: null,
        recoveredAfterMs: 125_000,
        deadLetters: null,
        maintenance: false,
      },
      '🔔 [video-render] 무음 중 변화: 다운됐다가 복구됨 (다운 2분 5초)',
    ],
    [
      'en',
      {
        type: 'silence_over',
        worker: 'video-render',
        downSince: null,
        recoveredAfterMs: 125_000,
        deadLetters: null,
        maintenance: false,
      },
      '🔔 [video-render] while silenced: went down and recovered (down 2m 5s)',
    ],
    [
      'ko',
      {
        type: 'silence_over',
        worker: 'music-render',
        downSince: NOW - 600_000,
        recoveredAfterMs: null,
        deadLetters: null,
        maintenance: true,
      },
      '🛠 [music-render] 점검 중 변화: 다운 (10분째)',
    ],
    [
      'ko',
      // NOW is 21:00 in Seoul: a window ending at 03:30 the next day says the date.
      {
        type: 'maintenance_started',
        source: 'command',
        workers: ['music-render'],
        id: '3',
        target: 'nas',
        until: NOW + 6.5 * 3_600_000,
        reason: '<backup>',
      },
      '🛠 [nas] 점검 시작: 05-02 03:30까지 알림 없음 (<backup>)',
    ],
    [
      'en',
      {
        type: 'maintenance_started',
        source: 'command',
        workers: ['music-render'],
        id: '3',
        target: 'nas',
        until: NOW + 1_800_000,
        reason: null,
      },
      '🛠 [nas] maintenance started: no alerts until 21:30',
    ],
    [
      'ko',
      {
        type: 'maintenance_over',
        workers: [],
        id: 'schedule:0',
        source: 'schedule',
        target: 'windows',
        lastedMs: 7_200_000,
        quiet: true,
      },
      '🛠 [windows] 점검 끝 (2시간): 변화 없음',
    ],
    [
      'en',
      {
        type: 'maintenance_over',
        workers: [],
        id: 'schedule:0',
        source: 'schedule',
        target: 'windows',
        lastedMs: 1_800_000,
        quiet: false,
      },
      '🛠 [windows] maintenance over (30m)',
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
    const [message, ...more] = renderAlertMessages([event], initialAlertState(NOW), NOW, lang);
    expect(more).toEqual([]);
    expect(message?.plain).toBe(expected);
    expect(htmlToPlain(message?.html ?? '')).toBe(message?.plain);
  });

  it('escapes what came from outside (a Redis error) in the HTML form only', () => {
    const event: AlertEvent = { type: 'redis_down', error: 'bad <reply> & "more"', downSince: NOW };
    const [message] = renderAlertMessages([event], initialAlertState(NOW), NOW, 'en');
    expect(message?.html).toContain('bad &lt;reply&gt; &amp; "more"');
    expect(message?.plain).toContain('bad <reply> & "more"');
  });

  it.each<[string, SilenceWatch | null, string]>([
    ['lists what is still down', null, '\n\n아직 다운: video-render (12분)'],
    // On call does not want to be re-alerted about what they silenced; /status still shows it.
    [
      'leaves out a worker silenced',
      { since: NOW - 60_000, deadLetters: 0, outageMs: null, maintenance: false },
      '',
    ],
    [
      'leaves out a worker under maintenance',
      { since: NOW - 60_000, deadLetters: 0, outageMs: null, maintenance: true },
      '',
    ],
  ])('%s, apart from what this message announces', (_name, silence, footer) => {
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
        lastBeatSeenAt: null,
        notifiedAt: NOW,
        downAnnounced: true,
        silence: name === 'video-render' ? silence : null,
        graceUntil: null,
        deadLetterReported: 0,
        deadLetterNotifiedAt: null,
        staleNotified: false,
        jobStuckNotified: false,
        stuck: null,
        checkedAt: NOW,
      };
    }
    const events: AlertEvent[] = [
      {
        type: 'worker_down',
        worker: 'ai_trade',
        atBoot: false,
        downSince: NOW,
        lastBeatSeenAt: null,
      },
    ];
    expect(renderAlertMessages(events, state, NOW, 'ko')[0]?.plain).toBe(
      `🔴 [ai_trade] 워커 다운${footer}`,
    );
    expect(renderAlertMessages(events, state, NOW, 'en')[0]?.plain).toBe(
      `🔴 [ai_trade] worker down${footer.replace('아직 다운', 'Still down').replace('12분', '12m')}`,
    );
  });

  it('splits a big outage across messages of at most 4096 characters, naming everyone', () => {
    const names = Array.from({ length: 200 }, (_, index) => `worker-with-a-long-name-${index}`);
    const events: AlertEvent[] = names.map((worker, index) => ({
      type: 'worker_down',
      worker,
      atBoot: false,
      downSince: NOW - 60_000,
      lastBeatSeenAt: NOW - 50_000 - index,
    }));
    const messages = renderAlertMessages(events, initialAlertState(NOW), NOW, 'ko');
    expect(messages.length).toBeGreaterThan(1);
    for (const [index, message] of messages.entries()) {
      expect(message.html.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
      expect(message.html.split('<b>').length).toBe(message.html.split('</b>').length);
      expect(message.plain).toMatch(new RegExp(`\\(${index + 1}/${messages.length}\\)$`));
    }
    const all = messages.map((message) => message.plain).join('\n');
    for (const name of names) expect(all).toContain(`🔴 [${name}] 워커 다운`);
    expect(all).not.toContain('외');
  });

  it('splits a long "still down" list too, HTML intact', () => {
    const state = initialAlertState(NOW);
    const names = Array.from({ length: 300 }, (_, index) => `a<b>&-${index}`.padEnd(30, 'x'));
    for (const name of names) {
      state.workers[name] = { ...downEntry(), downSince: NOW - 60_000 };
    }
    const event: AlertEvent = { type: 'redis_restored', downForMs: 1000 };
    const messages = renderAlertMessages([event], state, NOW, 'en');
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.html.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
      expect(message.html.split('<i>').length).toBe(message.html.split('</i>').length);
      expect(message.html).not.toMatch(/<b>&/);
    }
    const all = messages.map((message) => message.plain).join('\n');
    for (const name of names) expect(all).toContain(`${name} (1m)`);
  });

  it.each<[Lang, string, string]>([
    [
      'ko',
      '🔴 [windows] 호스트 다운: 워커 3/4개: w1, w2, w3\n   마지막 하트비트 40초 전',
      '🟢 [windows] 호스트 복구: 워커 3/4개 (다운 5분): w1, w2, w3',
    ],
    [
      'en',
      '🔴 [windows] host down: 3 of 4 workers: w1, w2, w3\n   last heartbeat 40s ago',
      '🟢 [windows] host recovered: 3 of 4 workers (down 5m): w1, w2, w3',
    ],
  ])('%s: most of a host going down (or back) in one check is one line', (lang, down, back) => {
    const hosts = { w1: 'windows', w2: 'windows', w3: 'windows', w4: 'windows', n1: 'nas' };
    const downs: AlertEvent[] = ['w1', 'n1', 'w2', 'w3'].map((worker) => ({
      type: 'worker_down',
      worker,
      atBoot: false,
      downSince: NOW - 60_000,
      lastBeatSeenAt: NOW - (worker === 'w2' ? 40_000 : 60_000),
    }));
    const [first] = renderAlertMessages(downs, initialAlertState(NOW), NOW, lang, hosts);
    const nas = lang === 'ko' ? '🔴 [n1] 워커 다운' : '🔴 [n1] worker down';
    expect(first?.plain.split('\n').slice(0, 2).join('\n')).toBe(down);
    expect(first?.plain).toContain(nas);
    const ups: AlertEvent[] = ['w1', 'w2', 'w3'].map((worker) => ({
      type: 'worker_recovered',
      worker,
      downForMs: worker === 'w3' ? 300_000 : 100_000,
    }));
    expect(renderAlertMessages(ups, initialAlertState(NOW), NOW, lang, hosts)[0]?.plain).toBe(back);
  });

  it('keeps a line per worker when only a few of a host go down', () => {
    const hosts = { w1: 'windows', w2: 'windows', w3: 'windows', w4: 'windows' };
    const downs: AlertEvent[] = ['w1', 'w2'].map((worker) => ({
      type: 'worker_down',
      worker,
      atBoot: false,
      downSince: NOW,
      lastBeatSeenAt: null,
    }));
    expect(renderAlertMessages(downs, initialAlertState(NOW), NOW, 'en', hosts)[0]?.plain).toBe(
      '🔴 [w1] worker down\n🔴 [w2] worker down',
    );
  });
});

function downEntry() {
  return {
    status: 'down' as const,
    firstSeenAt: 0,
    changingSince: null,
    downSince: NOW,
    lastBeatAt: null,
    lastBeatSeenAt: null,
    notifiedAt: NOW,
    downAnnounced: true,
    silence: null,
    graceUntil: null,
    deadLetterReported: 0,
    deadLetterNotifiedAt: null,
    staleNotified: false,
    jobStuckNotified: false,
    stuck: null,
    checkedAt: NOW,
  };
}

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

describe('clockTime: who pressed what when, on the ALERT_TIME_ZONE clock', () => {
  it.each([
    ['Asia/Seoul', '2026-01-15T05:03:00Z', '14:03 KST'],
    ['America/New_York', '2026-01-15T05:03:00Z', '00:03 EST'],
    ['America/New_York', '2026-07-15T05:03:00Z', '01:03 EDT'],
    ['Europe/Berlin', '2026-07-15T05:03:00Z', '07:03 GMT+2'],
    ['UTC', '2026-07-15T23:59:00Z', '23:59 UTC'],
  ])('%s at %s reads %s', (zone, at, expected) => {
    expect(clockTime(Date.parse(at), zone)).toBe(expected);
  });
});
