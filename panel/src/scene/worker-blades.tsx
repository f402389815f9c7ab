import { useFrame } from '@react-three/fiber';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { BoxGeometry, Color, InstancedBufferAttribute, type InstancedMesh, Object3D } from 'three';
import type { StatusStore } from '../status-store.js';
import { type DrawnStatus, STATUS_COLORS } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import type { WorkerSlot } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface WorkerBladesProps {
  slots: readonly WorkerSlot[];
  store: StatusStore;
}

const RIM = 0.055;

/**
 * Every worker sub-node as two instanced meshes: a status-coloured rim and the dark blade its
 * HUD is drawn over. Two draw calls however many workers there are.
 */
export function WorkerBlades({ slots, store }: WorkerBladesProps) {
  const geometries = useDisposable(() => [new BoxGeometry(1, 1, 1), new BoxGeometry(1, 1, 1)], []);
  const rims = useRef<InstancedMesh>(null);
  const bodies = useRef<InstancedMesh>(null);
  const colors = useMemo(
    () => new InstancedBufferAttribute(new Float32Array(slots.length * 3), 3),
    [slots],
  );
  const shown = useMemo<(DrawnStatus | null)[]>(() => slots.map(() => null), [slots]);
  const color = useMemo(() => new Color(), []);

  useLayoutEffect(() => {
    const dummy = new Object3D();
    slots.forEach((slot, index) => {
      // The rim's face sits just behind the blade's, so it shows as a lit border all round.
      dummy.position.set(slot.center[0], slot.center[1], slot.center[2]);
      dummy.scale.set(slot.width + RIM * 2, slot.height + RIM * 2, 0.3);
      dummy.updateMatrix();
      rims.current?.setMatrixAt(index, dummy.matrix);
      dummy.position.set(slot.center[0], slot.center[1], slot.center[2] + 0.04);
      dummy.scale.set(slot.width, slot.height, 0.26);
      dummy.updateMatrix();
      bodies.current?.setMatrixAt(index, dummy.matrix);
    });
    for (const mesh of [rims.current, bodies.current])
      if (mesh) mesh.instanceMatrix.needsUpdate = true;
    shown.fill(null);
  }, [slots, shown]);

  useFrame(() => {
    const target = rims.current;
    if (!target) return;
    const views = workerViews(store.getSnapshot());
    let changed = false;
    slots.forEach((slot, index) => {
      const status = views.get(slot.name)?.status ?? 'unknown';
      if (shown[index] === status) return;
      shown[index] = status;
      changed = true;
      target.setColorAt(index, color.set(STATUS_COLORS[status]));
    });
    if (changed && target.instanceColor) target.instanceColor.needsUpdate = true;
  });

  return (
    <group name="worker-blades">
      <instancedMesh
        key={`rims-${slots.length}`}
        name="worker-rims"
        ref={rims}
        args={[geometries[0], undefined, slots.length]}
        instanceColor={colors}
        frustumCulled={false}
      >
        <meshBasicMaterial toneMapped={false} />
      </instancedMesh>
      <instancedMesh
        key={`bodies-${slots.length}`}
        name="worker-bodies"
        ref={bodies}
        args={[geometries[1], undefined, slots.length]}
        frustumCulled={false}
      >
        <meshLambertMaterial color="#111a2e" />
      </instancedMesh>
    </group>
  );
}
