import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@fleet/core';
import {
  type ExporterProcess,
  killLeftovers,
  type Running,
  run,
  startFleetExporterProcess,
  TestRedisServer,
} from '@fleet/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_DIR, requirePython } from './support/python.js';
import { readme, readmeCommands, readmeDiffs, readmeFiles } from './support/readme.js';

// Six worker processes made only from python/README.md: its install commands, its files.
const RENDERS = ['music-render', 'video-render', 'image-render', 'insta-render'];
const TTL_S = 2;

let dir: string;
let python: string;
let server: TestRedisServer;
let redis: Redis;
let exporter: ExporterProcess;
const workers = new Map<string, Running>();

function start(name: string, market: 'open' | 'closed'): void {
  const file = RENDERS.includes(name)
    ? 'render_worker.py'
    : name === 'task-watcher'
      ? 'task_watcher.py'
      : 'ai_trade.py';
  workers.set(
    name,
    run(python, [join(dir, file)], {
      PATH: process.env.PATH ?? '',
      REDIS_URL: server.url,
      WORKER_NAME: name,
      MARKET_HOURS: market,
      HEARTBEAT_INTERVAL: '0.5',
      HEARTBEAT_TTL: String(TTL_S),
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    }),
  );
}

async function stop(name: string, signal: NodeJS.Signals): Promise<void> {
  const worker = workers.get(name);
  if (!worker) return;
  worker.child.kill(signal);
  await worker.exited;
  workers.delete(name);
}

async function document(): Promise<StatusDocument> {
  const response = await fetch(`${exporter.url}/api/agent-office/nodes`);
  return (await response.json()) as StatusDocument;
}

