import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A free TCP port on loopback (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** Fails loudly, with the install command, when a binary a test needs is absent. */
export function requireBinary(binary: string, debianPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new MissingToolError(
      `${binary} is not installed; install it with: apt-get install -y ${debianPackage}`,
    );
  }
}

export interface TestRedisServerOptions {
  /** Extra redis-server arguments, e.g. `['--requirepass', 'secret']`. */
  args?: string[];
}

/** Servers not stopped yet: killed should the test process exit first (a failed or cancelled run). */
const unstopped = new Set<ChildProcess>();

function killWhenThisProcessExits(child: ChildProcess): void {
  if (unstopped.size === 0) process.once('exit', killUnstopped);
  unstopped.add(child);
  child.once('exit', () => {
    unstopped.delete(child);
    if (unstopped.size === 0) process.off('exit', killUnstopped);
  });
}

function killUnstopped(): void {
  for (const child of unstopped) child.kill('SIGKILL');
}

/**
 * A private redis-server on a free loopback port, owned by one test file: it can be killed,
 * frozen and restarted on the same port to test outages.
 */
export class TestRedisServer {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'fleet-redis-'));

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  static async start(options: TestRedisServerOptions = {}): Promise<TestRedisServer> {
    requireBinary('redis-server', 'redis-server');
    const server = new TestRedisServer(await freePort(), options.args ?? []);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A client for the test itself (seeding keys, reading stats). */
  client(): Redis {
    return new Redis(this.port, '127.0.0.1', { lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && !this.process.killed;
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--daemonize',
        'no',
        ...this.args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    killWhenThisProcessExits(child);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start on ${this.port}:\n${output}`)),
        10_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Stops the server abruptly, as a crash would (SIGKILL). */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** Starts the server again on the same port, empty. */
  async restart(): Promise<void> {
    if (this.running) await this.kill();
    await this.launch();
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stops the server and removes its directory; safe to call twice. */
  async stop(): Promise<void> {
    this.thaw();
    await this.signalAndWait('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

/** Total calls per command since the last `CONFIG RESETSTAT`, from `INFO commandstats`. */
export async function commandStats(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    stats[match[1] as string] = Number(match[2]);
  }
  return stats;
}
