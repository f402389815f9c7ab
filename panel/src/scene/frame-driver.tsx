import { useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import type { StatusStore } from '../status-store.js';
import { MOTION_FPS, sceneMotion } from './scene-motion.js';

export interface FrameDriverProps {
  store: StatusStore;
  /** prefers-reduced-motion: nothing moves, frames are drawn only for changes. */
  reducedMotion: boolean;
}

/** Frames drawn after a change (new data, a resize, the tab shown) so labels and camera settle. */
const SETTLE_FRAMES = 5;
/** Scene time advances at most this much per frame, so waking after a sleep does not jump. */
const MAX_STEP_MS = 100;

/**
 * Draws the canvas (set to `frameloop="never"`) only while something moves, at the rate its
 * motion needs (`sceneMotion`: 30 fps for flowing particles, 8 for a lone spark), and a few
 * frames after each change; it sleeps otherwise, and always while the tab is hidden.
 */
export function FrameDriver({ store, reducedMotion }: FrameDriverProps) {
  const advance = useThree((state) => state.advance);
  const size = useThree((state) => state.size);
  const wake = useRef<() => void>(() => {});

  useEffect(() => {
    let handle = 0;
    let settle = SETTLE_FRAMES;
    let previous: number | null = null;
    let lastDrawn = Number.NEGATIVE_INFINITY;
    let sceneTime = 0;
    const tick = (time: number) => {
      handle = 0;
      if (document.hidden) return;
      const fps = MOTION_FPS[sceneMotion(store.getSnapshot(), reducedMotion)];
      // A little slack so a 60 Hz display reliably gives every second frame.
      const due = settle > 0 || (fps > 0 && time - lastDrawn >= 1000 / fps - 4);
      if (due) {
        sceneTime += Math.min(MAX_STEP_MS, previous === null ? 0 : time - previous) / 1000;
        previous = time;
        lastDrawn = time;
        settle = Math.max(0, settle - 1);
        advance(sceneTime);
      }
      if (settle > 0 || fps > 0) handle = requestAnimationFrame(tick);
      else previous = null;
    };
    wake.current = () => {
      settle = SETTLE_FRAMES;
      if (!handle) handle = requestAnimationFrame(tick);
    };
    wake.current();
    const unsubscribe = store.subscribe(() => wake.current());
    const onVisibility = () => {
      if (!document.hidden) wake.current();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelAnimationFrame(handle);
      unsubscribe();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [advance, store, reducedMotion]);

  // The camera refits on a resize; the new picture must be drawn even while asleep.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new size is the reason to draw.
  useEffect(() => wake.current(), [size]);
  return null;
}
