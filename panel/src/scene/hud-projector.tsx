import { useFrame, useThree } from '@react-three/fiber';
import { useRef } from 'react';
import { Vector3 } from 'three';
import type { AnchorRegistry } from '../hud/anchor-registry.js';
import { LAYOUT } from './scene-layout.js';

export interface HudProjectorProps {
  anchors: AnchorRegistry;
}

/** Frames drawn before the scene reports itself ready (tests and screenshots wait for it). */
const READY_AFTER_FRAMES = 3;

/**
 * Moves the DOM labels over their 3D anchors. Work is done only when the camera, the canvas
 * size or the set of labels changed, not every frame.
 */
export function HudProjector({ anchors }: HudProjectorProps) {
  const camera = useThree((state) => state.camera);
  const size = useThree((state) => state.size);
  const placed = useRef('');
  const frames = useRef(0);
  const scratch = useRef({ point: new Vector3(), edge: new Vector3() });

  useFrame(() => {
    frames.current += 1;
    if (frames.current === READY_AFTER_FRAMES && anchors.root)
      anchors.root.dataset.sceneReady = 'true';
    const { x, y, z } = camera.position;
    const key = `${size.width}x${size.height}@${x.toFixed(3)},${y.toFixed(3)},${z.toFixed(3)}#${anchors.version}`;
    if (key === placed.current) return;
    placed.current = key;
    camera.updateMatrixWorld();
    const { point, edge } = scratch.current;
    const toPixels = (v: Vector3) =>
      [((v.x + 1) / 2) * size.width, ((1 - v.y) / 2) * size.height] as const;
    anchors.forEach(({ position, element }) => {
      const [px, py] = toPixels(point.set(...position).project(camera));
      element.style.transform = `translate(${px.toFixed(1)}px, ${py.toFixed(1)}px)`;
      element.style.visibility = 'visible';
    });
    // A blade's size on screen, so the HUD over it scales with the scene.
    const [left, top] = toPixels(
      point.set(-LAYOUT.slotWidth / 2, LAYOUT.slotHeight / 2, 0.2).project(camera),
    );
    const [right, bottom] = toPixels(
      edge.set(LAYOUT.slotWidth / 2, -LAYOUT.slotHeight / 2, 0.2).project(camera),
    );
    anchors.root?.style.setProperty('--fp-blade-w', `${(right - left).toFixed(1)}px`);
    anchors.root?.style.setProperty('--fp-blade-h', `${(bottom - top).toFixed(1)}px`);
  });
  return null;
}
