import type { ExporterProcess } from '@fleet/testing';
import { cpuTimeMs, rssMb } from '@fleet/testing';
import autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { quantile } from './stats.js';
import { commandTotals } from './subjects.js';

export interface LoadOptions {
  /** The Redis the exporter reads, for its command counts. */
  redis: Redis;
  exporter: ExporterProcess;
  /** The path the clients poll, e.g. `/api/agent-office/nodes`. */
  path: string;
  /** Concurrent keep-alive clients, each sending its next request as soon as the last answered. */
  clients: number;
  durationS: number;
  /** Besides the clients, scrape `/metrics` this often, as Prometheus does; 0 = not. */
  scrapeEveryMs: number;
}

export interface LoadResult {
  requests: number;
  requestsPerS: number;
  medianMs: number;
  p99Ms: number;
  /** Failed requests: connection errors (timeouts included) and answers other than 2xx. */
  failures: number;
  /** The `/metrics` scrapes made meanwhile, and their median latency. */
  scrapes: number;
  scrapeMedianMs: number;
  redisCommandsPerS: number;
  /** The SCAN calls among them (this exporter's background pass, every 30 s whoever polls). */
  redisScansPerS: number;
  /** Redis CPU spent on commands, as a share of one core. */
  redisCpuPercent: number;
  /** The exporter process's CPU, as a share of one core. */
  exporterCpuPercent: number;
  /** The exporter's resident memory at the end. */
  exporterRssMb: number;
}

/** `/metrics` every `everyMs` until stopped, timing each scrape. */
function scrapeLoop(url: string, everyMs: number) {
  const samplesMs: number[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = performance.now();
      const response = await fetch(`${url}/metrics`);
      await response.text();
      samplesMs.push(performance.now() - started);
      const wait = everyMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return samplesMs;
    },
  };
}

/**
 * Drives `clients` closed-loop HTTP clients (autocannon) at one endpoint for `durationS`, with
 * Prometheus-like scrapes beside them, and reads what that cost Redis and the exporter.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { redis, exporter } = options;
  await redis.config('RESETSTAT');
  const cpuBefore = cpuTimeMs(exporter.pid);
  const started = performance.now();
  const scraper =
    options.scrapeEveryMs > 0 ? scrapeLoop(exporter.url, options.scrapeEveryMs) : null;
  const result = await autocannon({
    url: `${exporter.url}${options.path}`,
    connections: options.clients,
    duration: options.durationS,
    timeout: 10,
  });
  const scrapeSamples = (await scraper?.stop()) ?? [];
  const elapsedS = (performance.now() - started) / 1000;
  const cpuMs = cpuTimeMs(exporter.pid) - cpuBefore;
  const { calls, usec, scanCalls } = await commandTotals(redis);
  return {
    requests: result.requests.total,
    requestsPerS: result.requests.total / result.duration,
    medianMs: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.non2xx,
    scrapes: scrapeSamples.length,
    scrapeMedianMs: quantile(scrapeSamples, 0.5),
    redisCommandsPerS: calls / elapsedS,
    redisScansPerS: scanCalls / elapsedS,
    redisCpuPercent: (usec / 1e6 / elapsedS) * 100,
    exporterCpuPercent: (cpuMs / 1000 / elapsedS) * 100,
    exporterRssMb: rssMb(exporter.pid),
  };
}
