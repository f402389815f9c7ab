// The exporter's in-memory worker history (docs/spec.md §3.3): bytes per worker after an hour
// of collections, at the panel's 3 s polls and at the 1 s floor, for a calm and a flapping fleet.
// Run: npx tsc -b exporter && node --expose-gc --import tsx bench/history-memory.ts [workers…]
import { loadavg } from 'node:os';
import type { CollectionSnapshot } from '@fleet/core';
import { FleetHistory } from '@fleet/exporter';
import { markdownTable } from '@fleet/testing';

const HOUR_MS = 3_600_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (see the header)');

function used(): number {
  gc?.();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

function snapshot(names: readonly string[], atMs: number, flapEveryMs: number): CollectionSnapshot {
  const ts = new Date(atMs).toISOString();
  const lastJobAt = new Date(atMs - 60_000).toISOString();
  const flap = Math.floor(atMs / flapEveryMs) % 2 === 1;
  const workers = names.map((name, index) => ({
    name,
    alive: !(flap && index % 2 === 0),
    heartbeat_stale: false,
    job_stuck: false,
    state: flap ? 'busy' : 'idle',
    queue_depth: (atMs / 1000 + index) % 50,
    dead_letter: index % 3,
    processing: index % 2,
  }));
  const details = new Map(
    names.map((name) => [
      name,
      {
        heartbeat: {
          name,
          kind: 'render' as const,
          state: 'idle',
          ts,
          tsMs: atMs,
          last_job_at: lastJobAt,
          jobs_done: 1000,
          jobs_failed: 3,
          mode: null,
        },
        deadLetterHead: `12:${name}`,
      },
    ]),
  );
  return {
    document: { redis_ok: true, generated_at: ts, workers },
    details,
  } as unknown as CollectionSnapshot;
}

const rows: string[][] = [];
// Bytes per worker do not depend on the fleet's size; more workers only take longer to feed.
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const workers of sizes.length > 0 ? sizes : [200]) {
  for (const [cadence, everyMs] of [
    ['3 s (panel polls)', 3000],
    ['1 s (the floor)', 1000],
  ] as const) {
    for (const [pattern, flapMs] of [
      ['calm (a change every 5 min)', 300_000],
      ['flapping (a change every collection)', everyMs],
    ] as const) {
      const names = Array.from({ length: workers }, (_, i) => `render-${i}`);
      const before = used();
      const history = new FleetHistory({ retentionS: 3600 });
      const start = Date.parse('2026-03-01T00:00:00Z');
      for (let t = 0; t <= HOUR_MS; t += everyMs)
        history.record(snapshot(names, start + t, flapMs));
      const after = used();
      const perWorker = (after - before) / workers;
      rows.push([
        String(workers),
        cadence,
        pattern,
        `${(history.sampleBytes / workers / 1024).toFixed(1)} KiB`,
        `${(perWorker / 1024).toFixed(1)} KiB`,
        `${((after - before) / 1024 / 1024).toFixed(1)} MiB`,
      ]);
      // Keep the history alive until measured.
      if (history.size !== workers) throw new Error('history lost workers');
    }
  }
}
console.log(
  markdownTable(
    ['workers', 'collections', 'states', 'sample arrays / worker', 'measured / worker', 'total'],
    rows,
    3,
  ),
);
console.log(
  `\nNode ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);
