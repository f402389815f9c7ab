import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Collector,
  createLogger,
  createRedisClient,
  DEFAULT_FLEET,
  type Logger,
  redactUrl,
} from '@fleet/core';
import { alertingKeys } from '@fleet/core/contracts';
import { DEFAULTS, type ExporterConfig } from './config.js';
import { FleetHistory } from './history/fleet-history.js';
import { createHttpApp, createInternalApp } from './http-app.js';
import { createExporterMetrics } from './metrics/exporter-metrics.js';
import { createSingleflightCache } from './singleflight-cache.js';

/**
 * Options of `startExporter`: the settings of `SETTINGS` in config.ts (each documented there with
 * its variable and default), and what a test or embedding program injects.
 */
export interface ExporterOptions extends Partial<ExporterConfig> {
  redisUrl: string;
  /** @defaultValue a JSON logger at level info */
  logger?: Logger;
  /** The collector's clock. @defaultValue `Date.now` */
  now?: () => number;
  /** For `rediss://` with a private CA or a client certificate: PEM file paths. */
  redisTlsCaFile?: string | undefined;
  redisTlsCertFile?: string | undefined;
  redisTlsKeyFile?: string | undefined;
  /** A heartbeat whose `ts` has not moved this long is stale. @defaultValue 135 */
  heartbeatStaleAfterS?: number;
  /** Stuck threshold of a worker whose fleet entry sets none. @defaultValue 1800 */
  jobStuckAfterS?: number;
  /** An unlisted worker without a heartbeat key this long is forgotten. @defaultValue 3600 */
  unlistedForgetAfterS?: number;
}

export interface RunningExporter {
  /** Where it listens, e.g. `http://127.0.0.1:8790` (loopback when bound to every address). */
  url: string;
  port: number;
  /** The internal listener (/metrics, /readyz), when EXPORTER_INTERNAL_PORT is set. */
  internalUrl: string | undefined;
  /** Stops accepting, lets requests in flight finish, disconnects Redis. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts the exporter in this process: what `exporter/dist/main.js` runs, and what tests embed. */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const logger = options.logger ?? createLogger('exporter');
  const collectTimeoutMs = options.collectTimeoutMs ?? DEFAULTS.collectTimeoutMs;
  const host = options.host ?? DEFAULTS.host;
  const panelDir = options.panelDir ?? DEFAULTS.panelDir;
  const alertKeyPrefix = options.alertKeyPrefix ?? DEFAULTS.alertKeyPrefix;

  const redis = createRedisClient({
    url: options.redisUrl,
    commandTimeoutMs: collectTimeoutMs,
    connectTimeoutMs: collectTimeoutMs,
    logger,
    tls: {
      redisTlsCaFile: options.redisTlsCaFile,
      redisTlsCertFile: options.redisTlsCertFile,
      redisTlsKeyFile: options.redisTlsKeyFile,
    },
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
    heartbeatStaleAfterS: options.heartbeatStaleAfterS ?? DEFAULTS.heartbeatStaleAfterS,
    stuckAfterS: options.jobStuckAfterS ?? DEFAULTS.jobStuckAfterS,
    unlistedForgetAfterS: options.unlistedForgetAfterS ?? DEFAULTS.unlistedForgetAfterS,
    // Read-only: the alerting service writes these hashes, the exporter only shows them.
    maintenanceKey: alertingKeys.maintenance(alertKeyPrefix),
    silencesKey: alertingKeys.silences(alertKeyPrefix),
    ...(options.now ? { now: options.now } : {}),
  });
  const history = new FleetHistory({
    retentionS: options.historyRetentionS ?? DEFAULTS.historyRetentionS,
  });
  // The history is fed by the collections requests cause anyway: it never reads Redis itself.
  const collect = async () => {
    const snapshot = await collector.collectSnapshot();
    history.record(snapshot);
    return snapshot;
  };
  const cache = createSingleflightCache(collect, {
    maxAgeMs: options.cacheMaxAgeMs ?? DEFAULTS.cacheMaxAgeMs,
  });
  const shared = {
    snapshot: cache.get,
    metrics: createExporterMetrics(cache.get),
    redisReady: () =>
      redis.ping().then(
        () => true,
        () => false,
      ),
    logger,
  };
  const internalPort = options.internalPort;
  const app = createHttpApp({
    ...shared,
    panelDir,
    history: (name) => history.get(name, (options.now ?? Date.now)()),
    serveMetrics: internalPort === undefined,
    corsOrigin: options.corsOrigin ?? DEFAULTS.corsOrigin,
    frameAncestors: options.frameAncestors ?? DEFAULTS.frameAncestors,
  });

  const servers: Server[] = [];
  let url: string;
  let port: number;
  let internalUrl: string | undefined;
  try {
    ({ url, port } = await listen(servers, app, options.port ?? DEFAULTS.port, host));
    if (internalPort !== undefined) {
      const internalHost = options.internalHost ?? DEFAULTS.internalHost;
      ({ url: internalUrl } = await listen(
        servers,
        createInternalApp(shared),
        internalPort,
        internalHost,
      ));
    }
  } catch (error) {
    for (const server of servers) server.close();
    await collector.close();
    redis.disconnect();
    throw error;
  }
  logger.info(
    {
      url,
      ...(internalUrl ? { internalUrl } : {}),
      redis: redactUrl(options.redisUrl),
      workers: (options.fleet ?? DEFAULT_FLEET).workers.length,
      panelDir,
    },
    'exporter listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
              // Requests in flight end within a collection timeout; after that, cut what is left.
              setTimeout(() => server.closeAllConnections(), collectTimeoutMs + 500).unref();
            }),
        ),
      );
      await collector.close();
      redis.disconnect();
      logger.info('exporter stopped');
    })();
    return closing;
  };
  return { url, port, internalUrl, close };
}

/** Starts `app` on host:port, adds its server to `servers`, and tells where it listens. */
async function listen(
  servers: Server[],
  app: ReturnType<typeof createInternalApp>,
  requestedPort: number,
  host: string,
): Promise<{ url: string; port: number }> {
  const server = app.listen(requestedPort, host);
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`, port };
}
