import { Collector, type Fleet } from '@fleet/core';
import type { Redis } from 'ioredis';

/** What a subject costs per operation, measured over several runs. */
export interface Measurement {
  /** Wall time of each run, in milliseconds. */
  samplesMs: number[];
  /** Redis round trips per run. */
  roundTrips: number;
  /** Redis commands per run, from INFO commandstats. */
  commands: number;
  /** Redis CPU per run (commandstats usec), in microseconds. */
  redisUs: number;
  /** CPU per run of the process under test (subjects that run one), in milliseconds. */
  cpuMs?: number;
  /** Peak resident memory of the process under test (VmHWM), in MiB. */
  peakRssMb?: number;
}

/** What a subject watches around the measured runs only (not the warm-up). */
export interface RunWindow {
  begin(): void;
  end(runs: number): Pick<Measurement, 'cpuMs' | 'peakRssMb'>;
}

export interface BenchContext {
  /** A client for the subject (and for reading commandstats). */
  redis: Redis;
  /** The same Redis, for subjects that run their own process. */
  redisUrl: string;
  fleet: Fleet;
  /** At most this many runs… */
  maxRuns: number;
  /** …and at least 3, stopping once this much time is spent. */
  budgetMs: number;
}

/**
 * One thing to time against a scenario's keyspace. New subjects (e.g. redis_exporter scraping
 * the same Redis) are added to SUBJECTS and appear as rows of the table.
 */
export interface Subject {
  name: string;
  measure(context: BenchContext): Promise<Measurement>;
}

/** Commands Redis ran and the CPU they took since the last CONFIG RESETSTAT (which is left out). */
export async function commandTotals(
  redis: Redis,
): Promise<{ calls: number; usec: number; scanCalls: number }> {
  const info = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  let scanCalls = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    if (match[1] === 'config|resetstat') continue;
    calls += Number(match[2]);
    usec += Number(match[3]);
    if (match[1] === 'scan') scanCalls += Number(match[2]);
  }
  return { calls, usec, scanCalls };
}

/**
 * Runs `operation` repeatedly; Redis commands and CPU come from commandstats, reset after
 * `prepare` so only the measured runs count. `operation` returns its round trips (NaN when
 * they cannot be known). `window` watches the measured runs, e.g. a process's CPU.
 */
export async function timeRuns(
  context: BenchContext,
  operation: () => Promise<number>,
  prepare: () => Promise<void> = async () => {},
  window?: RunWindow,
): Promise<Measurement> {
  await prepare();
  await operation(); // warm-up: JIT and connection, not measured
  await context.redis.config('RESETSTAT');
  window?.begin();
  const samplesMs: number[] = [];
  let roundTrips = 0;
  const started = performance.now();
  while (
    samplesMs.length < context.maxRuns &&
    (samplesMs.length < 3 || performance.now() - started < context.budgetMs)
  ) {
    const runStarted = performance.now();
    roundTrips += await operation();
    samplesMs.push(performance.now() - runStarted);
  }
  const watched = window?.end(samplesMs.length);
  const { calls, usec } = await commandTotals(context.redis);
  await context.redis.config('RESETSTAT');
  const runs = samplesMs.length;
  return {
    samplesMs,
    roundTrips: roundTrips / runs,
    commands: calls / runs,
    redisUs: usec / runs,
    ...watched,
  };
}

const UNBOUNDED = { collectTimeoutMs: 600_000, scanDeadlineMs: 600_000, scanKeyCap: 10_000_000 };

/** The collector with its SCAN pass inside every collection (what a small keyspace gets). */
const collectorWithScan: Subject = {
  name: 'collection + SCAN pass',
  async measure(context) {
    const collector = new Collector({
      redis: context.redis,
      fleet: context.fleet,
      ...UNBOUNDED,
      scanInlineMaxKeys: Number.MAX_SAFE_INTEGER,
    });
    try {
      return await timeRuns(
        context,
        async () => (await collector.collectSnapshot()).stats.roundTrips,
      );
    } finally {
      await collector.close();
    }
  },
};

/** The collector between background SCAN passes (what a large keyspace gets): the pipeline alone. */
const collectorPipelineOnly: Subject = {
  name: 'collection (pipeline only)',
  async measure(context) {
    const collector = new Collector({
      redis: context.redis,
      fleet: context.fleet,
      ...UNBOUNDED,
      scanInlineMaxKeys: 0,
      scanIntervalMs: 3_600_000,
    });
    try {
      return await timeRuns(
        context,
        async () => (await collector.collectSnapshot()).stats.roundTrips,
        async () => {
          // The first collection starts the background pass; wait for it to land.
          while ((await collector.collect()).scan === null) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      );
    } finally {
      await collector.close();
    }
  },
};

/** One plain SCAN pass over the whole keyspace, same COUNT as the collector: the floor. */
export const bareScan: Subject = {
  name: 'bare SCAN pass (floor)',
  measure(context) {
    return timeRuns(context, async () => {
      let cursor = '0';
      let roundTrips = 0;
      do {
        [cursor] = await context.redis.scan(cursor, 'COUNT', 1000);
        roundTrips += 1;
      } while (cursor !== '0');
      return roundTrips;
    });
  },
};

export const SUBJECTS: Subject[] = [collectorWithScan, collectorPipelineOnly, bareScan];
