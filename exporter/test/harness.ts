import { createLogger } from '@fleet/core';
import type { TestRedisServer } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { type ExporterOptions, type RunningExporter, startExporter } from '../src/index.js';

/** An in-process exporter on a free loopback port, quiet, with no panel built. */
export function startTestExporter(
  server: TestRedisServer,
  options: Partial<ExporterOptions> = {},
): Promise<RunningExporter> {
  return startExporter({
    redisUrl: server.url,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('exporter', 'silent'),
    panelDir: tempDir('fleet-no-panel-'),
    ...options,
  });
}

export async function getJson<T = Record<string, unknown>>(
  url: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

export async function getText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/** The value of one sample in Prometheus text, e.g. `fleet_worker_up{worker="a"}`. */
export function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
