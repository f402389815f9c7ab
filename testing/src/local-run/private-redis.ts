import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort, requireBinary } from '../redis-server.js';
import { ServiceProcess, type ServiceProcessOptions } from './service-process.js';

export class RedisStartError extends Error {
  override name = 'RedisStartError';
}

/** A throwaway redis-server for the demo: free loopback port, no persistence, own data dir. */
export interface PrivateRedis {
  url: string;
  process: ServiceProcess;
  /** Stops the server and removes its directory. Safe twice. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server and waits until it answers PING. Throws `MissingToolError` (with the
 * apt-get line) when redis-server is not installed.
 */
export async function startPrivateRedis(
  output: ServiceProcessOptions['output'],
  env: NodeJS.ProcessEnv,
): Promise<PrivateRedis> {
  requireBinary('redis-server', 'redis-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fleet-demo-redis-'));
  const server = new ServiceProcess({
    name: 'redis',
    command: 'redis-server',
    // Only warnings: its startup banner would drown the demo's own output.
    args: [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    ],
    env,
    output,
  });
  const stop = async () => {
    await server.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && server.running; ) {
    if (await answersPing(port)) return { url, process: server, stop };
    await delay(100);
  }
  await stop();
  throw new RedisStartError(`redis-server did not start on port ${port}`);
}

async function answersPing(port: number): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => {
    // Refused until the server listens: the caller polls.
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
