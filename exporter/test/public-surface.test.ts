// The main port is safe to publish: security headers, CORS as configured, no internal address in
// redis_error; /metrics and /readyz can move to an internal listener (EXPORTER_INTERNAL_PORT).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, TestRedisServer } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, corsOrigins, loadConfig } from '../src/config.js';
import type { RunningExporter } from '../src/index.js';
import { corsHeaders, redactAddresses } from '../src/public-surface.js';
import { getJson, startTestExporter } from './harness.js';

const STATUS = '/api/agent-office/nodes';

describe('redactAddresses', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:6379', 'connect ECONNREFUSED <address>'],
    ['connect ECONNREFUSED 10.0.3.7', 'connect ECONNREFUSED <address>'],
    ['connect ECONNREFUSED ::1:6379', 'connect ECONNREFUSED <address>'],
    ['connect ECONNREFUSED [fd00::12]:6380', 'connect ECONNREFUSED <address>'],
    ['getaddrinfo ENOTFOUND redis.lan', 'getaddrinfo ENOTFOUND <address>'],
    ['getaddrinfo EAI_AGAIN nas', 'getaddrinfo EAI_AGAIN <address>'],
    ['connect ETIMEDOUT redis.lan:6379', 'connect ETIMEDOUT <address>'],
    ['Connection is closed.', 'Connection is closed.'],
    ['collection timed out after 2500 ms', 'collection timed out after 2500 ms'],
    ['NOAUTH Authentication required.', 'NOAUTH Authentication required.'],
  ])('%s → %s', (message, shown) => {
    expect(redactAddresses(message)).toBe(shown);
  });
});

describe('EXPORTER_CORS_ORIGIN', () => {
  it.each([
    ['', []],
    ['*', '*'],
    [' * ', '*'],
    ['https://nas.example:5001', ['https://nas.example:5001']],
    ['https://a.example, http://b.example:8080', ['https://a.example', 'http://b.example:8080']],
  ])('%j parses to %j', (value, parsed) => {
    expect(corsOrigins(value)).toEqual(parsed);
  });

  it.each(['nas.example', 'https://nas.example/app', 'ftp://x', '*, https://a.example'])(
    'rejects %j, naming the variable',
    (value) => {
      const load = () => withEnv({ EXPORTER_CORS_ORIGIN: value }, () => loadConfig([]));
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/EXPORTER_CORS_ORIGIN/);
    },
  );

  it.each([
    ['*', undefined, { 'Access-Control-Allow-Origin': '*' }],
    [[], 'https://evil.example', {}],
    [
      ['https://ui.example'],
      'https://ui.example',
      { 'Access-Control-Allow-Origin': 'https://ui.example', Vary: 'Origin' },
    ],
    [['https://ui.example'], 'https://evil.example', { Vary: 'Origin' }],
    [['https://ui.example'], undefined, { Vary: 'Origin' }],
  ] as const)('policy %j, origin %s → %j', (policy, origin, headers) => {
    expect(corsHeaders(policy, origin)).toEqual(headers);
  });

  it('EXPORTER_FRAME_ANCESTORS rejects what would end the directive', () => {
    const load = () =>
      withEnv({ EXPORTER_FRAME_ANCESTORS: "'self'; script-src *" }, () => loadConfig([]));
    expect(load).toThrow(/EXPORTER_FRAME_ANCESTORS/);
  });
});

function withEnv<T>(env: Record<string, string>, work: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return work();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('the main port and the internal listener', () => {
  let server: TestRedisServer;
  let exporter: RunningExporter;
  let internal: string;

  beforeAll(async () => {
    server = await TestRedisServer.start();
    exporter = await startTestExporter(server, { internalPort: 0, internalHost: '127.0.0.1' });
    internal = exporter.internalUrl ?? '';
  });
  afterAll(async () => {
    await exporter?.close();
    await server?.stop();
  });

  it('answers the status document with nosniff, a CSP with frame-ancestors, no banner, no CORS', async () => {
    const response = await fetch(`${exporter.url}${STATUS}`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|; )frame-ancestors 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )connect-src 'self'(;|$)/);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('server')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each(['/infra/', '/healthz', '/nowhere'])('%s carries the same headers', async (path) => {
    const response = await fetch(`${exporter.url}${path}`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors/);
  });

  it('keeps /metrics and /readyz off the main port; the internal listener has them', async () => {
    expect(internal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(internal).not.toBe(exporter.url);
    for (const path of ['/metrics', '/readyz']) {
      expect((await fetch(`${exporter.url}${path}`)).status, path).toBe(404);
      expect((await fetch(`${internal}${path}`)).status, path).toBe(200);
    }
    expect(await (await fetch(`${internal}/metrics`)).text()).toMatch(/^fleet_redis_up 1$/m);
    expect((await fetch(`${exporter.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${internal}/healthz`)).status).toBe(200);
    // The internal listener serves nothing a browser would want.
    expect((await fetch(`${internal}${STATUS}`)).status).toBe(404);
    expect((await fetch(`${internal}/infra/`)).status).toBe(404);
  });
});

describe('CORS and redis_error on the main port', () => {
  let server: TestRedisServer;
  const running: RunningExporter[] = [];

  beforeAll(async () => {
    server = await TestRedisServer.start();
  });
  afterAll(async () => {
    for (const exporter of running) await exporter.close();
    await server?.stop();
  });

  it('EXPORTER_CORS_ORIGIN=* gives back the old Access-Control-Allow-Origin: *', async () => {
    const exporter = await startTestExporter(server, { corsOrigin: '*' });
    running.push(exporter);
    const response = await fetch(`${exporter.url}${STATUS}`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    // One listener (no internal port): /metrics stays where it always was.
    expect((await fetch(`${exporter.url}/metrics`)).status).toBe(200);
  });

  it('EXPORTER_FRAME_ANCESTORS sets who may frame the panel', async () => {
    const exporter = await startTestExporter(server, {
      frameAncestors: "'self' https://ui.example",
    });
    running.push(exporter);
    const csp = (await fetch(`${exporter.url}/infra/`)).headers.get('content-security-policy');
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/ui\.example(;|$)/);
  });

  it('serves the element module to any origin, the panel page and the document only as configured', async () => {
    const panelDir = tempDir('fleet-panel-');
    mkdirSync(join(panelDir, 'element'));
    writeFileSync(join(panelDir, 'index.html'), '<!doctype html>');
    writeFileSync(join(panelDir, 'element', 'fleet-panel-element.js'), 'export {};');
    const exporter = await startTestExporter(server, { panelDir });
    running.push(exporter);
    const headers = { origin: 'https://ui.example' };
    const allowed = async (path: string) => {
      const response = await fetch(`${exporter.url}${path}`, { headers });
      return [response.status, response.headers.get('access-control-allow-origin')];
    };
    expect(await allowed('/infra/element/fleet-panel-element.js')).toEqual([200, '*']);
    expect(await allowed('/infra/')).toEqual([200, null]);
    expect(await allowed(STATUS)).toEqual([200, null]);
  });

  it('does not show where Redis is when it cannot be reached', async () => {
    const port = await freePort();
    const exporter = await startTestExporter(server, {
      redisUrl: `redis://127.0.0.1:${port}`,
      collectTimeoutMs: 300,
    });
    running.push(exporter);
    const { body } = await getJson<{ redis_ok: boolean; redis_error: string }>(
      `${exporter.url}${STATUS}`,
    );
    expect(body.redis_ok).toBe(false);
    expect(body.redis_error).toBeTruthy();
    expect(body.redis_error).not.toContain('127.0.0.1');
    expect(body.redis_error).not.toContain(String(port));
  });
});
