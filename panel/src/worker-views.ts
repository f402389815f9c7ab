import {
  isPausedState,
  type Link,
  type StatusDocument,
  type WorkerStatus,
} from '@fleet/core/contracts/data';
import { LAYOUT, type LayoutWorker } from './scene/scene-layout.js';
import type { PanelSnapshot } from './status-store.js';
import {
  type DrawnStatus,
  drawnStatus,
  flowSpeed,
  isBusy,
  linkOfWorker,
} from './status-visuals.js';

/** One worker as every view draws it. */
export interface WorkerView {
  worker: WorkerStatus;
  link: Link | undefined;
  status: DrawnStatus;
  /** Particle speed on its pipe, in pipe lengths per second before reduced motion. */
  speed: number;
  /** Working a job now (`isBusy`): the blade shows the busy cue. */
  busy: boolean;
}

const cache = new WeakMap<PanelSnapshot, ReadonlyMap<string, WorkerView>>();

/** Every worker's view of a snapshot, computed once per snapshot (the scene asks every frame). */
export function workerViews(snapshot: PanelSnapshot): ReadonlyMap<string, WorkerView> {
  const cached = cache.get(snapshot);
  if (cached) return cached;
  const views = new Map<string, WorkerView>();
  const doc = snapshot.doc;
  for (const worker of doc?.workers ?? []) {
    const link = linkOfWorker(doc?.links ?? [], worker.name);
    const status = drawnStatus(worker, link, doc?.redis_ok ?? false);
    views.set(worker.name, {
      worker,
      link,
      status,
      speed: flowSpeed(status, worker),
      // Old figures while Redis cannot be read: nobody is shown working.
      busy: status !== 'unknown' && isBusy(worker),
    });
  }
  cache.set(snapshot, views);
  return views;
}

/** What the scene's shape depends on: the hosts in the fleet's order, and each worker's place. */
export interface Topology {
  hosts: string[];
  workers: LayoutWorker[];
}

/**
 * Nothing for anyone to look at: alive and beating, no dead letters, not stuck, not in
 * maintenance, and not paused unless the whole fleet is (then the bus says so). A big fleet's
 * scene folds these into one group per host; everyone else keeps their own blade.
 */
export function isCalm(worker: WorkerStatus, fleetPaused: boolean): boolean {
  return (
    worker.alive &&
    !worker.heartbeat_stale &&
    worker.dead_letter === 0 &&
    !worker.job_stuck &&
    !worker.maintenance &&
    (fleetPaused || !isPausedState(worker.kind, worker.state))
  );
}

/**
 * What the scene's shape depends on (workers, hosts, pipes) as one string: the scene graph is
 * rebuilt only when this changes, never for a mere status change. In a fleet big enough to be
 * grouped, a worker turning calm or not changes the shape too.
 */
export function topologyKey(snapshot: PanelSnapshot): string {
  // Asked on every store read; a big fleet's key is worth computing once per snapshot.
  const cached = topologyCache.get(snapshot);
  if (cached !== undefined) return cached;
  const key = computeTopologyKey(snapshot);
  topologyCache.set(snapshot, key);
  return key;
}

const topologyCache = new WeakMap<PanelSnapshot, string>();

function computeTopologyKey(snapshot: PanelSnapshot): string {
  const doc = snapshot.doc;
  if (!doc) return JSON.stringify({ hosts: [], workers: [] } satisfies Topology);
  const grouping = doc.workers.length > LAYOUT.groupAbove;
  const topology: Topology = {
    // `hosts` is additive: an exporter that predates it gets the hosts its workers name.
    hosts: ((doc as Partial<StatusDocument>).hosts ?? []).map((host) => host.name),
    workers: doc.workers.map((worker) => ({
      name: worker.name,
      host: worker.host,
      linkType: linkOfWorker(doc.links, worker.name)?.type ?? null,
      ...(grouping ? { calm: isCalm(worker, doc.paused) } : {}),
    })),
  };
  return JSON.stringify(topology);
}

export function topologyFromKey(key: string): Topology {
  return JSON.parse(key) as Topology;
}
