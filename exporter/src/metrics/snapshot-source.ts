import type { CollectionSnapshot } from '@fleet/core';

/** Where a metric's collect() gets the collection it reports: one per scrape. */
export type SnapshotSource = () => Promise<CollectionSnapshot>;
