// `npm start`: the exporter and alerting against REDIS_URL, for real use (docs/spec.md §6).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@fleet/core';
import { type ServiceExit, ServiceProcess } from '@fleet/testing/local-run';
import { parseStartConfig } from './config.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ENTRIES = {
  exporter: root('exporter/dist/main.js'),
  alerting: root('alerting/dist/main.js'),
};

const config = parseStartConfig();
const logger = createLogger('start');

const missing = Object.values(ENTRIES).filter((entry) => !existsSync(entry));
if (missing.length) {
  logger.fatal({ missing }, 'not built; run: npm run build');
  process.exit(1);
}

// Their JSON logs pass through untouched, for whatever collects them.
const services = Object.entries(ENTRIES).map(
  ([name, entry]) =>
    new ServiceProcess({
      name,
      command: process.execPath,
      args: [entry],
      env: config.childEnv,
      output: { mode: 'inherit' },
    }),
);
for (const service of services)
  logger.info({ child: service.name, child_pid: service.pid }, 'started');
process.on('exit', () => {
  for (const service of services) service.kill();
});

const failed = (exit: ServiceExit) => exit.code !== 0;

let stopping = false;
async function stopAll(reason: string, signal: NodeJS.Signals): Promise<ServiceExit[]> {
  stopping = true;
  logger.info({ reason }, 'stopping exporter and alerting');
  return Promise.all(services.map((service) => service.stop(signal)));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    // Forwarded as SIGTERM: what both services treat as "shut down gracefully".
    void stopAll(signal, 'SIGTERM').then((exits) => {
      const bad = exits.filter(failed);
      if (bad.length) logger.error({ exits: bad }, 'a service did not stop cleanly');
      process.exit(bad.length ? 1 : 0);
    });
  });
}

const first = await Promise.race(services.map((service) => service.exited));
if (!stopping) {
  logger.error(
    { child: first.name, code: first.code, signal: first.signal },
    'a service exited unexpectedly',
  );
  await stopAll(`${first.name} exited`, 'SIGTERM');
  process.exit(first.code || 1);
}
