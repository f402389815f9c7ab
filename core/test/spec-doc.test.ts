import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LinkSchema,
  type StateSpec,
  StatusDocumentSchema,
  WORKER_KIND_TABLE,
  WORKER_KINDS,
  WorkerHistorySchema,
  WorkerStatusSchema,
} from '@fleet/core';
import { describe, expect, it } from 'vitest';

// docs/spec.md is where each contract is stated; these fail when the code grows past it.
const spec = readFileSync(join(import.meta.dirname, '../../docs/spec.md'), 'utf8');
const section = (n: number) => spec.split(/^## /m).find((part) => part.startsWith(`${n}. `)) ?? '';

describe('docs/spec.md', () => {
  it.each([
    ...Object.keys(StatusDocumentSchema.shape),
    ...Object.keys(WorkerStatusSchema.shape),
    ...Object.keys(LinkSchema.shape),
  ])('§3 names status document field %s', (field) => {
    // As `field`, `workers[].field` or a "field" of the JSON example.
    expect(section(3)).toMatch(new RegExp(`[\`".]${field}[\`"]`));
  });

  it.each(Object.keys(WorkerHistorySchema.shape))('§3.3 names history field %s', (field) => {
    const history = section(3).split(/^### 3\.3 /m)[1] ?? '';
    expect(history).toMatch(new RegExp(`\`${field}\``));
  });

  it.each(
    WORKER_KINDS.flatMap((kind) =>
      Object.entries(WORKER_KIND_TABLE[kind].states as Record<string, StateSpec>).map(
        ([state, { label, color }]) => ({ kind, state, label, color }),
      ),
    ),
  )('states kind $kind state $state in §1, its labels and colour in §7', (entry) => {
    expect(section(1)).toContain(`\`${entry.kind}\``);
    expect(section(1)).toContain(`\`${entry.state}\``);
    expect(section(7)).toContain(`\`${entry.label.ko}\``);
    expect(section(7)).toContain(`\`${entry.label.en}\``);
    expect(section(7)).toContain(`\`${entry.color}\``);
  });
});
