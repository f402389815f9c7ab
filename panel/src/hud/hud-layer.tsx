import { DEFAULT_HOSTS, type HostStatus } from '@fleet/core/contracts/data';
import { useMemo } from 'react';
import { groupTally } from '../scene/group-tally.js';
import { pipeView } from '../scene/pipe-view.js';
import { type LayoutBox, type SceneLayout, SOURCE_HOST, type Vec3 } from '../scene/scene-layout.js';
import { beatAgeAt, type StatusStore } from '../status-store.js';
import { useNow } from '../use-now.js';
import { usePanelSnapshot } from '../use-panel-snapshot.js';
import { workerViews } from '../worker-views.js';
import type { AnchorRegistry } from './anchor-registry.js';
import { BusLabel } from './bus-label.js';
import { GroupHud } from './group-hud.js';
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

function titleOf(box: LayoutBox): Vec3 {
  return [box.center[0], box.center[1] + box.size[1] / 2 - 0.5, FRONT];
}

/** A host's label and role: the document's (additive `hosts`), else the default two's, else its name. */
function hostInfo(hosts: readonly HostStatus[] | undefined, name: string) {
  const host =
    (hosts ?? []).find((h) => h.name === name) ?? DEFAULT_HOSTS.find((h) => h.name === name);
  return { title: host?.label ?? name, detail: host?.role ?? undefined };
}

/**
 * The DOM over the canvas: host titles, the bus label, each worker's or group's HUD and each
 * pipe's badge.
 */
export function HudLayer({ layout, store, anchors, markers }: HudLayerProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const views = workerViews(snapshot);
  // `hosts` is additive: an older exporter leaves it out (hostInfo falls back).
  const hosts = snapshot.doc?.hosts;
  const points = useMemo(
    () => ({
      nas: titleOf(layout.nas),
      hosts: layout.hosts.map((host) => ({ name: host.name, title: titleOf(host.box) })),
      gateway: [layout.gateway.center[0], layout.gateway.center[1], FRONT] as Vec3,
      stock: [layout.stock.center[0], layout.stock.center[1], FRONT] as Vec3,
      bus: [layout.bus.center[0], layout.bus.center[1] + layout.bus.radius + 1.1, FRONT] as Vec3,
      slots: new Map(
        layout.slots.map((slot) => [slot.name, [slot.center[0], slot.center[1], FRONT] as Vec3]),
      ),
      groups: new Map(
        layout.groups.map((group) => [group.id, [group.center[0], group.center[1], FRONT] as Vec3]),
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
      <HostLabel anchor={anchors.pin('host:nas', points.nas)} {...hostInfo(hosts, SOURCE_HOST)} />
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
      {points.hosts.map((host) => (
        <HostLabel
          key={host.name}
          anchor={anchors.pin(`host:${host.name}`, host.title)}
          {...hostInfo(hosts, host.name)}
        />
      ))}
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
      {layout.groups.map((group) => (
        <GroupHud
          key={group.id}
          anchor={anchors.pin(`group:${group.id}`, points.groups.get(group.id) ?? group.center)}
          group={group}
          tally={groupTally(views, group.members)}
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
          view={pipeView(views, pipe)}
          beatAgeS={beatAgeAt(snapshot, pipe.worker, now)}
        />
      ))}
    </div>
  );
}
