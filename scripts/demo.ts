// `npm run demo`: the whole fleet monitor on one machine with nothing configured (docs/spec.md §6).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { redactUrl } from '@fleet/core';
import { MissingToolError } from '@fleet/testing';
import {
  choosePort,
  PortTakenError,
  type PrivateRedis,
  RedisStartError,
  type ServiceExit,
  ServiceProcess,
  ServiceStartError,
  startPrivateRedis,
  waitForHttp,
} from '@fleet/testing/local-run';
import { type DemoConfig, parseDemoConfig } from './config.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ENTRIES = {
  simulator: root('simulator/dist/cli.js'),
  exporter: root('exporter/dist/main.js'),
  alerting: root('alerting/dist/main.js'),
};
const PANEL_INDEX = root('panel/dist/index.html');
const LABEL_WIDTH = 9;
const COLORS = { demo: 1, redis: 31, simulator: 35, exporter: 36, alerting: 33 };

class DemoError extends Error {
  override name = 'DemoError';
}

const config = parseDemoConfig();
const paint = (code: number, text: string) => (config.color ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (text: string) =>
  process.stdout.write(
    `${' '.repeat(8)} ${paint(COLORS.demo, 'demo'.padEnd(LABEL_WIDTH))} │ ${text}\n`,
  );

let redis: PrivateRedis | null = null;
/** Children in start order; stopped in reverse dependency order. */
const services: ServiceProcess[] = [];
let stopping: Promise<void> | undefined;

function launch(name: keyof typeof ENTRIES, env: NodeJS.ProcessEnv): ServiceProcess {
  const service = new ServiceProcess({
    name,
    command: process.execPath,
    args: [ENTRIES[name]],
    env,
    output: {
      mode: 'pretty',
      prefix: { width: LABEL_WIDTH, colorCode: COLORS[name], color: config.color },
    },
  });
  services.push(service);
  say(`started ${name} (pid ${service.pid})`);
  return service;
}

/** Stops everything: the simulator first (it cleans up its keys), then the services, then Redis. */
async function stopAll(): Promise<void> {
  const byName = (name: string) => services.filter((s) => s.name === name);
  const report = (exits: ServiceExit[]) => {
    for (const exit of exits) say(`${exit.name} stopped (${exit.signal ?? `exit ${exit.code}`})`);
  };
  report(await Promise.all(byName('simulator').map((s) => s.stop('SIGINT'))));
  report(
    await Promise.all([...byName('exporter'), ...byName('alerting')].map((s) => s.stop('SIGTERM'))),
  );
  if (redis) {
    await redis.stop();
    say(`redis-server stopped (pid ${redis.process.pid})`);
  }
}

function shutdown(code: number, reason: string): Promise<void> {
  stopping ??= (async () => {
    say(`${reason}: stopping everything…`);
    await stopAll();
    say(code === 0 ? 'all stopped. Bye.' : 'all stopped.');
    process.exit(code);
  })();
  return stopping;
}

function printUrls(
  config: DemoConfig,
  ports: { exporter: number; alerting: number },
  redisUrl: string,
) {
  const host = ['0.0.0.0', '127.0.0.1', '::'].includes(config.host) ? 'localhost' : config.host;
  const exporter = `http://${host}:${ports.exporter}`;
  const alerting = `http://${host}:${ports.alerting}`;
  const rows = [
    ['panel', `${exporter}/infra/`],
    ['status JSON', `${exporter}/api/agent-office/nodes`],
    ['metrics', `${exporter}/metrics`],
    ['alerting', `${alerting}/healthz`],
    ['alert metrics', `${alerting}/metrics`],
    ['redis', `${redactUrl(redisUrl)}${redis ? ' (private, removed on exit)' : ''}`],
  ];
  const line = '─'.repeat(72);
  const body = rows.map(([label, url]) => `   ${(label as string).padEnd(14)} ${url}`);
  const alertsTo = config.telegram ? 'sent to Telegram' : 'logged only (no TELEGRAM_BOT_TOKEN)';
  process.stdout.write(
    [
      line,
      ' fleet monitor demo is running',
      ...body,
      ` The simulator tours every state (healthy, busy, paused, down, degraded, recovered);`,
      ` alerts are checked every ${config.alertIntervalS} s and ${alertsTo}.`,
      ' Press Ctrl-C to stop everything.',
      line,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0, 'Ctrl-C'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  // Should the demo itself crash, take no child with it into the background.
  process.on('exit', () => {
    for (const service of services) service.kill();
    redis?.process.kill();
  });

  const missing = Object.values(ENTRIES).filter((entry) => !existsSync(entry));
  if (missing.length) throw new DemoError(`not built: ${missing.join(', ')}. Run: npm run build`);
  if (!existsSync(PANEL_INDEX))
    say('panel/dist is missing: /infra/ will be empty until `npm run build`');

  if (config.ignoresRedisUrl) {
    say(
      'REDIS_URL is set and not used: the demo simulates workers, which would take real jobs from that Redis. Set DEMO_REDIS_URL to use another Redis on purpose.',
    );
  }
  let redisUrl = config.redisUrl;
  if (redisUrl) {
    say(
      `using DEMO_REDIS_URL ${redactUrl(redisUrl)}: the simulator writes six simulated workers into it`,
    );
  } else {
    redis = await startPrivateRedis(
      {
        mode: 'pretty',
        prefix: { width: LABEL_WIDTH, colorCode: COLORS.redis, color: config.color },
      },
      config.childEnv,
    );
    redisUrl = redis.url;
    say(`private redis-server at ${redisUrl} (pid ${redis.process.pid})`);
  }

  const exporterPort = await choosePort(config.exporterPort, config.host, {
    variable: 'EXPORTER_PORT',
    explicit: config.exporterPortExplicit,
  });
  const alertingPort = await choosePort(config.alertingPort, config.host, {
    variable: 'ALERTING_PORT',
    explicit: config.alertingPortExplicit,
  });
  if (exporterPort.moved)
    say(`port ${config.exporterPort} is taken: the exporter uses ${exporterPort.port}`);
  if (alertingPort.moved)
    say(`port ${config.alertingPort} is taken: alerting uses ${alertingPort.port}`);

  const env = { ...config.childEnv, REDIS_URL: redisUrl };
  // The simulator first, so alerting's first look already sees a live fleet.
  launch('simulator', env);
  const exporter = launch('exporter', {
    ...env,
    EXPORTER_PORT: String(exporterPort.port),
    EXPORTER_HOST: config.host,
  });
  const alerting = launch('alerting', {
    ...env,
    ALERTING_PORT: String(alertingPort.port),
    ALERTING_HOST: config.host,
    ALERT_INTERVAL_S: String(config.alertIntervalS),
  });
  const watched = redis ? [...services, redis.process] : services;
  const firstExit = Promise.race(watched.map((service) => service.exited));
  const probeHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  await Promise.race([
    Promise.all([
      waitForHttp(`http://${probeHost}:${exporterPort.port}/healthz`, exporter),
      waitForHttp(`http://${probeHost}:${alertingPort.port}/healthz`, alerting),
    ]),
    firstExit.then((exit) => {
      // e.g. the simulator cannot reach REDIS_URL: no point printing URLs.
      throw new ServiceStartError(
        `${exit.name} exited during startup (${exit.signal ?? `exit ${exit.code}`})`,
      );
    }),
  ]);
  printUrls(config, { exporter: exporterPort.port, alerting: alertingPort.port }, redisUrl);

  const exit = await firstExit;
  if (!stopping) {
    await shutdown(1, `${exit.name} exited unexpectedly (${exit.signal ?? `exit ${exit.code}`})`);
  }
}

main().catch(async (error: unknown) => {
  const known = [
    DemoError,
    MissingToolError,
    PortTakenError,
    RedisStartError,
    ServiceStartError,
  ].some((type) => error instanceof type);
  say(`cannot run the demo: ${known ? (error as Error).message : String(error)}`);
  // The stack only: an ioredis error object carries the AUTH command, password included.
  if (!known && error instanceof Error) console.error(error.stack);
  await shutdown(1, 'startup failed');
});
