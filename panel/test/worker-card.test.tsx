import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerCard } from '../src/cards/worker-card.js';
import { mockDocument } from '../src/mock-documents.js';
import { MAINTENANCE_LABEL, STALE_LABEL, STUCK_BADGE } from '../src/status-visuals.js';
import { workerViews } from '../src/worker-views.js';

afterEach(cleanup);

function cardOf(patch: Record<string, unknown>) {
  const doc = mockDocument('healthy', new Date('2026-12-01T20:00:00Z'));
  doc.workers = doc.workers.map((w) => (w.name === 'image-render' ? { ...w, ...patch } : w));
  const view = workerViews({ doc } as Parameters<typeof workerViews>[0]).get('image-render');
  if (!view) throw new Error('no image-render view');
  return { view, ...render(<WorkerCard view={view} beatAgeS={200} />) };
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

  it('a healthy worker has neither', () => {
    const { container } = cardOf({});
    expect(container.textContent).not.toContain(STALE_LABEL);
    expect(container.querySelector('.fp-card-stuck')).toBeNull();
  });
});
