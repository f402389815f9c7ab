import { linkStatus, StatusDocumentSchema } from '@fleet/core/contracts';
import { describe, expect, it } from 'vitest';
import { MOCK_STATES, mockDocument } from '../src/mock-documents.js';

const NOW = new Date('2026-03-02T01:00:00Z');

describe('mock fixtures', () => {
  it.each(MOCK_STATES)(
    '%s is a valid status document whose links follow the docs/spec.md §3 rules',
    (state) => {
      const doc = StatusDocumentSchema.parse(mockDocument(state, NOW));
      for (const link of doc.links) {
        const worker = doc.workers.find((w) => w.name === link.worker);
        expect(worker, link.worker).toBeDefined();
        if (worker) expect(link.status).toBe(linkStatus(link.type, worker));
      }
    },
  );

  it.each([
    ['healthy', { healthy: 5 }],
    ['paused', { paused: 4, healthy: 1 }],
    ['down', { down: 2, healthy: 3 }],
    ['degraded', { degraded: 2, healthy: 3 }],
    ['fleet-50', { down: 2, degraded: 1, healthy: 46 }],
    // 499 links (the watcher has none): 3 dead, 3 with dead letters, 1 paused on its own.
    ['fleet-500', { down: 3, degraded: 3, paused: 1, healthy: 492 }],
    // 994 extra render workers: 10 dead (every 97th), 11 with dead letters (every 89th).
    ['fleet-1000', { down: 10, degraded: 11, healthy: 978 }],
  ] as const)('%s has links %o', (state, counts) => {
    const doc = mockDocument(state, NOW);
    const actual: Record<string, number> = {};
    for (const link of doc.links) actual[link.status] = (actual[link.status] ?? 0) + 1;
    expect(actual).toEqual(counts);
  });

  it.each([
    ['fleet-50', 50, 'render-50'],
    ['fleet-500', 500, 'render-500'],
    ['fleet-1000', 1000, 'render-1000'],
  ] as const)('%s has %i workers with unique names, the last %s', (state, size, last) => {
    const names = mockDocument(state, NOW).workers.map((w) => w.name);
    expect(names).toHaveLength(size);
    expect(new Set(names).size).toBe(size);
    expect(names.at(-1)).toBe(last);
  });
});
