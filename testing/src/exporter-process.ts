import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fleet } from '@fleet/core';
import { freePort, requireBinary } from './redis-server.js';
import { serviceMain } from './service-main.js';

/** An exporter running as its own process, so its CPU and memory can be read from /proc. */
export interface ExporterProcess {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** The exit code or signal once it has exited on its own, else null. */
  exitStatus(): string | null;
  /** SIGTERM, then SIGKILL after 5 s; safe to call twice. */
  stop(): Promise<void>;
}

export class ExporterStartError extends Error {
  override name = 'ExporterStartError';
}

const START_TIMEOUT_MS = 20_000;

function supervise(
  child: ChildProcess,
  url: Promise<string>,
  cleanup: () => void,
): Promise<ExporterProcess> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      cleanup();
    })();
    return stopping;
  };
  const started = (async (): Promise<ExporterProcess> => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new ExporterStartError(`not ready in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      ).unref(),
    );
    const died = exited.then(() => {
      throw new ExporterStartError(`exited during start (${child.exitCode}):\n${output}`);
    });
    try {
      const ready = await Promise.race([url, timeout, died]);
      return {
        url: ready,
        pid: child.pid as number,
        output: () => output,
        exitStatus: () =>
          child.exitCode !== null
            ? `exit code ${child.exitCode}`
            : child.signalCode !== null
              ? `signal ${child.signalCode}`
              : null,
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  })();
  return started;
}

export interface FleetExporterProcessOptions {
  redisUrl: string;
  /** Written to a fleet file for FLEET_CONFIG. @defaultValue the six workers of docs/spec.md §1 */
  fleet?: Fleet;
  /** Further settings, e.g. `{ EXPORTER_CACHE_MAX_AGE_MS: '0' }`. */
  env?: Record<string, string>;
}

/** `node exporter/dist/main.js` on a free loopback port (needs `npm run build` first). */
export async function startFleetExporterProcess(
  options: FleetExporterProcessOptions,
): Promise<ExporterProcess> {
  const main = serviceMain('@fleet/exporter');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: options.redisUrl,
    EXPORTER_PORT: '0',
    EXPORTER_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  if (options.fleet) {
    const file = join(dir, 'fleet.json');
    const workers = options.fleet.workers.map(({ name, kind }) => ({ name, kind }));
    writeFileSync(file, JSON.stringify({ workers }));
    env.FLEET_CONFIG = file;
  }
  const child = spawn(process.execPath, [main], { env });
  const url = new Promise<string>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((text) => text.includes('exporter listening'));
      if (line) {
        child.stdout?.off('data', onData);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    child.stdout?.on('data', onData);
  });
  return supervise(child, url, () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * The glob the fleet exporter's SCAN pass uses: `processing:*` and `worker:*:heartbeat` in one
 * pass. redis_exporter gets the same single pattern (two patterns would cost it two passes).
 */
export const DISCOVERY_GLOB = '[pw][ro][or][ck]e[sr]*';

/**
 * The arguments that make redis_exporter gather what the fleet exporter reads: heartbeats and
 * in-flight lists found by SCAN, and each worker's queue and dead-letter list by name.
 */
export function redisExporterArgs(redisUrl: string, port: number, fleet: Fleet): string[] {
  const singleKeys = fleet.workers.flatMap((worker) =>
    worker.queue ? [worker.queue, `dead_letter:${worker.queue}`] : [],
  );
  return [
    `-redis.addr=${redisUrl}`,
    `-web.listen-address=127.0.0.1:${port}`,
    `-check-keys=${DISCOVERY_GLOB}`,
    `-check-single-keys=${singleKeys.join(',')}`,
    '-check-keys-batch-size=1000',
    '-log-format=json',
  ];
}

/** `prometheus-redis-exporter` (Debian package) on a free loopback port. */
export async function startRedisExporterProcess(options: {
  redisUrl: string;
  fleet: Fleet;
}): Promise<ExporterProcess> {
  const binary = requireBinary('prometheus-redis-exporter', 'prometheus-redis-exporter');
  const port = await freePort();
  const child = spawn(binary, redisExporterArgs(options.redisUrl, port, options.fleet), {
    env: { PATH: process.env.PATH ?? '' },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + START_TIMEOUT_MS;
  const ready = (async () => {
    while (child.exitCode === null && performance.now() < deadline) {
      try {
        if ((await fetch(`${url}/metrics`)).ok) return url;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new Promise<string>(() => {}); // the exit or the start timeout decides
  })();
  return supervise(child, ready, () => {});
}
