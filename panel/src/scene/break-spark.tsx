import { useFrame } from '@react-three/fiber';
import { useMemo, useRef } from 'react';
import type { Group } from 'three';
import type { StatusStore } from '../status-store.js';
import { STATUS_COLORS } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import { pipeCurve } from './pipe-curves.js';
import { pipeView } from './pipe-view.js';
import type { PipeLayout } from './scene-layout.js';

export interface BreakSparkProps {
  pipe: PipeLayout;
  store: StatusStore;
  /** Hold the spark still (prefers-reduced-motion). */
  reducedMotion: boolean;
}

const RAYS = [0, 1, 2, 3, 4, 5];

/** The spark where a down pipe is cut: shown only while the link is down, flickering. */
export function BreakSpark({ pipe, store, reducedMotion }: BreakSparkProps) {
  const position = useMemo(
    () => pipeCurve(pipe.points).getPointAt(pipe.markerAt).toArray(),
    [pipe],
  );
  const group = useRef<Group>(null);
  const clock = useRef(0);

  useFrame((_, delta) => {
    const target = group.current;
    if (!target) return;
    target.visible = pipeView(workerViews(store.getSnapshot()), pipe)?.status === 'down';
    if (!target.visible || reducedMotion) return;
    clock.current += delta;
    // An irregular crackle rather than a smooth pulse.
    const flicker = 0.75 + 0.25 * Math.sin(clock.current * 31) * Math.sin(clock.current * 17.3);
    target.scale.setScalar(flicker);
    target.rotation.z += delta * 1.7;
  });

  return (
    <group
      ref={group}
      name="break-marker"
      userData={{ worker: pipe.worker }}
      position={position}
      visible={false}
    >
      <mesh>
        <icosahedronGeometry args={[0.11, 0]} />
        <meshBasicMaterial color="#fff7ed" toneMapped={false} />
      </mesh>
      <mesh>
        <icosahedronGeometry args={[0.24, 1]} />
        <meshBasicMaterial
          color={STATUS_COLORS.down}
          toneMapped={false}
          transparent
          opacity={0.45}
          depthWrite={false}
        />
      </mesh>
      {RAYS.map((ray) => (
        <mesh key={ray} rotation={[0, 0, (ray / RAYS.length) * Math.PI * 2 + (ray % 2) * 0.3]}>
          <boxGeometry args={[ray % 2 ? 0.4 : 0.62, 0.03, 0.03]} />
          <meshBasicMaterial color={ray % 2 ? '#fbbf24' : STATUS_COLORS.down} toneMapped={false} />
        </mesh>
      ))}
    </group>
  );
}
