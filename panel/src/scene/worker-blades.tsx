import { type ThreeEvent, useFrame, useThree } from '@react-three/fiber';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { BoxGeometry, Color, InstancedBufferAttribute, type InstancedMesh, Object3D } from 'three';
import { useWorkerSelect } from '../detail/worker-select.js';
import type { StatusStore } from '../status-store.js';
import { type DrawnStatus, STATUS_COLORS } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import type { WorkerSlot } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface WorkerBladesProps {
  slots: readonly WorkerSlot[];
  store: StatusStore;
  /** Hold the busy bars still, full width (prefers-reduced-motion). */
  reducedMotion: boolean;
}

const RIM = 0.055;
/**
 * The busy cue: a light bar, this share of the blade's height, sweeping up its left edge, in the
 * HUD's left padding (so it never runs under text).
 */
const BUSY_BAR = {
  share: 0.4,
  thickness: 0.09,
  inset: 0.1,
  z: 0.2,
  periodS: 1.2,
  color: '#e0f2fe',
};

/**
 * Every worker sub-node as three instanced meshes: a status-coloured rim, the dark blade its HUD
 * is drawn over, and the busy bar sweeping up the edge of a working blade (busy reads apart
 * from idle by motion and shape, not by colour). Three draw calls however many workers there are.
 */
export function WorkerBlades({ slots, store, reducedMotion }: WorkerBladesProps) {
  const geometries = useDisposable(
    () => [new BoxGeometry(1, 1, 1), new BoxGeometry(1, 1, 1), new BoxGeometry(1, 1, 1)],
    [],
  );
  const rims = useRef<InstancedMesh>(null);
  const bodies = useRef<InstancedMesh>(null);
  const bars = useRef<InstancedMesh>(null);
  const sweep = useRef(0);
  const dummy = useMemo(() => new Object3D(), []);
  const colors = useMemo(
    () => new InstancedBufferAttribute(new Float32Array(slots.length * 3), 3),
    [slots],
  );
  const shown = useMemo<(DrawnStatus | null)[]>(() => slots.map(() => null), [slots]);
  const color = useMemo(() => new Color(), []);

  useLayoutEffect(() => {
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
  }, [slots, shown, dummy]);

  useFrame((_, delta) => {
    const target = rims.current;
    const barMesh = bars.current;
    if (!target || !barMesh) return;
    const views = workerViews(store.getSnapshot());
    let changed = false;
    if (!reducedMotion) sweep.current = (sweep.current + delta / BUSY_BAR.periodS) % 1;
    slots.forEach((slot, index) => {
      const view = views.get(slot.name);
      placeBusyBar(dummy, slot, view?.busy ?? false, reducedMotion ? null : sweep.current);
      barMesh.setMatrixAt(index, dummy.matrix);
      const status = view?.status ?? 'unknown';
      if (shown[index] === status) return;
      shown[index] = status;
      changed = true;
      target.setColorAt(index, color.set(STATUS_COLORS[status]));
    });
    barMesh.instanceMatrix.needsUpdate = true;
    if (changed && target.instanceColor) target.instanceColor.needsUpdate = true;
  });

  const select = useWorkerSelect();
  const canvas = useThree((state) => state.gl.domElement);
  // Every instance index is its slot's: a click on a blade (rim, body or bar) opens its worker.
  const slotOf = (event: ThreeEvent<MouseEvent>) =>
    event.instanceId === undefined ? undefined : slots[event.instanceId];
  const events = select
    ? {
        onClick: (event: ThreeEvent<MouseEvent>) => {
          const slot = slotOf(event);
          if (!slot) return;
          event.stopPropagation();
          select(slot.name);
        },
        onPointerOver: () => {
          canvas.style.cursor = 'pointer';
        },
        onPointerOut: () => {
          canvas.style.cursor = '';
        },
      }
    : {};

  return (
    <group name="worker-blades" {...events}>
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
      <instancedMesh
        key={`busy-${slots.length}`}
        name="worker-busy-bars"
        ref={bars}
        args={[geometries[2], undefined, slots.length]}
        frustumCulled={false}
      >
        <meshBasicMaterial color={BUSY_BAR.color} toneMapped={false} />
      </instancedMesh>
    </group>
  );
}

/**
 * The busy bar of one blade into `dummy.matrix`: zero-sized when not busy; at `phase` (0..1) of
 * its sweep, or full height when `phase` is null (reduced motion: the shape stays, the motion goes).
 */
function placeBusyBar(dummy: Object3D, slot: WorkerSlot, busy: boolean, phase: number | null) {
  const track = slot.height - 2 * BUSY_BAR.inset;
  const length = phase === null ? track : track * BUSY_BAR.share;
  const y = phase === null ? 0 : -track / 2 + length / 2 + (track - length) * phase;
  const x = -slot.width / 2 + BUSY_BAR.inset + BUSY_BAR.thickness / 2;
  dummy.position.set(slot.center[0] + x, slot.center[1] + y, slot.center[2] + BUSY_BAR.z);
  if (busy) dummy.scale.set(BUSY_BAR.thickness, length, 0.02);
  else dummy.scale.setScalar(0);
  dummy.updateMatrix();
}
