import { useFrame } from '@react-three/fiber';
import { useMemo, useRef } from 'react';
import {
  Color,
  InstancedBufferAttribute,
  type InstancedMesh,
  Object3D,
  SphereGeometry,
  Vector3,
} from 'three';
import type { StatusStore } from '../status-store.js';
import { type DrawnStatus, STATUS_COLORS, showsParticles } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import { pipeCurve, pointOnPath, samplePath } from './pipe-curves.js';
import { pipeView } from './pipe-view.js';
import type { PipeLayout } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface FlowParticlesProps {
  pipes: readonly PipeLayout[];
  store: StatusStore;
  /** Freeze the particles where they are (prefers-reduced-motion). */
  reducedMotion: boolean;
  /** @defaultValue particlesPerPipe(pipes.length) */
  perPipe?: number;
}

export const PARTICLES_PER_PIPE = 18;
/** All pipes together carry at most this many particles: in a big fleet each pipe gets fewer. */
export const MAX_PARTICLES = 720;

/** Particles on each of `pipes` pipes: PARTICLES_PER_PIPE, fewer once the total would pass MAX_PARTICLES. */
export function particlesPerPipe(pipes: number): number {
  return Math.max(1, Math.min(PARTICLES_PER_PIPE, Math.floor(MAX_PARTICLES / Math.max(1, pipes))));
}
/** Scene units per "pipe length" of `flowSpeed`, so long and short pipes flow alike. */
const SPEED_SCALE = 16;
const RADIUS = 0.085;

/**
 * The traffic on every pipe as ONE instanced mesh (one draw call for all of them). Each frame
 * it reads the store and moves the particles by `delta`: fast to a busy worker, crawling while
 * paused, none on a down or unknown pipe.
 */
export function FlowParticles({
  pipes,
  store,
  reducedMotion,
  perPipe = particlesPerPipe(pipes.length),
}: FlowParticlesProps) {
  const geometry = useDisposable(() => new SphereGeometry(RADIUS, 10, 8), []);
  const paths = useMemo(
    () =>
      pipes.map((pipe) => {
        const curve = pipeCurve(pipe.points);
        return { path: samplePath(curve), length: curve.getLength() };
      }),
    [pipes],
  );
  const count = pipes.length * perPipe;
  const colors = useMemo(
    () => new InstancedBufferAttribute(new Float32Array(count * 3), 3),
    [count],
  );
  const phases = useMemo(() => new Float32Array(pipes.length), [pipes]);
  const shown = useMemo<(DrawnStatus | null)[]>(() => pipes.map(() => null), [pipes]);
  const mesh = useRef<InstancedMesh>(null);
  const scratch = useMemo(
    () => ({
      dummy: new Object3D(),
      point: new Vector3(),
      color: new Color(),
      white: new Color('#ffffff'),
    }),
    [],
  );

  useFrame((_, delta) => {
    const target = mesh.current;
    if (!target) return;
    const views = workerViews(store.getSnapshot());
    const { dummy, point, color, white } = scratch;
    let recolored = false;
    pipes.forEach((pipe, p) => {
      const view = pipeView(views, pipe);
      const status = view?.status ?? 'unknown';
      const visible = showsParticles(status);
      const speed = reducedMotion || !view ? 0 : view.speed;
      const { path, length } = paths[p] ?? { path: new Float32Array(6), length: 1 };
      phases[p] = ((phases[p] ?? 0) + (delta * speed * SPEED_SCALE) / length) % 1;
      if (shown[p] !== status) {
        shown[p] = status;
        recolored = true;
        // Brighter than the pipe so the particles read against it.
        color.set(STATUS_COLORS[status]).lerp(white, 0.35);
        for (let i = 0; i < perPipe; i += 1) target.setColorAt(p * perPipe + i, color);
      }
      for (let i = 0; i < perPipe; i += 1) {
        let t = ((phases[p] ?? 0) + i / perPipe) % 1;
        // Half the traffic of a two-way pipe runs back.
        if (pipe.bidirectional && i % 2 === 1) t = 1 - t;
        // Shrink at the ends so particles appear and vanish instead of popping.
        const taper = Math.min(1, t / 0.04, (1 - t) / 0.04);
        pointOnPath(path, t, point);
        dummy.position.copy(point);
        dummy.scale.setScalar(visible ? taper : 0);
        dummy.updateMatrix();
        target.setMatrixAt(p * perPipe + i, dummy.matrix);
      }
    });
    target.instanceMatrix.needsUpdate = true;
    if (recolored && target.instanceColor) target.instanceColor.needsUpdate = true;
  });

  return (
    <instancedMesh
      key={count}
      name="flow-particles"
      ref={mesh}
      args={[geometry, undefined, count]}
      instanceColor={colors}
      frustumCulled={false}
    >
      <meshBasicMaterial toneMapped={false} />
    </instancedMesh>
  );
}