/** Polls the status document until `check` holds; fails with the last document and outputs. */
async function until(
  check: (doc: StatusDocument) => boolean,
  what: string,
  ms = 20_000,
): Promise<StatusDocument> {
  const deadline = performance.now() + ms;
  let last: StatusDocument | undefined;
  while (performance.now() < deadline) {
    last = await document();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const outputs = [...workers].map(([name, w]) => `--- ${name}\n${w.output()}`).join('\n');
  throw new Error(`timed out waiting for ${what}:\n${JSON.stringify(last, null, 1)}\n${outputs}`);
}

const worker = (doc: StatusDocument, name: string) => {
  const found = doc.workers.find((w) => w.name === name);
  if (!found) throw new Error(`${name} is not in the document`);
  return found;
};
const link = (doc: StatusDocument, name: string) =>
  doc.links.find((l) => l.worker === name)?.status;

beforeAll(async () => {
  await requirePython(['redis']);
  dir = mkdtempSync(join(tmpdir(), 'fleet-py-e2e-'));
  // A copy of the package, so the build leaves nothing in the repository.
  for (const part of ['pyproject.toml', 'README.md', 'src']) {
    cpSync(join(PYTHON_DIR, part), join(dir, 'python', part), {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
  }
  const install = run('sh', ['-ec', `cd ${dir}\n${readmeCommands(readme(), 'install')}`], {
    PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
    PYTHONDONTWRITEBYTECODE: '1',
  });
  const code = await install.exited;
  if (code !== 0) throw new Error(`the README's install commands failed:\n${install.output()}`);
  python = join(dir, '.venv/bin/python');
  for (const [name, text] of readmeFiles(readme())) writeFileSync(join(dir, name), text);

  server = await TestRedisServer.start();
  redis = server.client();
  exporter = await startFleetExporterProcess({
    redisUrl: server.url,
    env: { EXPORTER_CACHE_MAX_AGE_MS: '0' },
  });
  for (const name of [...RENDERS, 'task-watcher', 'ai_trade']) start(name, 'closed');
}, 180_000);

afterAll(async () => {
  killLeftovers();
  await exporter?.stop();
  redis?.disconnect();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the six workers of python/README.md against a real exporter', () => {
  it('the README installs the package into the venv, and each diff is in its file', async () => {
    const where = run(python, ['-c', 'import fleet_heartbeat; print(fleet_heartbeat.__file__)'], {
      PYTHONDONTWRITEBYTECODE: '1',
    });
    expect(await where.exited).toBe(0);
    expect(where.output()).toContain(join(dir, '.venv'));
    const files = readmeFiles(readme());
    expect([...files.keys()].sort()).toEqual([
      'ai_trade.py',
      'render_worker.py',
      'task_watcher.py',
    ]);
    const diffs = readmeDiffs(readme());
    expect(diffs.map((d) => d.file)).toEqual([
      'render_worker.py',
      'task_watcher.py',
      'ai_trade.py',
    ]);
    for (const { file, added } of diffs) {
      for (const line of added) expect(files.get(file), `${file} lacks: ${line}`).toContain(line);
    }
  });

  it('all six are alive in their states, out of market hours', async () => {
    const doc = await until(
      (d) => d.workers.every((w) => w.alive && w.state !== null),
      'six live workers',
    );
    expect(doc).toMatchObject({ redis_ok: true, paused: false });
    for (const name of RENDERS) expect(worker(doc, name)).toMatchObject({ state: 'idle' });
    expect(worker(doc, 'task-watcher')).toMatchObject({ state: 'free', mode: 'free' });
    expect(worker(doc, 'ai_trade')).toMatchObject({ state: 'market_closed', jobs_done: 0 });
    expect(doc.workers.every((w) => w.heartbeat_error === null)).toBe(true);
    expect(doc.links.every((l) => l.status === 'healthy')).toBe(true);
  });

  it('render workers take jobs from their reliable queues: busy, counted, dead letters', async () => {
    await redis.lpush('queue:music-render', JSON.stringify({ id: 'long', seconds: 30 }));
    const jobs = [1, 2, 3].map((id) => JSON.stringify({ id, seconds: 0.05 }));
    await redis.lpush('queue:image-render', ...jobs, JSON.stringify({ id: 4, fail: true }));
    const doc = await until(
      (d) =>
        worker(d, 'music-render').state === 'busy' &&
        worker(d, 'image-render').jobs_done + worker(d, 'image-render').jobs_failed === 4,
      'a busy music-render and four image-render jobs counted',
    );
    expect(worker(doc, 'music-render')).toMatchObject({ processing: 1, queue_depth: 0 });
    expect(worker(doc, 'image-render')).toMatchObject({
      jobs_done: 3,
      jobs_failed: 1,
      dead_letter: 1,
      queue_depth: 0,
      processing: 0,
    });
    expect(worker(doc, 'image-render').last_job_at).toMatch(/Z$/);
    expect(link(doc, 'image-render')).toBe('degraded');
    expect(link(doc, 'music-render')).toBe('healthy');
  });

  it('in market hours the watcher pauses render work and the trader trades', async () => {
    await stop('task-watcher', 'SIGTERM');
    await stop('ai_trade', 'SIGTERM');
    start('task-watcher', 'open');
    start('ai_trade', 'open');
    const doc = await until(
      (d) =>
        d.paused &&
        RENDERS.every((name) => worker(d, name).state === 'paused') &&
        (worker(d, 'ai_trade').jobs_done ?? 0) > 0,
      'paused render workers and trading signals',
    );
    expect(doc).toMatchObject({ paused: true, paused_reason: 'trading' });
    expect(worker(doc, 'task-watcher')).toMatchObject({ alive: true, state: 'trading' });
    expect(worker(doc, 'ai_trade')).toMatchObject({ alive: true, state: 'market_open' });
    for (const name of RENDERS) expect(link(doc, name)).toBe('paused');
    expect(link(doc, 'ai_trade')).toBe('healthy');
    // Paused workers leave their queue alone.
    await redis.lpush('queue:insta-render', JSON.stringify({ id: 'later' }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(worker(await document(), 'insta-render')).toMatchObject({ queue_depth: 1 });
  });

  it('a killed worker is down after its TTL; a stopped one leaves its key to expire', async () => {
    await stop('video-render', 'SIGKILL');
    await stop('insta-render', 'SIGTERM');
    expect(await redis.exists('worker:insta-render:heartbeat')).toBe(1); // not deleted on exit
    const doc = await until(
      (d) => !worker(d, 'video-render').alive && !worker(d, 'insta-render').alive,
      'two workers down',
      (TTL_S + 5) * 1000,
    );
    expect(worker(doc, 'video-render')).toMatchObject({ alive: false, state: null });
    expect(link(doc, 'video-render')).toBe('down');
    expect(link(doc, 'insta-render')).toBe('down');
    for (const name of ['music-render', 'image-render', 'task-watcher', 'ai_trade']) {
      expect(worker(doc, name).alive, name).toBe(true);
    }
  });
});
