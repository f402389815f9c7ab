import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertingMetrics } from '../src/alerting-metrics.js';

// docs/spec.md is where each contract is stated; this fails when the service grows past it.
const spec = readFileSync(new URL('../../docs/spec.md', import.meta.url), 'utf8');

describe('docs/spec.md §4.3', () => {
  it('names every metric the alerting service serves', async () => {
    const names = (await new AlertingMetrics(async () => 0).registry.getMetricsAsJSON()).map(
      (m) => m.name,
    );
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !spec.includes(`\`${name}\``))).toEqual([]);
  });
});
