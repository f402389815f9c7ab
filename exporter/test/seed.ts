import { DEFAULT_FLEET } from '@fleet/core';
import type { Redis } from 'ioredis';

const STATE = { render: 'busy', watcher: 'trading', trader: 'market_open' } as const;

/** Writes a live default fleet with queue figures, as the workers would (docs/spec.md §1). */
export async function seedFleet(client: Redis, nowMs = Date.now()): Promise<void> {
  const pipeline = client.pipeline();
  for (const spec of DEFAULT_FLEET.workers) {
    const beat = {
      name: spec.name,
      kind: spec.kind,
      state: STATE[spec.kind],
      ts: new Date(nowMs).toISOString(),
      last_job_at: new Date(nowMs - 60_000).toISOString(),
      jobs_done: 7,
      jobs_failed: 1,
      ...(spec.kind === 'watcher' ? { mode: 'trading' } : {}),
    };
    pipeline.set(`worker:${spec.name}:heartbeat`, JSON.stringify(beat), 'EX', 45);
  }
  pipeline.rpush('queue:music-render', 'a', 'b', 'c');
  pipeline.rpush('dead_letter:queue:video-render', 'x');
  pipeline.rpush('processing:queue:image-render:pc-1', 'j1', 'j2');
  pipeline.set('queue:paused', '1', 'EX', 600);
  await pipeline.exec();
}
