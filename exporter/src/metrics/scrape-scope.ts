import { AsyncLocalStorage } from 'node:async_hooks';
import type { CollectionSnapshot } from '@fleet/core';
import type { SnapshotSource } from './snapshot-source.js';

export interface ScrapeScope {
  /** For prom-client metrics: the collection of the scrape in progress. */
  source: SnapshotSource;
  /** Runs one scrape with every metric reading the same collection. */
  scrape<T>(render: (snapshot: CollectionSnapshot) => Promise<T>): Promise<T>;
}

/**
 * prom-client collects metrics concurrently; pinning one collection per scrape keeps the
 * series of a scrape consistent even when the cache refreshes halfway through it.
 */
export function createScrapeScope(load: () => Promise<CollectionSnapshot>): ScrapeScope {
  const current = new AsyncLocalStorage<CollectionSnapshot>();
  return {
    source: async () => current.getStore() ?? load(),
    async scrape(render) {
      const snapshot = await load();
      return current.run(snapshot, () => render(snapshot));
    },
  };
}
