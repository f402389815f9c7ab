import type { Vec3 } from '../scene/scene-layout.js';

interface Anchor {
  position: Vec3;
  element: HTMLElement;
}

/**
 * DOM labels pinned to points of the 3D scene. Labels register here; the projector inside the
 * canvas moves them when the camera or the canvas size changes.
 */
export class AnchorRegistry {
  private readonly anchors = new Map<string, Anchor>();
  private readonly refs = new Map<
    string,
    { position: Vec3; ref: (element: HTMLElement | null) => void }
  >();
  /** Bumped on every change so the projector knows to place new labels. */
  version = 0;
  /** The layer holding the labels; receives the blade size as CSS variables. */
  root: HTMLElement | null = null;

  /** A ref callback that pins `id`'s element to `position` (the same callback while both hold). */
  pin(id: string, position: Vec3): (element: HTMLElement | null) => void {
    const cached = this.refs.get(id);
    if (cached && cached.position === position) return cached.ref;
    const ref = (element: HTMLElement | null) => {
      if (element) this.anchors.set(id, { position, element });
      else this.anchors.delete(id);
      this.version += 1;
    };
    this.refs.set(id, { position, ref });
    return ref;
  }

  forEach(visit: (anchor: Anchor) => void): void {
    for (const anchor of this.anchors.values()) visit(anchor);
  }
}
