import type { AnchorRegistry } from '../hud/anchor-registry.js';
import type { StatusStore } from '../status-store.js';
import { BackdropGrid } from './backdrop-grid.js';
import { BreakSpark } from './break-spark.js';
import { CameraRig } from './camera-rig.js';
import { FlowParticles } from './flow-particles.js';
import { GroupNodes } from './group-nodes.js';
import { HostBox } from './host-box.js';
import { HudProjector } from './hud-projector.js';
import { Pipe } from './pipe.js';
import { RedisBus } from './redis-bus.js';
import type { SceneLayout } from './scene-layout.js';
import { WorkerBlades } from './worker-blades.js';

/** The panel's background colour, so an opaque canvas (cheaper to composite) blends in. */
export const SCENE_BACKGROUND = '#070b14';

export interface SceneContentProps {
  layout: SceneLayout;
  store: StatusStore;
  reducedMotion: boolean;
  /** The DOM labels to keep over the scene; omitted in scene-graph tests. */
  anchors?: AnchorRegistry;
}

/** Everything inside the canvas. It re-renders only when the fleet's shape changes. */
export function SceneContent({ layout, store, reducedMotion, anchors }: SceneContentProps) {
  return (
    <>
      <color attach="background" args={[SCENE_BACKGROUND]} />
      <CameraRig bounds={layout.bounds} />
      <ambientLight intensity={0.55} />
      <directionalLight position={[-8, 12, 10]} intensity={1.3} />
      <BackdropGrid bounds={layout.bounds} />
      <HostBox box={layout.nas} name="host-nas" edgeColor="#3b5b8a" />
      <HostBox
        box={layout.gateway}
        name="service-gateway"
        color="#13213a"
        edgeColor="#4f6fa3"
        opacity={1}
      />
      <HostBox
        box={layout.stock}
        name="service-stock"
        color="#13213a"
        edgeColor="#4f6fa3"
        opacity={1}
      />
      {layout.hosts.map((host) => (
        <HostBox key={host.name} box={host.box} name={`host-${host.name}`} edgeColor="#3b5b8a" />
      ))}
      <RedisBus bus={layout.bus} store={store} reducedMotion={reducedMotion} />
      <WorkerBlades slots={layout.slots} store={store} reducedMotion={reducedMotion} />
      <GroupNodes groups={layout.groups} store={store} />
      {layout.pipes.map((pipe) => (
        <Pipe key={pipe.worker} pipe={pipe} store={store} />
      ))}
      {layout.pipes.map((pipe) => (
        <BreakSpark key={pipe.worker} pipe={pipe} store={store} reducedMotion={reducedMotion} />
      ))}
      <FlowParticles pipes={layout.pipes} store={store} reducedMotion={reducedMotion} />
      {anchors && <HudProjector anchors={anchors} />}
    </>
  );
}
