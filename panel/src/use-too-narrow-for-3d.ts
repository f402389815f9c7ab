import { type RefObject, useLayoutEffect, useState } from 'react';

/**
 * The narrowest panel the 3D view is offered at, in CSS pixels. Below it (a phone held upright,
 * 390 px) the scene must shrink so far to fit the NAS, the bus and the blades that the labels
 * overlap and worker names are cut to a few letters; the cards show everything there.
 */
export const MIN_3D_WIDTH = 640;

/** Why the 3D view is not offered at this width. */
export const TOO_NARROW_FOR_3D = `The 3D view needs a panel at least ${MIN_3D_WIDTH} px wide (on a narrower screen its labels overlap and names are cut)`;

/** Whether `ref`'s element (the panel) is narrower than `MIN_3D_WIDTH`, following resizes. */
export function useTooNarrowFor3d(ref: RefObject<HTMLElement | null>): boolean {
  // A first guess before layout, so a phone never starts loading the 3D chunk.
  const [narrow, setNarrow] = useState(
    () => typeof window !== 'undefined' && window.innerWidth < MIN_3D_WIDTH,
  );
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const width = element.getBoundingClientRect().width;
      // An element not laid out yet (width 0, e.g. in jsdom) tells nothing.
      if (width > 0) setNarrow(width < MIN_3D_WIDTH);
    };
    measure();
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return narrow;
}
