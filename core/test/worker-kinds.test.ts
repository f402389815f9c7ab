import {
  defaultLinkOf,
  isPausedState,
  LANGS,
  STATES_BY_KIND,
  type StateSpec,
  stateLabel,
  WORKER_KIND_TABLE,
  WORKER_KINDS,
} from '@fleet/core';
import { describe, expect, it } from 'vitest';

const everyState = WORKER_KINDS.flatMap((kind) =>
  Object.entries(WORKER_KIND_TABLE[kind].states as Record<string, StateSpec>).map(
    ([state, spec]) => ({ kind, state, spec }),
  ),
);

describe('WORKER_KIND_TABLE', () => {
  it('lists the kinds and states of docs/spec.md §1, in display order', () => {
    expect(WORKER_KINDS).toEqual(['render', 'watcher', 'trader']);
    expect(STATES_BY_KIND).toEqual({
      render: ['idle', 'busy', 'paused'],
      watcher: ['trading', 'free'],
      trader: ['market_open', 'market_closed'],
    });
  });

  it.each(everyState)('$kind/$state has a label in every language and a colour', ({ spec }) => {
    for (const lang of LANGS) expect(spec.label[lang]).toMatch(/\S/);
    expect(new Set(LANGS.map((lang) => spec.label[lang])).size).toBe(LANGS.length);
    expect(spec.color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it.each(WORKER_KINDS)('%s names only its own states', (kind) => {
    const spec = WORKER_KIND_TABLE[kind];
    const states: readonly string[] = STATES_BY_KIND[kind];
    const named = [
      spec.initial,
      ...Object.values(spec.tradingPause ?? {}),
      ...Object.values(spec.market ?? {}),
    ];
    for (const state of named) expect(states).toContain(state);
  });

  it.each([
    ['render', 'music-render', { from: 'nas', to: 'music-render', type: 'redis-queue' }],
    ['watcher', 'task-watcher', null],
    ['trader', 'ai_trade', { from: 'ai_trade', to: 'nas-stock', type: 'http-pull' }],
  ] as const)('draws a %s worker %s with link %o', (kind, name, link) => {
    expect(defaultLinkOf(kind, name)).toEqual(link);
  });

  it.each([
    [{ alive: false, kind: 'render', state: 'busy' }, '🔴 다운', '🔴 down'],
    [{ alive: true, kind: 'render', state: 'paused' }, '⏸ 작업중(트레이딩)', '⏸ paused (trading)'],
    [{ alive: true, kind: 'render', state: 'busy' }, '⚙️ 처리 중', '⚙️ busy'],
    [{ alive: true, kind: 'trader', state: 'market_open' }, '📈 장중', '📈 market open'],
    [{ alive: true, kind: 'trader', state: 'market_closed' }, '🌙 휴장', '🌙 market closed'],
    [{ alive: true, kind: 'watcher', state: 'trading' }, '🟢 대기', '🟢 idle'],
    [{ alive: true, kind: 'render', state: null }, '🟢 대기', '🟢 idle'],
    // A state name of another kind is not this kind's state.
    [{ alive: true, kind: 'trader', state: 'busy' }, '🟢 대기', '🟢 idle'],
    [{ alive: true, kind: 'render', state: 'toString' }, '🟢 대기', '🟢 idle'],
  ] as const)('labels %o as %s / %s', (worker, ko, en) => {
    expect(stateLabel(worker, 'ko')).toBe(ko);
    expect(stateLabel(worker, 'en')).toBe(en);
  });

  it('pauses only the render worker in its paused state', () => {
    const pausing = everyState.filter(({ kind, state }) => isPausedState(kind, state));
    expect(pausing.map(({ kind, state }) => `${kind}/${state}`)).toEqual(['render/paused']);
    expect(isPausedState('trader', 'paused')).toBe(false);
  });
});
