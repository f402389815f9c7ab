import type { Fleet } from '@fleet/core';
import {
  cpuTimeMs,
  type ExporterProcess,
  peakRssMb,
  startFleetExporterProcess,
  startRedisExporterProcess,
} from '@fleet/testing';
import { type BenchContext, type Subject, timeRuns } from './subjects.js';

const SERVING_TIMEOUT_MS = 60_000;
const WARM_UP_SCRAPES = 10;

export class ScrapeError extends Error {
  override name = 'ScrapeError';
}

/** The value of an unlabelled sample in Prometheus text, e.g. `fleet_redis_up`. */
export function sampleValue(metrics: string, name: string): number {
  const line = metrics.split('\n').find((text) => text.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

/** The facts of docs/spec.md §1 for every worker are in the scrape, or the comparison is void. */
function checkFacts(
  exporter: string,
  metrics: string,
  fleet: Fleet,
  series: (worker: string) => string[],
) {
  const missing = fleet.workers.flatMap((worker) =>
    series(worker.name).filter((fragment) => !metrics.includes(fragment)),
  );
  if (missing.length > 0) {
    throw new ScrapeError(`${exporter} scrape lacks ${missing.length} series, e.g. ${missing[0]}`);
  }
}

interface ExporterUnderTest {
  name: string;
  start(context: BenchContext): Promise<ExporterProcess>;
  /** Waits until the exporter serves complete data, and checks it has every fact. */
  ready(exporter: ExporterProcess, fleet: Fleet): Promise<void>;
  /** Redis round trips of the scrape, when the exporter says. */
  roundTrips(metrics: string): number;
}

async function scrape(exporter: ExporterProcess): Promise<string> {
  const response = await fetch(`${exporter.url}/metrics`);
  const body = await response.text();
  if (!response.ok) throw new ScrapeError(`/metrics answered ${response.status}: ${body}`);
  return body;
}

/** Scrapes an exporter process: latency, Redis commands, and the process's CPU and peak RSS. */
function scrapeSubject(exporter: ExporterUnderTest): Subject {
  return {
    name: exporter.name,
    async measure(context) {
      const running = await exporter.start(context);
      let cpuAtBegin = 0;
      try {
        return await timeRuns(
          context,
          async () => exporter.roundTrips(await scrape(running)),
          () => exporter.ready(running, context.fleet),
          {
            begin: () => {
              cpuAtBegin = cpuTimeMs(running.pid);
            },
            end: (runs) => ({
              cpuMs: (cpuTimeMs(running.pid) - cpuAtBegin) / runs,
              peakRssMb: peakRssMb(running.pid),
            }),
          },
        );
      } finally {
        await running.stop();
      }
    },
  };
}

export const FLEET_EXPORTER_NAME = 'fleet exporter';
export const REDIS_EXPORTER_NAME = 'redis_exporter';

/**
 * This exporter as a process with `EXPORTER_CACHE_MAX_AGE_MS=0`, so every scrape is a fresh
 * collection (as with Prometheus scraping every 15 s), and its other settings at their defaults:
 * above 10 000 keys the SCAN pass runs in the background every 30 s.
 */
const fleetExporter: ExporterUnderTest = {
  name: FLEET_EXPORTER_NAME,
  start: (context) =>
    startFleetExporterProcess({
      redisUrl: context.redisUrl,
      fleet: context.fleet,
      env: { EXPORTER_CACHE_MAX_AGE_MS: '0' },
    }),
  async ready(exporter, fleet) {
    await fleetExporterServing(exporter, fleet);
    await warmUp(exporter);
  },
  roundTrips: (metrics) => sampleValue(metrics, 'fleet_collect_round_trips'),
};

/**
 * Waits until the fleet exporter serves every worker of `fleet` with a finished SCAN pass behind
 * it (the first collection starts the background pass on a large keyspace).
 */
export async function fleetExporterServing(exporter: ExporterProcess, fleet: Fleet): Promise<void> {
  const deadline = performance.now() + SERVING_TIMEOUT_MS;
  for (;;) {
    const metrics = await scrape(exporter);
    if (
      sampleValue(metrics, 'fleet_redis_up') === 1 &&
      sampleValue(metrics, 'fleet_scan_passes_total') >= 1
    ) {
      checkFacts(FLEET_EXPORTER_NAME, metrics, fleet, (worker) => [
        `fleet_worker_up{worker="${worker}"} 1`,
        `fleet_queue_depth{worker="${worker}"`,
        `fleet_queue_dead_letter{worker="${worker}"`,
        `fleet_queue_processing{worker="${worker}"`,
      ]);
      return;
    }
    if (performance.now() > deadline) {
      throw new ScrapeError(`no finished SCAN pass in ${SERVING_TIMEOUT_MS} ms:\n${metrics}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Scrapes before measuring, so the measured ones see warm code paths (V8's JIT above all). */
async function warmUp(exporter: ExporterProcess): Promise<void> {
  for (let i = 0; i < WARM_UP_SCRAPES; i += 1) await scrape(exporter);
}

/** redis_exporter (Debian's prometheus-redis-exporter) with key checks, scraping Redis on every request. */
const redisExporter: ExporterUnderTest = {
  name: REDIS_EXPORTER_NAME,
  start: (context) =>
    startRedisExporterProcess({ redisUrl: context.redisUrl, fleet: context.fleet }),
  async ready(exporter, fleet) {
    const metrics = await scrape(exporter);
    if (sampleValue(metrics, 'redis_up') !== 1)
      throw new ScrapeError('redis_exporter: redis_up is not 1');
    checkFacts(REDIS_EXPORTER_NAME, metrics, fleet, (worker) => [
      `key="worker:${worker}:heartbeat"`,
      `key="queue:${worker}"`,
      `key="dead_letter:queue:${worker}"`,
    ]);
    await warmUp(exporter);
  },
  roundTrips: () => Number.NaN,
};

/** Rows of the side-by-side scrape table, each timed against every scenario's keyspace. */
export const SCRAPE_SUBJECTS: Subject[] = [
  scrapeSubject(fleetExporter),
  scrapeSubject(redisExporter),
];
