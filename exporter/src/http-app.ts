import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectionSnapshot, Logger } from '@fleet/core';
import type { WorkerHistory } from '@fleet/core/contracts';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { CorsOrigins } from './config.js';
import type { ExporterMetrics } from './metrics/exporter-metrics.js';
import { corsHeaders, redactAddresses, securityHeaders } from './public-surface.js';

/** What the two listeners share: the collection, the metrics, the Redis probe. */
export interface HttpAppOptions {
  /** The shared (singleflight) collection. */
  snapshot: () => Promise<CollectionSnapshot>;
  metrics: ExporterMetrics;
  /** Whether Redis answers right now. */
  redisReady: () => Promise<boolean>;
  logger: Logger;
}

/** The main port's options: what it serves besides the panel and the status document. */
export interface MainAppOptions extends HttpAppOptions {
  /** The built panel, served at /infra/. */
  panelDir: string;
  /** A worker's history from memory (never a Redis read), undefined for an unknown worker. */
  history: (worker: string) => WorkerHistory | undefined;
  /** /metrics and /readyz here too; false when the internal listener has them. */
  serveMetrics: boolean;
  /** Who may read the status document from another origin. */
  corsOrigin: CorsOrigins;
  /** The CSP frame-ancestors sources. */
  frameAncestors: string;
}

export const STATUS_PATH = '/api/agent-office/nodes';
/** A worker's history, next to the status document (docs/spec.md §3.3). */
export const HISTORY_PATH = `${STATUS_PATH}/:name/history`;
/** Where the `<fleet-panel>` element's module files are served, under the panel. */
export const ELEMENT_PATH = '/infra/element';

const PANEL_MISSING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Panel not built</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>The panel is not built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm run build -w panel</code>) and reload.
The status document is at <a href="${STATUS_PATH}">${STATUS_PATH}</a> and metrics at
<a href="/metrics">/metrics</a>.</p>
</body></html>
`;

function baseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  // An ETag would hash every answer (1.4 MB of metrics at 1000 workers) for nothing: the status
  // document is no-store and Prometheus never revalidates. The panel's files keep theirs.
  app.disable('etag');
  return app;
}

function metricsRoutes(app: Express, { metrics, redisReady }: HttpAppOptions): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.scrape());
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await redisReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'redis unreachable' });
  });
}

function healthRoute(app: Express): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
}

function endRoutes(app: Express, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ error: error.message }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });
}

/**
 * The main port: the panel, the status document and /healthz, safe to publish (security
 * headers, CORS as configured, no internal address in `redis_error`); also /metrics and
 * /readyz unless the internal listener serves them.
 */
export function createHttpApp(options: MainAppOptions): Express {
  const { snapshot, panelDir, logger } = options;
  const app = baseApp();
  const headers = securityHeaders(options.frameAncestors);
  app.use((_req, res, next) => {
    res.set(headers);
    next();
  });

  if (options.serveMetrics) metricsRoutes(app, options);

  app.get(STATUS_PATH, async (req, res) => {
    const { document } = await snapshot();
    const shown =
      document.redis_error === null
        ? document
        : { ...document, redis_error: redactAddresses(document.redis_error) };
    res
      .set({ 'Cache-Control': 'no-store', ...corsHeaders(options.corsOrigin, req.get('origin')) })
      .json(shown);
  });

  app.get(HISTORY_PATH, (req, res) => {
    const cors = corsHeaders(options.corsOrigin, req.get('origin'));
    const history = options.history(req.params.name);
    res.set({ 'Cache-Control': 'no-store', ...cors });
    if (history) res.json(history);
    else res.status(404).json({ error: 'no such worker' });
  });

  healthRoute(app);

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
  // A host page on another origin loads the element with <script type=module>, a CORS request:
  // these files are public and sent without credentials, so any origin may load them.
  app.use(ELEMENT_PATH, (_req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    next();
  });
  app.use('/infra', express.static(panelDir, { index: 'index.html', fallthrough: true }));

  endRoutes(app, logger);
  return app;
}

/** The internal port (EXPORTER_INTERNAL_PORT): /metrics, /readyz and /healthz for Prometheus. */
export function createInternalApp(options: HttpAppOptions): Express {
  const app = baseApp();
  metricsRoutes(app, options);
  healthRoute(app);
  endRoutes(app, options.logger);
  return app;
}
