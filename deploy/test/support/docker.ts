// The Docker engine and docker-compose, driven as the README tells a user to, from this machine.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The compose project of the test, apart from any stack a user runs here. */
export const PROJECT = 'fleet-deploy-test';

const exec = promisify(execFile);

/** Runs a command, resolving to its stdout; a failure carries the command's output. */
export async function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<string> {
  try {
    const { stdout } = await exec(command, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
    );
  }
}

function version(docker: string): number | undefined {
  try {
    const text = execFileSync(docker, ['version', '--format', '{{.Client.Version}}'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return Number.parseInt(text, 10);
  } catch {
    return undefined;
  }
}

/**
 * How to run a BuildKit build here (the Dockerfile mounts the CA bundle as a build secret):
 * `docker buildx build` when buildx is installed, else a docker CLI older than 23 (Debian
 * bookworm's docker.io), which still has BuildKit built in behind DOCKER_BUILDKIT=1.
 */
export function buildCommand(): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  try {
    execFileSync('docker', ['buildx', 'version'], { stdio: 'ignore' });
    return { command: 'docker', args: ['buildx', 'build', '--load'], env: process.env };
  } catch {
    // No buildx: look for a client with BuildKit inside.
  }
  for (const docker of ['docker', '/usr/bin/docker']) {
    const major = version(docker);
    if (major !== undefined && major < 23 && (docker === 'docker' || existsSync(docker))) {
      return { command: docker, args: ['build'], env: { ...process.env, DOCKER_BUILDKIT: '1' } };
    }
  }
  throw new Error(
    'no BuildKit here: install docker-buildx (Debian trixie and later) or use the docker.io ' +
      'package of Debian bookworm, whose docker CLI has BuildKit built in',
  );
}

/** The CA bundle npm on this machine trusts (`npm config get cafile`, else NODE_EXTRA_CA_CERTS). */
export function npmCaBundle(): string | undefined {
  const cafile = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim();
  for (const candidate of [cafile, process.env.NODE_EXTRA_CA_CERTS]) {
    if (candidate && candidate !== 'null' && candidate !== 'undefined' && existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** What the test reads of a container. */
export interface ContainerState {
  id: string;
  name: string;
  service: string;
  status: string;
  health: string | undefined;
  restartCount: number;
  pid: number;
}

/** docker inspect of every container of the test's compose project. */
export async function projectContainers(): Promise<ContainerState[]> {
  const ids = (
    await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`])
  )
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await run('docker', ['inspect', ...ids])) as {
    Id: string;
    Name: string;
    RestartCount: number;
    State: { Status: string; Pid: number; Health?: { Status: string } };
    Config: { Labels: Record<string, string> };
  }[];
  return inspected.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    service: c.Config.Labels['com.docker.compose.service'] ?? '',
    status: c.State.Status,
    health: c.State.Health?.Status,
    restartCount: c.RestartCount,
    pid: c.State.Pid,
  }));
}

/**
 * A container's peak memory so far (page cache included), in MiB, from its cgroup (v1 or v2,
 * Docker's cgroupfs driver); undefined where neither file exists.
 */
export function peakMemoryMiB(id: string): number | undefined {
  for (const file of [
    `/sys/fs/cgroup/memory/docker/${id}/memory.max_usage_in_bytes`,
    `/sys/fs/cgroup/docker/${id}/memory.peak`,
  ]) {
    if (existsSync(file)) return Math.round(Number(readFileSync(file, 'utf8')) / 1024 / 1024);
  }
  return undefined;
}

/** Polls `check` until it returns a value (not undefined), or fails with what it saw last. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}: ${String(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
