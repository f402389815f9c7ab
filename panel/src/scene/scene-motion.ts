import type { PanelSnapshot } from '../status-store.js';
import { showsParticles } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';

/**
 * What moves in the scene, which sets how often it is drawn: `flow` (particles on a pipe, a busy
 * bar, the bus rings) at full rate, `flicker` (only a down pipe's spark) at a few frames a
 * second, `still` not at all until something changes.
 */
export type SceneMotion = 'flow' | 'flicker' | 'still';

/** Frames per second for each motion; `still` draws only when the data, size or tab changes. */
export const MOTION_FPS: Readonly<Record<SceneMotion, number>> = { flow: 30, flicker: 8, still: 0 };

/** The scene's motion for a snapshot: nothing moves under reduced motion or without Redis. */
export function sceneMotion(snapshot: PanelSnapshot, reducedMotion: boolean): SceneMotion {
  const doc = snapshot.doc;
  if (reducedMotion || !doc?.redis_ok) return 'still';
  let motion: SceneMotion = 'still';
  for (const view of workerViews(snapshot).values()) {
    if (view.busy) return 'flow';
    if (!view.link) continue;
    if (showsParticles(view.status) && view.speed > 0) return 'flow';
    if (view.status === 'down') motion = 'flicker';
  }
  return motion;
}
