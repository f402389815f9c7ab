import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import {
  AdditiveBlending,
  Color,
  type Group,
  type MeshBasicMaterial,
  type PointLight,
} from 'three';
import type { StatusStore } from '../status-store.js';
import { STATUS_COLORS } from '../status-visuals.js';
import type { SceneLayout } from './scene-layout.js';

export interface RedisBusProps {
  bus: SceneLayout['bus'];
  store: StatusStore;
  /** Hold the rings still (prefers-reduced-motion). */
  reducedMotion: boolean;
}

/** The bus's own colour while Redis answers: cyan, apart from every status colour. */
export const BUS_COLOR = '#38bdf8';

type BusMood = 'ok' | 'paused' | 'lost';

const MOOD_COLOR: Record<BusMood, string> = {
  ok: BUS_COLOR,
  paused: STATUS_COLORS.paused,
  lost: STATUS_COLORS.down,
};
const SHELLS = [
  { scale: 1.0, opacity: 0.28 },
  { scale: 1.35, opacity: 0.12 },
  { scale: 1.8, opacity: 0.05 },
];

/**
 * The Redis queue bus: a glowing core with turning rings. The whole of it turns red when the
 * collector cannot read Redis; the rings go amber and slow while the queues are paused.
 */
export function RedisBus({ bus, store, reducedMotion }: RedisBusProps) {
  const rings = useRef<Group>(null);
  const materials = useRef<(MeshBasicMaterial | null)[]>([]);
  const light = useRef<PointLight>(null);
  const mood = useRef<BusMood | null>(null);
  const color = useRef(new Color());

  useFrame((_, delta) => {
    const doc = store.getSnapshot().doc;
    const next: BusMood = doc && !doc.redis_ok ? 'lost' : doc?.paused ? 'paused' : 'ok';
    if (next !== mood.current) {
      mood.current = next;
      color.current.set(MOOD_COLOR[next]);
      for (const material of materials.current) material?.color.copy(color.current);
      light.current?.color.copy(color.current);
    }
    if (rings.current && !reducedMotion && next !== 'lost') {
      const speed = next === 'paused' ? 0.08 : 0.5;
      rings.current.rotation.y += delta * speed;
      rings.current.rotation.z += delta * speed * 0.4;
    }
  });

  const register = (index: number) => (material: MeshBasicMaterial | null) => {
    materials.current[index] = material;
    mood.current = null;
  };

  return (
    <group name="redis-bus" position={bus.center as [number, number, number]}>
      <pointLight ref={light} intensity={18} distance={9} decay={1.6} />
      <mesh name="redis-bus-core">
        <sphereGeometry args={[bus.radius * 0.5, 32, 24]} />
        <meshBasicMaterial ref={register(0)} toneMapped={false} />
      </mesh>
      {SHELLS.map((shell, index) => (
        <mesh key={shell.scale} scale={shell.scale}>
          <sphereGeometry args={[bus.radius * 0.62, 32, 24]} />
          <meshBasicMaterial
            ref={register(index + 1)}
            toneMapped={false}
            transparent
            opacity={shell.opacity}
            blending={AdditiveBlending}
            depthWrite={false}
          />
        </mesh>
      ))}
      <group ref={rings}>
        <mesh rotation={[Math.PI / 2.4, 0, 0]}>
          <torusGeometry args={[bus.radius * 1.05, 0.035, 8, 96]} />
          <meshBasicMaterial ref={register(4)} toneMapped={false} />
        </mesh>
        <mesh rotation={[Math.PI / 2, Math.PI / 3, 0]}>
          <torusGeometry args={[bus.radius * 1.25, 0.025, 8, 96]} />
          <meshBasicMaterial ref={register(5)} toneMapped={false} transparent opacity={0.7} />
        </mesh>
      </group>
    </group>
  );
}
