import { useSyncExternalStore } from 'react';
import type { PanelSnapshot, StatusStore } from './status-store.js';

/** The store's current snapshot; re-renders the caller on every change. */
export function usePanelSnapshot(store: StatusStore): PanelSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * One derived primitive (string, number, boolean) of the store: the caller re-renders only when
 * that value changes, not on every poll.
 */
export function useStoreValue<T extends string | number | boolean | null>(
  store: StatusStore,
  select: (snapshot: PanelSnapshot) => T,
): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}
