import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerCard } from '../src/cards/worker-card.js';
import { mockDocument } from '../src/mock-documents.js';
import {
  MAINTENANCE_LABEL,
  STALE_LABEL,
  STUCK_BADGE,
  silencedLabel,
} from '../src/status-visuals.js';
import { workerViews } from '../src/worker-views.js';

afterEach(cleanup);

function cardOf(patch: Record<string, unknown>, name = 'image-render') {
  const doc = mockDocument('healthy', new Date('2026-12-01T20:00:00Z'));
  doc.workers = doc.workers.map((w) => (w.name === name ? { ...w, ...patch } : w));
  const view = workerViews({ doc } as Parameters<typeof workerViews>[0]).get(name);
  if (!view) throw new Error(`no ${name} view`);
  return {
    view,
    ...render(<WorkerCard view={view} beatAgeS={200} position={3} total={6} />),
  };
}

describe('the 2D card tells stale and stuck apart from healthy', () => {
  it('a stale heartbeat: grey, labelled, "last beat" shown, not healthy', () => {
    const { view, container } = cardOf({ heartbeat_stale: true });
    expect(view.status).toBe('unknown');
    const card = container.querySelector('[data-worker="image-render"]');
    expect(card?.getAttribute('data-status')).toBe('stale');
    expect(card?.textContent).toContain(STALE_LABEL);
    expect(card?.textContent).toContain('heartbeat stale: last beat 3m ago');
  });

  it('a stuck job: a badge on the worker', () => {
    const { container } = cardOf({
      state: 'busy',
      job_stuck: true,
      stuck_since: '2026-12-01T19:20:00.000Z',
    });
    const badge = container.querySelector('.fp-card-stuck');
    expect(badge?.textContent).toBe(STUCK_BADGE);
    expect(badge?.getAttribute('data-stuck-since')).toBe('2026-12-01T19:20:00.000Z');
  });

  it('a worker under maintenance says so, even when it is down', () => {
    const maintenance = {
      id: 'schedule:0',
      source: 'schedule',
      target: 'windows',
      started_at: '2026-12-01T19:00:00.000Z',
      until: '2026-12-01T21:00:00.000Z',
      reason: 'Windows updates',
    };
    const { container } = cardOf({ alive: false, state: null, maintenance });
    expect(container.querySelector('.fp-card-state')?.textContent).toBe(MAINTENANCE_LABEL);
  });

  it('a silenced worker says until when, beside its state', () => {
    const until = '2026-12-01T21:30:00.000Z';
    const { container } = cardOf({ silenced_until: until });
    const flag = container.querySelector('.fp-card-silenced');
    expect(flag?.textContent).toBe(silencedLabel(until));
    expect(flag?.textContent).toMatch(/^🔕 무음 \(until \d\d:\d\d\)$/);
    expect(flag?.getAttribute('data-silenced-until')).toBe(until);
    expect(container.querySelector('.fp-card-state')?.textContent).toBe('🟢 대기');
  });

  it('a healthy worker has none of them', () => {
    const { container } = cardOf({});
    expect(container.textContent).not.toContain(STALE_LABEL);
    expect(container.querySelector('.fp-card-stuck')).toBeNull();
    expect(container.querySelector('.fp-card-silenced')).toBeNull();
  });
});

describe('the 2D card says what each kind of worker is doing', () => {
  it.each<[string, string, Record<string, unknown>, string, string | null, boolean]>([
    [
      'render busy',
      'image-render',
      { state: 'busy', processing: 2 },
      '⚙️ 처리 중',
      'busy · 2 in flight',
      true,
    ],
    ['render idle', 'image-render', { state: 'idle' }, '🟢 대기', null, false],
    ['render busy, dead', 'image-render', { state: 'busy', alive: false }, '🔴 다운', null, false],
    [
      'watcher trading',
      'task-watcher',
      { state: 'trading', mode: 'trading' },
      '💹 트레이딩 모드',
      'mode: trading · render work paused',
      false,
    ],
    [
      'watcher free',
      'task-watcher',
      { state: 'free', mode: 'free' },
      '🟢 대기 · free',
      'mode: free',
      false,
    ],
    [
      'trader open',
      'ai_trade',
      { state: 'market_open' },
      '📈 장중',
      'market open · trading',
      false,
    ],
    ['trader closed', 'ai_trade', { state: 'market_closed' }, '🌙 휴장', 'market closed', false],
  ])('%s', (_, name, patch, label, doing, busy) => {
    const { container } = cardOf(patch, name);
    const card = container.querySelector(`[data-worker="${name}"]`);
    expect(card?.querySelector('.fp-card-state')?.textContent).toBe(label);
    expect(card?.querySelector('.fp-card-doing')?.textContent ?? null).toBe(doing);
    // Busy reads without colour: a chip with the icon and the word, and a data flag for the stripe.
    expect(card?.getAttribute('data-busy')).toBe(busy ? 'true' : null);
    expect(card?.querySelector('.fp-card-busy-chip')?.textContent ?? null).toBe(
      busy ? '⚙ busy' : null,
    );
  });
});

describe('the 2D card as a list item', () => {
  it('knows its place in the whole list', () => {
    const card = cardOf({}).container.querySelector('[data-worker]');
    expect(card?.getAttribute('role')).toBe('listitem');
    expect(card?.getAttribute('aria-posinset')).toBe('3');
    expect(card?.getAttribute('aria-setsize')).toBe('6');
  });
});
