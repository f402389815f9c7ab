import { describe, expect, it } from 'vitest';
import {
  cardStatus,
  type DrawnStatus,
  drawnStatus,
  flowSpeed,
  isBusy,
  lastBeatText,
  linkOfWorker,
  STALE_LABEL,
  STATUS_COLORS,
  STATUS_VISUALS,
  showsParticles,
  silencedLabel,
  workerStateLabel,
} from '../src/status-visuals.js';

const render = (state: string | null) => ({ kind: 'render' as const, state });

describe('status → visual mapping (docs/spec.md §7)', () => {
  it.each([
    ['healthy', '#22c55e'],
    ['paused', '#f59e0b'],
    ['degraded', '#eab308'],
    ['down', '#ef4444'],
    ['unknown', '#64748b'],
  ] as const)('%s links are %s', (status, color) => {
    expect(STATUS_COLORS[status]).toBe(color);
    expect(STATUS_VISUALS[status].color).toBe(color);
  });

  it.each([
    [false, 'render', 'busy', '🔴 다운'],
    [false, 'render', null, '🔴 다운'],
    [true, 'render', 'paused', '⏸ 작업중(트레이딩)'],
    [true, 'render', 'busy', '⚙️ 처리 중'],
    [true, 'trader', 'market_open', '📈 장중'],
    [true, 'trader', 'market_closed', '🌙 휴장'],
    [true, 'render', 'idle', '🟢 대기'],
    // The watcher says what it is doing: its mode, else its state (not the table's 🟢 대기 for both).
    [true, 'watcher', 'trading', '💹 트레이딩 모드'],
    [true, 'watcher', 'free', '🟢 대기 · free'],
    [true, 'watcher', null, '🟢 대기'],
    [false, 'watcher', 'trading', '🔴 다운'],
    [true, 'render', null, '🟢 대기'],
    [true, 'render', 'something-new', '🟢 대기'],
  ] as const)('alive=%s %s state=%s is labelled %s', (alive, kind, state, label) => {
    expect(workerStateLabel({ alive, kind, state })).toBe(label);
  });

  it.each<[string, string | null, string | null, string]>([
    ['mode over state', 'free', 'trading', '💹 트레이딩 모드'],
    ['state without a mode', 'trading', null, '💹 트레이딩 모드'],
    ['mode free', 'trading', 'free', '🟢 대기 · free'],
    ['a mode of its own', 'free', 'lunch', '🟢 대기 · lunch'],
    ['a long mode, cut', 'free', 'x'.repeat(40), `🟢 대기 · ${'x'.repeat(32)}…`],
  ])('the task-watcher by its mode: %s', (_, state, mode, label) => {
    expect(workerStateLabel({ alive: true, kind: 'watcher', state, mode })).toBe(label);
  });

  // Without colour, the pipe's shape and an icon still tell the statuses apart.
  it.each([
    ['healthy', 'solid', '●'],
    ['paused', 'dashed', '⏸'],
    ['degraded', 'solid', '❌'],
    ['down', 'broken', '⚠'],
    ['unknown', 'dashed', '?'],
  ] as const)('%s pipes are %s with icon %s', (status, pattern, icon) => {
    expect(STATUS_VISUALS[status].pattern).toBe(pattern);
    expect(STATUS_VISUALS[status].icon).toBe(icon);
  });

  it('gives every status a distinct icon', () => {
    const icons = Object.values(STATUS_VISUALS).map((visual) => visual.icon);
    expect(new Set(icons).size).toBe(icons.length);
  });

  it.each([
    ['healthy', 'busy', true],
    ['healthy', 'idle', true],
    ['degraded', 'idle', true],
    ['paused', 'paused', true],
    ['down', null, false],
    ['unknown', 'busy', false],
  ] as const)('%s (%s) shows particles: %s', (status, state, shown) => {
    expect(showsParticles(status)).toBe(shown);
    expect(flowSpeed(status, render(state)) > 0).toBe(shown);
  });

  it('runs faster to a busy worker, crawls while paused, stops when down', () => {
    const busy = flowSpeed('healthy', render('busy'));
    const idle = flowSpeed('healthy', render('idle'));
    const paused = flowSpeed('paused', render('paused'));
    expect(busy).toBeGreaterThan(idle * 2);
    expect(paused).toBeGreaterThan(0);
    expect(paused).toBeLessThan(idle / 5);
    expect(flowSpeed('down', render(null))).toBe(0);
  });

  it.each([
    [true, 'render', 'busy', false, true],
    [true, 'render', 'idle', false, false],
    [true, 'render', 'paused', false, false],
    [false, 'render', 'busy', false, false],
    [true, 'render', 'busy', true, false],
    [true, 'watcher', 'trading', false, false],
    [true, 'trader', 'market_open', false, false],
  ] as const)('alive=%s %s state=%s stale=%s is busy: %s', (alive, kind, state, stale, busy) => {
    expect(isBusy({ alive, kind, state, heartbeat_stale: stale })).toBe(busy);
  });

  it.each<[boolean, 'healthy' | 'down' | 'paused' | undefined, boolean, DrawnStatus]>([
    [true, 'healthy', true, 'healthy'],
    [true, 'paused', true, 'paused'],
    [false, 'down', true, 'down'],
    [true, undefined, true, 'healthy'],
    [false, undefined, true, 'down'],
    [true, 'healthy', false, 'unknown'],
    [false, 'down', false, 'unknown'],
  ])('alive=%s link=%s redis_ok=%s is drawn %s', (alive, status, redisOk, drawn) => {
    expect(drawnStatus({ alive }, status ? { status } : undefined, redisOk)).toBe(drawn);
  });

  it.each<[boolean, string | null, 'healthy' | 'degraded' | undefined, string]>([
    [true, 'busy', 'healthy', 'healthy'],
    [true, 'idle', 'degraded', 'degraded'],
    [true, 'trading', undefined, 'trading'],
    [true, 'free', undefined, 'free'],
    [false, null, undefined, 'down'],
  ])('a card for alive=%s state=%s link=%s has data-status %s', (alive, state, link, expected) => {
    expect(cardStatus({ alive, state }, link ? { status: link } : undefined)).toBe(expected);
  });

  it.each([
    [null, 'no heartbeat seen'],
    [0, 'last beat 0s ago'],
    [74, 'last beat 74s ago'],
    [119, 'last beat 119s ago'],
    [600, 'last beat 10m ago'],
    [7200, 'last beat 2h ago'],
  ])('last beat age %s reads "%s"', (age, text) => {
    expect(lastBeatText(age)).toBe(text);
  });

  it('finds a link by its additive worker field, or by its ends without it', () => {
    const links = [
      {
        from: 'nas',
        to: 'music-render',
        type: 'redis-queue',
        status: 'healthy',
        worker: 'music-render',
      },
      { from: 'ai_trade', to: 'nas-stock', type: 'http-pull', status: 'down' },
    ] as Parameters<typeof linkOfWorker>[0];
    expect(linkOfWorker(links, 'music-render')?.type).toBe('redis-queue');
    expect(linkOfWorker(links, 'ai_trade')?.status).toBe('down');
    expect(linkOfWorker(links, 'task-watcher')).toBeUndefined();
  });
});

