import { type Fleet, redisKeys } from '@fleet/core';
import { scaleFleet, scaleWorkerLoad } from '@fleet/simulator';
import type { Redis } from 'ioredis';

/** One benchmark keyspace: N workers among `unrelatedKeys` keys that are none of the fleet's. */
export interface Scenario {
  workers: number;
  unrelatedKeys: number;
}

/**
 * Fills a private Redis for a scenario: DEBUG POPULATE writes the unrelated keys server-side in
 * about a second per million, then every worker gets a heartbeat and its lists, with the same
 * figures the simulator's scale mode uses. Heartbeats get a long TTL so none expires mid-run.
 */
export async function fillKeyspace(redis: Redis, scenario: Scenario): Promise<Fleet> {
  await redis.flushall();
  await redis.call('DEBUG', 'POPULATE', String(scenario.unrelatedKeys), 'bench:unrelated');
  const fleet = scaleFleet(scenario.workers);
  const pipeline = redis.pipeline();
  const ts = new Date().toISOString();
  fleet.workers.forEach((spec, i) => {
    const queue = spec.queue as string;
    const load = scaleWorkerLoad(i + 1);
    const beat = {
      name: spec.name,
      kind: spec.kind,
      state: load.state,
      ts,
      last_job_at: ts,
      jobs_done: i,
      jobs_failed: 0,
    };
    pipeline.set(redisKeys.heartbeat(spec.name), JSON.stringify(beat), 'EX', 3600);
    const jobs = (n: number) => Array.from({ length: n }, (_, j) => `job-${j}`);
    if (load.queueDepth) pipeline.rpush(queue, ...jobs(load.queueDepth));
    if (load.deadLetters) pipeline.rpush(redisKeys.deadLetter(queue), ...jobs(load.deadLetters));
    if (load.inFlight)
      pipeline.rpush(`${redisKeys.processingPrefix(queue)}bench-1`, ...jobs(load.inFlight));
  });
  await pipeline.exec();
  return fleet;
}
