import { useFrame } from '@react-three/fiber';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { BoxGeometry, Color, InstancedBufferAttribute, type InstancedMesh, Object3D } from 'three';
import type { PanelSnapshot, StatusStore } from '../status-store.js';
import { STATUS_COLORS } from '../status-visuals.js';
import { workerViews } from '../worker-views.js';
import { groupTally } from './group-tally.js';
import type { GroupSlot } from './scene-layout.js';
import { useDisposable } from './use-disposable.js';

export interface GroupNodesProps {
  groups: readonly GroupSlot[];
  store: StatusStore;
}

const RIM = 0.055;
/** The cards stacked behind a group's front one, so it reads as many workers, not one. */
const DECK = { cards: 2, offsetX: 0.2, offsetY: 0.2, stepZ: 0.12, color: '#2b3d63' };
/** The busy share: a light bar along the node's foot, as long as the share of busy members. */
const SHARE_BAR = { thickness: 0.09, inset: 0.12, z: 0.2, color: '#e0f2fe' };

/**
 * Every group node as four instanced meshes (four draw calls however many groups and workers):
 * a status-coloured rim, the front card its HUD is drawn over, the deck behind it, and the bar
 * of its busy share. Colours and bars are redone only when a new document arrives.
 */
export function GroupNodes({ groups, store }: GroupNodesProps) {
  const geometries = useDisposable(
    () => Array.from({ length: 4 }, () => new BoxGeometry(1, 1, 1)),
    [],
  );
  const rims = useRef<InstancedMesh>(null);
  const bodies = useRef<InstancedMesh>(null);
  const decks = useRef<InstancedMesh>(null);
  const bars = useRef<InstancedMesh>(null);
  const dummy = useMemo(() => new Object3D(), []);
  const color = useMemo(() => new Color(), []);
  const colors = useMemo(
    () => new InstancedBufferAttribute(new Float32Array(groups.length * 3), 3),
    [groups],
  );
  const shown = useRef<PanelSnapshot | null>(null);

  useLayoutEffect(() => {
    groups.forEach((group, index) => {
      const [x, y, z] = group.center;
      dummy.position.set(x, y, z);
      dummy.scale.set(group.width + RIM * 2, group.height + RIM * 2, 0.3);
      dummy.updateMatrix();
      rims.current?.setMatrixAt(index, dummy.matrix);
      dummy.position.set(x, y, z + 0.04);
      dummy.scale.set(group.width, group.height, 0.26);
      dummy.updateMatrix();
      bodies.current?.setMatrixAt(index, dummy.matrix);
      for (let card = 1; card <= DECK.cards; card += 1) {
        dummy.position.set(x + DECK.offsetX * card, y + DECK.offsetY * card, z - DECK.stepZ * card);
        dummy.scale.set(group.width, group.height, 0.2);
        dummy.updateMatrix();
        decks.current?.setMatrixAt(index * DECK.cards + card - 1, dummy.matrix);
      }
    });
    for (const mesh of [rims.current, bodies.current, decks.current])
      if (mesh) mesh.instanceMatrix.needsUpdate = true;
    shown.current = null;
  }, [groups, dummy]);

  useFrame(() => {
    const snapshot = store.getSnapshot();
    const rim = rims.current;
    const bar = bars.current;
    if (!rim || !bar || shown.current === snapshot) return;
    shown.current = snapshot;
    const views = workerViews(snapshot);
    groups.forEach((group, index) => {
      const tally = groupTally(views, group.members);
      rim.setColorAt(index, color.set(STATUS_COLORS[tally.status]));
      const track = group.width - 2 * SHARE_BAR.inset;
      const length = tally.total ? (track * tally.busy) / tally.total : 0;
      dummy.position.set(
        group.center[0] - track / 2 + length / 2,
        group.center[1] - group.height / 2 + SHARE_BAR.inset + SHARE_BAR.thickness / 2,
        group.center[2] + SHARE_BAR.z,
      );
      if (length > 0) dummy.scale.set(length, SHARE_BAR.thickness, 0.02);
      else dummy.scale.setScalar(0);
      dummy.updateMatrix();
      bar.setMatrixAt(index, dummy.matrix);
    });
    if (rim.instanceColor) rim.instanceColor.needsUpdate = true;
    bar.instanceMatrix.needsUpdate = true;
  });

  if (groups.length === 0) return null;
  return (
    <group name="group-nodes">
      <instancedMesh
        key={`rims-${groups.length}`}
        name="group-rims"
        ref={rims}
        args={[geometries[0], undefined, groups.length]}
        instanceColor={colors}
        frustumCulled={false}
      >
        <meshBasicMaterial toneMapped={false} />
      </instancedMesh>
      <instancedMesh
        key={`bodies-${groups.length}`}
        name="group-bodies"
        ref={bodies}
        args={[geometries[1], undefined, groups.length]}
        frustumCulled={false}
      >
        <meshLambertMaterial color="#111a2e" />
      </instancedMesh>
      <instancedMesh
        key={`decks-${groups.length}`}
        name="group-decks"
        ref={decks}
        args={[geometries[2], undefined, groups.length * DECK.cards]}
        frustumCulled={false}
      >
        <meshLambertMaterial color={DECK.color} />
      </instancedMesh>
      <instancedMesh
        key={`bars-${groups.length}`}
        name="group-busy-share"
        ref={bars}
        args={[geometries[3], undefined, groups.length]}
        frustumCulled={false}
      >
        <meshBasicMaterial color={SHARE_BAR.color} toneMapped={false} />
      </instancedMesh>
    </group>
  );
}