describe('a stale heartbeat (the key exists, its ts stopped moving) is never drawn healthy', () => {
  const stale = { alive: true, kind: 'render' as const, state: 'idle', heartbeat_stale: true };

  it('is drawn unknown (grey, dashed, no particles) even over a healthy link', () => {
    const status = drawnStatus(stale, { status: 'healthy' }, true);
    expect(status).toBe('unknown');
    expect(showsParticles(status)).toBe(false);
    expect(drawnStatus({ ...stale, heartbeat_stale: false }, { status: 'healthy' }, true)).toBe(
      'healthy',
    );
  });

  it('has its own label and card status', () => {
    expect(workerStateLabel(stale)).toBe(STALE_LABEL);
    expect(STALE_LABEL).not.toBe(workerStateLabel({ ...stale, heartbeat_stale: false }));
    expect(cardStatus(stale, { status: 'healthy' })).toBe('stale');
  });
});

describe('silencedLabel', () => {
  it.each([
    [null, 'UTC', null],
    ['2026-12-01T21:30:00.000Z', 'UTC', '🔕 무음 (until 21:30)'],
    ['2026-12-01T21:30:59.000Z', 'Asia/Seoul', '🔕 무음 (until 06:30)'],
  ] as const)('%s in %s → %s', (until, timeZone, label) => {
    expect(silencedLabel(until, timeZone)).toBe(label);
  });
});
