import { Canvas } from '@react-three/fiber';
import { useMemo } from 'react';
import { AnchorRegistry } from '../hud/anchor-registry.js';
import { HudLayer } from '../hud/hud-layer.js';
import type { StatusStore } from '../status-store.js';
import { FrameDriver } from './frame-driver.js';
import { pipeCurve } from './pipe-curves.js';
import { SceneContent } from './scene-content.js';
import type { Vec3 } from './scene-layout.js';
import { useSceneLayout } from './use-scene-layout.js';

export interface FleetSceneProps {
  store: StatusStore;
  reducedMotion: boolean;
  /** Called when the browser takes the WebGL context away; the panel then shows the cards. */
  onContextLost: (reason: string) => void;
}

/** How far above a pipe's marker point its badge floats. */
const BADGE_LIFT = 0.55;

/**
 * The 3D view (its own lazily loaded chunk): the canvas, and the DOM HUD over it. Only a change
 * in the fleet's shape re-renders it; statuses flow through the store.
 */
export default function FleetScene({ store, reducedMotion, onContextLost }: FleetSceneProps) {
  const layout = useSceneLayout(store);
  const markers = useMemo(
    () =>
      new Map(
        layout.pipes.map((pipe) => {
          if (pipe.badgeAt) return [pipe.worker, pipe.badgeAt];
          const [x, y, z] = pipeCurve(pipe.points).getPointAt(pipe.markerAt).toArray();
          return [pipe.worker, [x, y + BADGE_LIFT, z + 0.3] as Vec3];
        }),
      ),
    [layout],
  );
  const anchors = useMemo(() => new AnchorRegistry(), []);
  return (
    <div className="fp-scene">
      <Canvas
        dpr={[1, 2]}
        frameloop="never"
        camera={{ fov: 20, position: [0, 0, 60] }}
        gl={{ antialias: true, alpha: false, powerPreference: 'low-power' }}
        onCreated={({ gl }) => {
          gl.domElement.addEventListener('webglcontextlost', (event) => {
            // Unmounting (2D chosen, route left) releases the context on purpose, after the
            // canvas has left the page: only a loss while on screen is a failure.
            if (!gl.domElement.isConnected) return;
            event.preventDefault();
            onContextLost('The 3D view lost its WebGL context');
          });
        }}
        aria-hidden="true"
      >
        <FrameDriver store={store} reducedMotion={reducedMotion} />
        <SceneContent
          layout={layout}
          store={store}
          reducedMotion={reducedMotion}
          anchors={anchors}
        />
      </Canvas>
      <HudLayer layout={layout} store={store} anchors={anchors} markers={markers} />
    </div>
  );
}
