import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';

export interface FrameDriverProps {
  /** Most frames per second to draw. */
  fps: number;
}

/**
 * Draws the canvas (set to `frameloop="never"`) at most `fps` times a second: the panel stays
 * open all day, and 30 fps is plenty for particles; with nothing moving a few fps pick up changes.
 */
export function FrameDriver({ fps }: FrameDriverProps) {
  const advance = useThree((state) => state.advance);
  useEffect(() => {
    const interval = 1000 / fps;
    let start: number | null = null;
    let last = Number.NEGATIVE_INFINITY;
    let handle = requestAnimationFrame(function tick(time) {
      handle = requestAnimationFrame(tick);
      // A little slack so a 60 Hz display reliably gives every second frame.
      if (time - last < interval - 4) return;
      last = time;
      start ??= time;
      advance((time - start) / 1000);
    });
    return () => cancelAnimationFrame(handle);
  }, [advance, fps]);
  return null;
}
