import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectionSnapshot, Logger } from '@fleet/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ExporterMetrics } from './metrics/exporter-metrics.js';

export interface HttpAppOptions {
  /** The shared (singleflight) collection. */
  snapshot: () => Promise<CollectionSnapshot>;
  metrics: ExporterMetrics;
  /** Whether Redis answers right now. */
  redisReady: () => Promise<boolean>;
  /** The built panel, served at /infra/. */
  panelDir: string;
  logger: Logger;
}

export const STATUS_PATH = '/api/agent-office/nodes';

const PANEL_MISSING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Panel not built</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>The panel is not built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm run build -w panel</code>) and reload.
The status document is at <a href="${STATUS_PATH}">${STATUS_PATH}</a> and metrics at
<a href="/metrics">/metrics</a>.</p>
</body></html>
`;

/** The exporter's HTTP surface: metrics, the status document, probes and the panel. */
export function createHttpApp(options: HttpAppOptions): Express {
  const { snapshot, metrics, redisReady, panelDir, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // An ETag would hash every answer (1.4 MB of metrics at 1000 workers) for nothing: the status
  // document is no-store and Prometheus never revalidates. The panel's files keep theirs.
  app.disable('etag');

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.scrape());
  });

  app.get(STATUS_PATH, async (_req, res) => {
    const { document } = await snapshot();
    // Read-only and public to the LAN: other dashboards may fetch it from their own origin.
    res.set({ 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }).json(document);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const ready = await redisReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'redis unreachable' });
  });

  app.get('/', (_req, res) => {
    res.redirect(302, '/infra/');
  });
  // Relative asset URLs in the panel need the trailing slash.
  app.use((req, res, next) => {
    if (req.path === '/infra') res.redirect(301, '/infra/');
    else next();
  });
  app.use('/infra', (_req, res, next) => {
    if (existsSync(join(panelDir, 'index.html'))) next();
    else res.status(404).type('html').send(PANEL_MISSING);
  });
  app.use('/infra', express.static(panelDir, { index: 'index.html', fallthrough: true }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ error: error.message }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}
