import type { StatusDocument } from '@fleet/core/contracts';
import { describe, expect, it } from 'vitest';
import { type MockState, mockDocument } from '../src/mock-documents.js';
import { type SceneMotion, sceneMotion } from '../src/scene/scene-motion.js';
import { StatusStore } from '../src/status-store.js';

const NOW = new Date('2026-03-02T01:00:00Z');

function motionOf(doc: StatusDocument, reducedMotion = false): SceneMotion {
  const store = new StatusStore();
  store.acceptDocument(doc, NOW.getTime());
  return sceneMotion(store.getSnapshot(), reducedMotion);
}

/** Only the dead workers left alive in `down`'s fleet: a spark is all that moves. */
function onlyDead(): StatusDocument {
  const doc = mockDocument('down', NOW);
  const dead = new Set(doc.workers.filter((w) => !w.alive).map((w) => w.name));
  return {
    ...doc,
    workers: doc.workers.filter((w) => dead.has(w.name)),
    links: doc.links.filter((link) => dead.has(link.worker)),
  };
}

describe('what moves in the scene (how often it is drawn)', () => {
  it.each<[MockState, SceneMotion]>([
    ['healthy', 'flow'],
    ['paused', 'flow'],
    ['down', 'flow'],
    ['degraded', 'flow'],
    ['fleet-50', 'flow'],
    ['redis-down', 'still'],
  ])('?mock=%s: %s', (state, motion) => {
    expect(motionOf(mockDocument(state, NOW))).toBe(motion);
  });

  it.each<MockState>(['healthy', 'down', 'fleet-50'])(
    '?mock=%s under reduced motion: still',
    (state) => {
      expect(motionOf(mockDocument(state, NOW), true)).toBe('still');
    },
  );

  it('only flickers when all that is left is a cut pipe, and sleeps without pipes or work', () => {
    expect(motionOf(onlyDead())).toBe('flicker');
    const watcherOnly = mockDocument('healthy', NOW);
    watcherOnly.workers = watcherOnly.workers.filter((w) => w.kind === 'watcher');
    watcherOnly.links = [];
    expect(motionOf(watcherOnly)).toBe('still');
  });

  it('sleeps before the first document', () => {
    expect(sceneMotion(new StatusStore().getSnapshot(), false)).toBe('still');
  });
});
