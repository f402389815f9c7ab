// The browser side of the panel's tests and benchmarks: its built files served as the exporter
// serves them, and Debian's Chromium to open them. A subpath of its own: it pulls playwright-core.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { requireBinary } from './redis-server.js';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium with software WebGL (SwiftShader), or with WebGL switched off. */
export async function launchChromium(webgl: boolean): Promise<Browser> {
  const executablePath = requireBinary('chromium', 'chromium');
  return chromium.launch({
    executablePath,
    args: [
      ...BASE_ARGS,
      ...(webgl
        ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']
        : ['--disable-webgl', '--disable-3d-apis']),
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export interface StaticServerOptions {
  /** The path the files are served under. @defaultValue '/infra/' (as the exporter does) */
  prefix?: string;
  /** Served for a path without a file extension that names no file (a single-page app's routes). @defaultValue null */
  fallback?: string | null;
}

/** Serves a built folder: the panel under `/infra/`, as the exporter does, or a host app. */
export class StaticServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    root: string,
    { prefix = '/infra/', fallback = null }: StaticServerOptions = {},
  ): Promise<StaticServer> {
    const server = createServer(async (request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (!path.startsWith(prefix)) {
        response.writeHead(404).end();
        return;
      }
      let relative = normalize(path.slice(prefix.length) || 'index.html');
      if (relative.startsWith('..')) {
        response.writeHead(403).end();
        return;
      }
      if (fallback && extname(relative) === '' && !existsSync(join(root, relative))) {
        relative = fallback;
      }
      try {
        const body = await readFile(join(root, relative));
        response.writeHead(200, {
          'content-type': TYPES[extname(relative)] ?? 'application/octet-stream',
        });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new StaticServer(server, `http://127.0.0.1:${port}`);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
