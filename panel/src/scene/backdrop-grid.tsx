import { useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute } from 'three';
import type { SceneLayout } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface BackdropGridProps {
  bounds: SceneLayout['bounds'];
}

const STEP = 1;
const DEPTH = -1.2;

/** A faint blueprint grid behind everything, for depth. One draw call. */
export function BackdropGrid({ bounds }: BackdropGridProps) {
  const extent = useMemo(
    () => ({
      minX: Math.floor(bounds.minX) - 6,
      maxX: Math.ceil(bounds.maxX) + 6,
      minY: Math.floor(bounds.minY) - 6,
      maxY: Math.ceil(bounds.maxY) + 6,
    }),
    [bounds],
  );
  const geometry = useDisposable(() => {
    const vertices: number[] = [];
    for (let x = extent.minX; x <= extent.maxX; x += STEP)
      vertices.push(x, extent.minY, DEPTH, x, extent.maxY, DEPTH);
    for (let y = extent.minY; y <= extent.maxY; y += STEP)
      vertices.push(extent.minX, y, DEPTH, extent.maxX, y, DEPTH);
    return new BufferGeometry().setAttribute('position', new Float32BufferAttribute(vertices, 3));
  }, [extent]);
  return (
    <lineSegments name="backdrop-grid" geometry={geometry}>
      <lineBasicMaterial color="#1e293b" transparent opacity={0.45} toneMapped={false} />
    </lineSegments>
  );
}
