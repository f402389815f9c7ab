import { useThree } from '@react-three/fiber';
import { useLayoutEffect } from 'react';
import type { PerspectiveCamera } from 'three';
import type { SceneLayout } from './scene-layout.js';

export interface CameraRigProps {
  bounds: SceneLayout['bounds'];
}

/** Looking a little down at the layout. */
const TILT = 0.2;
const MARGIN = 1.2;

/** Frames the whole layout whatever the canvas shape, refitting when it resizes. */
export function CameraRig({ bounds }: CameraRigProps) {
  const camera = useThree((state) => state.camera) as PerspectiveCamera;
  const size = useThree((state) => state.size);
  useLayoutEffect(() => {
    const width = bounds.maxX - bounds.minX + 2 * MARGIN;
    const height = bounds.maxY - bounds.minY + 2 * MARGIN;
    const centerX = (bounds.minX + bounds.maxX) / 2;
    const centerY = (bounds.minY + bounds.maxY) / 2;
    const halfFov = (camera.fov * Math.PI) / 360;
    const aspect = size.width / Math.max(1, size.height);
    const distance =
      Math.max(height / 2 / Math.tan(halfFov), width / 2 / (Math.tan(halfFov) * aspect)) + 0.5;
    camera.position.set(centerX, centerY + distance * Math.sin(TILT), distance * Math.cos(TILT));
    camera.lookAt(centerX, centerY, 0);
    camera.near = distance / 10;
    camera.far = distance * 4;
    camera.updateProjectionMatrix();
  }, [bounds, camera, size]);
  return null;
}
