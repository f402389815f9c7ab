// There is no Docker engine here, so each Dockerfile's runtime stage is replayed on the host:
// its `deps` stage's `npm ci` into a scratch folder, its COPY lines from the repository's build
// output, its ENV, then its CMD. The service must start from exactly what the image would hold
// (a file the image forgets, or a dependency pruned away, fails here).
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, TestRedisServer } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** Thousands of small files: a memory-backed folder, when there is one, keeps this quick. */
const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

interface Stage {
  name: string;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const result: Stage[] = [];
  // Join continuation lines, drop comments.
  const lines = readFileSync(join(root, dockerfile), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const from = /^FROM \S+(?: AS (\S+))?$/.exec(line);
    if (from) result.push({ name: from[1] ?? 'runtime', lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

/** Replays COPY lines of a stage into `into`, taking `--from=<stage>` sources from `sources`. */
function replayCopies(stage: Stage, sources: Record<string, string>, into: string): void {
  for (const line of stage.lines) {
    const copy = /^COPY --from=(\S+) (.+) (\S+)$/.exec(line);
    if (!copy) continue;
    const [, from = '', srcs = '', dest = ''] = copy;
    const base = sources[from];
    if (!base) throw new Error(`no source for stage ${from}`);
    for (const src of srcs.split(' ')) {
      const source = join(base, src.replace(/^\/app\/?/, ''));
      if (!existsSync(source)) throw new Error(`${line}: ${source} does not exist (build first)`);
      const target = dest.endsWith('/')
        ? join(into, dest, src.split('/').at(-1) ?? '')
        : join(into, dest === './' ? '' : dest);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(source, dest === './' ? join(into, src.split('/').at(-1) ?? '') : target, {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
  }
}

interface Image {
  dir: string;
  env: Record<string, string>;
  cmd: string[];
  user: string | undefined;
}

/** A scratch copy of what the image's runtime stage would contain, plus its ENV, CMD and USER. */
async function assembleImage(dockerfile: string): Promise<Image> {
  const all = stages(dockerfile);
  const deps = all.find((s) => s.name === 'deps');
  const runtime = all.at(-1);
  if (!deps || !runtime)
    throw new Error(`${dockerfile}: expected a deps stage and a runtime stage`);
  const scratch = mkdtempSync(join(scratchRoot, 'fleet-image-'));
  const depsDir = join(scratch, 'deps');
  const appDir = join(scratch, 'app');
  mkdirSync(depsDir);
  replayCopies(deps, { build: root }, depsDir);
  for (const line of deps.lines.filter((l) => l.startsWith('RUN '))) {
    for (const command of line
      .slice(4)
      .split('&&')
      .map((c) => c.trim())) {
      // Cleaning the npm cache would wipe this machine's shared cache; it only slims the layer.
      if (command.startsWith('npm cache')) continue;
      // --prefer-offline: the packages are in this machine's cache since the repository's npm ci.
      const run = command.startsWith('npm ci') ? `${command} --prefer-offline` : command;
      await promisify(execFile)('sh', ['-c', run], { cwd: depsDir });
    }
  }
  mkdirSync(appDir);
  replayCopies(runtime, { deps: depsDir, build: root }, appDir);
  const env: Record<string, string> = {};
  for (const line of runtime.lines.filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key = '', value = ''] = pair.split('=');
      env[key] = value;
    }
  }
  const cmdLine = runtime.lines.find((l) => l.startsWith('CMD '));
  const cmd = JSON.parse(cmdLine?.slice(4) ?? '[]') as string[];
  const user = runtime.lines.find((l) => l.startsWith('USER '))?.slice(5);
  return { dir: appDir, env, cmd, user };
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${log()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response;
    if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Docker images (runtime stage replayed without Docker)', () => {
  let redis: TestRedisServer;
  const children: ChildProcess[] = [];
  const images: Record<string, Image> = {};

  beforeAll(async () => {
    for (const required of [
      'exporter/dist/main.js',
      'alerting/dist/main.js',
      'simulator/dist/cli.js',
      'panel/dist/index.html',
    ]) {
      if (!existsSync(join(root, required))) {
        throw new Error(`${required} is missing: run \`npm run build\` first (npm test does)`);
      }
    }
    redis = await TestRedisServer.start();
    // The three `npm ci` runs overlap: each mostly waits on the package cache.
    await Promise.all(
      ['exporter', 'alerting', 'simulator'].map(async (name) => {
        images[name] = await assembleImage(`${name}/Dockerfile`);
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await redis?.stop();
    for (const image of Object.values(images)) {
      rmSync(dirname(image.dir), { recursive: true, force: true });
    }
  });

  function run(image: Image | undefined, env: Record<string, string>) {
    if (!image) throw new Error('image not assembled');
    expect(image.user).toBe('node');
    const [command = 'node', ...rest] = image.cmd;
    const child = spawn(command, rest, {
      cwd: image.dir,
      env: { PATH: process.env.PATH ?? '', ...image.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout?.on('data', (c: Buffer) => {
      log += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      log += c.toString();
    });
    children.push(child);
    return { child, log: () => log };
  }

  it('exporter: serves /metrics and the built panel from the image layout', async () => {
    const image = images.exporter;
    expect(image?.env).toMatchObject({ NODE_ENV: 'production', EXPORTER_PORT: '8790' });
    const port = await freePort();
    const { child, log } = run(image, {
      REDIS_URL: redis.url,
      EXPORTER_PORT: String(port),
      EXPORTER_HOST: '127.0.0.1',
    });
    const metrics = await (
      await waitForHttp(`http://127.0.0.1:${port}/metrics`, child, log)
    ).text();
    expect(metrics).toMatch(/^fleet_worker_up\{worker="image-render"\} 0$/m);
    const panel = await waitForHttp(`http://127.0.0.1:${port}/infra/`, child, log);
    expect(await panel.text()).toMatch(/<div id="root"|<script/);
  });

  it('alerting: starts log-only and answers /healthz and /metrics', async () => {
    const image = images.alerting;
    const port = await freePort();
    const { child, log } = run(image, {
      REDIS_URL: redis.url,
      ALERTING_PORT: String(port),
      ALERTING_HOST: '127.0.0.1',
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, child, log);
    const metrics = await (
      await waitForHttp(`http://127.0.0.1:${port}/metrics`, child, log)
    ).text();
    expect(metrics).toMatch(/fleet_alerting_checks_total/);
  });

  it('simulator: its CLI runs from the image layout', () => {
    const image = images.simulator;
    expect(image?.user).toBe('node');
    const [command = 'node', ...rest] = image?.cmd ?? [];
    const help = execFileSync(command, [...rest, '--help'], {
      cwd: image?.dir,
      env: { PATH: process.env.PATH ?? '', ...image?.env },
      encoding: 'utf8',
    });
    expect(help).toMatch(/Scenarios:/);
  });
});
