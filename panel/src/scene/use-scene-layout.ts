import { useMemo, useSyncExternalStore } from 'react';
import type { StatusStore } from '../status-store.js';
import { topologyFromKey, topologyKey } from '../worker-views.js';
import { computeLayout, type SceneLayout } from './scene-layout.js';

/**
 * The layout of the store's fleet. It changes (and re-renders the caller) only when workers,
 * hosts or pipes change; a poll that only changes statuses leaves it alone.
 */
export function useSceneLayout(store: StatusStore): SceneLayout {
  const topology = useSyncExternalStore(store.subscribe, () => topologyKey(store.getSnapshot()));
  return useMemo(() => {
    const { workers, hosts } = topologyFromKey(topology);
    return computeLayout(workers, hosts);
  }, [topology]);
}
