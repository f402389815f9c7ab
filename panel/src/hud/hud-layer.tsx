import { useMemo } from 'react';
import type { SceneLayout, Vec3 } from '../scene/scene-layout.js';
import { beatAgeAt, type StatusStore } from '../status-store.js';
import { useNow } from '../use-now.js';
import { usePanelSnapshot } from '../use-panel-snapshot.js';
import { workerViews } from '../worker-views.js';
import type { AnchorRegistry } from './anchor-registry.js';
import { BusLabel } from './bus-label.js';
import { HostLabel } from './host-label.js';
import { PipeBadge } from './pipe-badge.js';
import { WorkerHud } from './worker-hud.js';

export interface HudLayerProps {
  layout: SceneLayout;
  store: StatusStore;
  anchors: AnchorRegistry;
  /** Points along each pipe where its badge sits, by worker. */
  markers: ReadonlyMap<string, Vec3>;
}

const FRONT = 0.2;

function titleOf(box: SceneLayout['nas']): Vec3 {
  return [box.center[0], box.center[1] + box.size[1] / 2 - 0.5, FRONT];
}

/** The DOM over the canvas: host titles, the bus label, each worker's HUD and each pipe's badge. */
export function HudLayer({ layout, store, anchors, markers }: HudLayerProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const views = workerViews(snapshot);
  const points = useMemo(
    () => ({
      nas: titleOf(layout.nas),
      windows: titleOf(layout.windows),
      gateway: [layout.gateway.center[0], layout.gateway.center[1], FRONT] as Vec3,
      stock: [layout.stock.center[0], layout.stock.center[1], FRONT] as Vec3,
      bus: [layout.bus.center[0], layout.bus.center[1] + layout.bus.radius + 1.1, FRONT] as Vec3,
      slots: new Map(
        layout.slots.map((slot) => [slot.name, [slot.center[0], slot.center[1], FRONT] as Vec3]),
      ),
    }),
    [layout],
  );
  return (
    <div
      className="fp-hud-layer"
      ref={(element) => {
        anchors.root = element;
      }}
    >
      <HostLabel
        anchor={anchors.pin('host:nas', points.nas)}
        title="NAS"
        detail="Redis · web back end · stock"
      />
      <HostLabel
        anchor={anchors.pin('host:gateway', points.gateway)}
        title="gateway"
        detail="render jobs out"
        variant="service"
      />
      <HostLabel
        anchor={anchors.pin('host:stock', points.stock)}
        title="nas-stock"
        detail="price feed"
        variant="service"
      />
      <HostLabel
        anchor={anchors.pin('host:windows', points.windows)}
        title="Windows node"
        detail="GPU render · trading"
      />
      <BusLabel anchor={anchors.pin('bus', points.bus)} store={store} />
      {layout.slots.map((slot) => (
        <WorkerHud
          key={slot.name}
          anchor={anchors.pin(`worker:${slot.name}`, points.slots.get(slot.name) ?? slot.center)}
          name={slot.name}
          view={views.get(slot.name)}
          beatAgeS={beatAgeAt(snapshot, slot.name, now)}
        />
      ))}
      {layout.pipes.map((pipe) => (
        <PipeBadge
          key={pipe.worker}
          anchor={anchors.pin(
            `badge:${pipe.worker}`,
            markers.get(pipe.worker) ?? pipe.points[0] ?? [0, 0, 0],
          )}
          worker={pipe.worker}
          compact={pipe.badgeAt !== null}
          view={views.get(pipe.worker)}
          beatAgeS={beatAgeAt(snapshot, pipe.worker, now)}
        />
      ))}
    </div>
  );
}
