import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { AdditiveBlending, type Mesh, MeshBasicMaterial } from 'three';
import type { StatusStore } from '../status-store.js';
import { type DrawnStatus, STATUS_VISUALS } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import { brokenSpans, dashSpans, pipeCurve, SOLID_SPANS, tubeGeometry } from './pipe-curves.js';
import { pipeView } from './pipe-view.js';
import type { PipeLayout } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface PipeProps {
  pipe: PipeLayout;
  store: StatusStore;
}

const CORE_RADIUS = 0.06;
const GLOW_RADIUS = 0.16;
const PATTERNS = ['solid', 'dashed', 'broken'] as const;

/**
 * One link's pipe. Its colour and pattern (solid, dashed when paused or unknown, cut when down)
 * follow the store inside `useFrame`, so a poll does not re-render it.
 */
export function Pipe({ pipe, store }: PipeProps) {
  const geometries = useDisposable(() => {
    const curve = pipeCurve(pipe.points);
    const spans = { solid: SOLID_SPANS, dashed: dashSpans(), broken: brokenSpans(pipe.markerAt) };
    return PATTERNS.flatMap((pattern) => [
      tubeGeometry(curve, spans[pattern], CORE_RADIUS),
      tubeGeometry(curve, spans[pattern], GLOW_RADIUS),
    ]);
  }, [pipe]);
  const materials = useDisposable(
    () => [
      new MeshBasicMaterial({ toneMapped: false, transparent: true, opacity: 0.95 }),
      new MeshBasicMaterial({
        toneMapped: false,
        transparent: true,
        opacity: 0.16,
        blending: AdditiveBlending,
        depthWrite: false,
      }),
    ],
    [],
  );
  const meshes = useRef<(Mesh | null)[]>([]);
  const shown = useRef<DrawnStatus | null>(null);

  useFrame(() => {
    const status = pipeView(workerViews(store.getSnapshot()), pipe)?.status ?? 'unknown';
    if (status === shown.current) return;
    shown.current = status;
    const visual = STATUS_VISUALS[status];
    for (const material of materials) material.color.set(visual.color);
    meshes.current.forEach((mesh, index) => {
      if (mesh) mesh.visible = PATTERNS[Math.floor(index / 2)] === visual.pattern;
    });
  });

  return (
    <group name={`pipe:${pipe.worker}`} userData={{ worker: pipe.worker }}>
      {geometries.map((geometry, index) => (
        <mesh
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, one mesh per pattern and layer.
          key={index}
          name={`pipe-${PATTERNS[Math.floor(index / 2)]}-${index % 2 ? 'glow' : 'core'}`}
          ref={(mesh) => {
            meshes.current[index] = mesh;
            shown.current = null;
          }}
          geometry={geometry}
          material={materials[index % 2]}
          visible={false}
        />
      ))}
    </group>
  );
}
