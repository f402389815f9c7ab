// The alerting service's history stream (alerting/README.md "History"): Redis memory per event,
// MEMORY USAGE of the stream after 1,000, 10,000 and 100,000 transitions of the six workers.
// Run: npx tsc -b alerting && npx tsx bench/history-stream-memory.ts
import { HistoryStream } from '@fleet/alerting';
import { markdownTable, TestRedisServer } from '@fleet/testing';

const WORKERS = [
  'music-render',
  'video-render',
  'image-render',
  'insta-render',
  'task-watcher',
  'ai_trade',
];
const server = await TestRedisServer.start();
const redis = server.client();
let now = Date.parse('2026-09-01T00:00:00Z');
// Retention above the 100,000 minutes the run spans, so nothing is trimmed while it counts.
const stream = new HistoryStream(
  redis,
  'bench:',
  { retentionMs: 90 * 86_400_000, maxLength: 10_000_000 },
  () => now,
);
const rows: string[][] = [];
let appended = 0;
try {
  for (const target of [1_000, 10_000, 100_000]) {
    while (appended < target) {
      const batch = [];
      for (let i = 0; i < 100; i += 1, appended += 1) {
        now += 60_000;
        const worker = WORKERS[appended % WORKERS.length] as string;
        batch.push(
          appended % 2 === 0
            ? {
                type: 'down' as const,
                at: now,
                worker,
                since: now - 45_000,
                atBoot: false,
                quiet: false,
              }
            : { type: 'recovered' as const, at: now, worker, downForMs: 120_000, quiet: false },
        );
      }
      await stream.append(batch);
    }
    const bytes = Number(await redis.memory('USAGE', stream.key, 'SAMPLES', '0'));
    rows.push([
      String(appended),
      `${(bytes / 1024).toFixed(0)} KiB`,
      (bytes / appended).toFixed(1),
    ]);
  }
  console.log(markdownTable(['events', 'MEMORY USAGE', 'bytes per event'], rows, 0));
} finally {
  redis.disconnect();
  await server.stop();
}
