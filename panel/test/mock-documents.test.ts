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
  ] as const)('%s has links %o', (state, counts) => {
    const doc = mockDocument(state, NOW);
    const actual: Record<string, number> = {};
    for (const link of doc.links) actual[link.status] = (actual[link.status] ?? 0) + 1;
    expect(actual).toEqual(counts);
  });

  it('fleet-50 has fifty workers with unique names', () => {
    const names = mockDocument('fleet-50', NOW).workers.map((w) => w.name);
    expect(names).toHaveLength(50);
    expect(new Set(names).size).toBe(50);
  });
});
