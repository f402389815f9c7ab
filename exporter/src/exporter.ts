import type { AddressInfo } from 'node:net';
import {
  Collector,
  createLogger,
  createRedisClient,
  DEFAULT_FLEET,
  type Fleet,
  type Logger,
  redactUrl,
} from '@fleet/core';
import { DEFAULTS } from './config.js';
import { createHttpApp } from './http-app.js';
import { createExporterMetrics } from './metrics/exporter-metrics.js';
import { createSingleflightCache } from './singleflight-cache.js';

export interface ExporterOptions {
  /** Redis to read; `rediss://` and passwords work. The password is never logged. */
  redisUrl: string;
  /** @defaultValue the six workers of SPEC §1 */
  fleet?: Fleet;
  /** HTTP port; 0 picks a free one (see `RunningExporter.url`). @defaultValue 8790 */
  port?: number;
  /** @defaultValue `0.0.0.0` */
  host?: string;
  /** Requests within this long share one collection. @defaultValue 1000 */
  cacheMaxAgeMs?: number;
  /** A collection (and each Redis command) gives up after this long. @defaultValue 2500 */
  collectTimeoutMs?: number;
  /** Background SCAN cadence on a large keyspace. @defaultValue 30 */
  scanIntervalS?: number;
  /** @defaultValue 5000 */
  scanDeadlineMs?: number;
  /** @defaultValue 10000 */
  scanKeyCap?: number;
  /** Keyspace size up to which the SCAN pass runs in every collection. @defaultValue 10000 */
  scanInlineMaxKeys?: number;
  /** The built panel, served at /infra/. @defaultValue `panel/dist` of this repository */
  panelDir?: string;
  /** @defaultValue a JSON logger at level info */
  logger?: Logger;
  /** The collector's clock. @defaultValue `Date.now` */
  now?: () => number;
}

export interface RunningExporter {
  /** Where it listens, e.g. `http://127.0.0.1:8790` (loopback when bound to every address). */
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish, disconnects Redis. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts the exporter in this process: what `exporter/dist/main.js` runs, and what tests embed. */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const logger = options.logger ?? createLogger('exporter');
  const collectTimeoutMs = options.collectTimeoutMs ?? DEFAULTS.collectTimeoutMs;
  const host = options.host ?? DEFAULTS.host;
  const panelDir = options.panelDir ?? DEFAULTS.panelDir;

  const redis = createRedisClient({
    url: options.redisUrl,
    commandTimeoutMs: collectTimeoutMs,
    connectTimeoutMs: collectTimeoutMs,
    logger,
  });
  const collector = new Collector({
    redis,
    fleet: options.fleet ?? DEFAULT_FLEET,
    logger,
    collectTimeoutMs,
    scanIntervalMs: (options.scanIntervalS ?? DEFAULTS.scanIntervalS) * 1000,
    scanDeadlineMs: options.scanDeadlineMs ?? DEFAULTS.scanDeadlineMs,
    scanKeyCap: options.scanKeyCap ?? DEFAULTS.scanKeyCap,
    scanInlineMaxKeys: options.scanInlineMaxKeys ?? DEFAULTS.scanInlineMaxKeys,
    ...(options.now ? { now: options.now } : {}),
  });
  const cache = createSingleflightCache(() => collector.collectSnapshot(), {
    maxAgeMs: options.cacheMaxAgeMs ?? DEFAULTS.cacheMaxAgeMs,
  });
  const app = createHttpApp({
    snapshot: cache.get,
    metrics: createExporterMetrics(cache.get),
    redisReady: () =>
      redis.ping().then(
        () => true,
        () => false,
      ),
    panelDir,
    logger,
  });

  const server = app.listen(options.port ?? DEFAULTS.port, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await collector.close();
    redis.disconnect();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info(
    {
      url,
      redis: redactUrl(options.redisUrl),
      workers: (options.fleet ?? DEFAULT_FLEET).workers.length,
      panelDir,
    },
    'exporter listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight end within a collection timeout; after that, cut what is left.
        setTimeout(() => server.closeAllConnections(), collectTimeoutMs + 500).unref();
      });
      await collector.close();
      redis.disconnect();
      logger.info('exporter stopped');
    })();
    return closing;
  };
  return { url, port, close };
}
