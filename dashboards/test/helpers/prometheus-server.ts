// The real `prometheus` binary on a free port, configured from the repository's prometheus.yml
// with test timings: 1 s scrapes and rule evaluations, every rule's `for:` cut to 1 s, and the
// compose service names replaced by the addresses of the live exporter and alerting service.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary } from '@fleet/testing';
import { parse, stringify } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');

export interface PrometheusServer {
  url: string;
  /** GET /api/v1/<path> and return `data`; throws on an API error. */
  api<T = unknown>(path: string, params?: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}

/** Copies the rule files with every `for:` shortened, so alerts fire within a test's patience. */
function shortenedRules(into: string): void {
  const source = join(root, 'prometheus', 'rules');
  mkdirSync(into, { recursive: true });
  for (const file of readdirSync(source).filter((f) => /\.ya?ml$/.test(f))) {
    const text = readFileSync(join(source, file), 'utf8');
    writeFileSync(join(into, file), text.replace(/^(\s+for:\s*)\S+/gm, '$11s'));
  }
}

/**
 * `targets` replaces each scrape job's compose address; `alertmanager` the Alertmanager's (left
 * out, Prometheus sends alerts nowhere).
 */
export async function startPrometheus(
  targets: Record<string, string>,
  options: { alertmanager?: string } = {},
): Promise<PrometheusServer> {
  requireBinary('prometheus', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-prometheus-'));
  const config = parse(readFileSync(join(root, 'prometheus.yml'), 'utf8'));
  config.global.scrape_interval = '1s';
  config.global.scrape_timeout = '1s';
  config.global.evaluation_interval = '1s';
  config.scrape_configs = (config.scrape_configs as ScrapeConfig[])
    .filter((job) => job.job_name in targets)
    .map((job) => ({ ...job, static_configs: [{ targets: [targets[job.job_name]] }] }));
  if (options.alertmanager) {
    config.alerting.alertmanagers = [{ static_configs: [{ targets: [options.alertmanager] }] }];
  } else {
    delete config.alerting;
  }
  shortenedRules(join(dir, 'prometheus', 'rules'));
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));

  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus not ready in 20 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
      const response = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`);
      const body = (await response.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
      return body.data;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${String(last ?? '')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
