// Settings of `npm run demo` and `npm start`: the only reader of process.env under scripts/.
import {
  explicitSettings,
  integer,
  positiveNumber,
  redisUrlProblem,
  setting,
  settingsCommand,
  settingValues,
} from '@fleet/core';
import { Command } from 'commander';

export interface DemoConfig {
  /** Redis to use (DEMO_REDIS_URL); null = start a private redis-server on a free port. */
  redisUrl: string | null;
  /**
   * REDIS_URL was set and is not used: it usually names the real fleet's Redis, whose jobs the
   * simulator would take and whose heartbeat keys it would delete on exit.
   */
  ignoresRedisUrl: boolean;
  /** Address the exporter and alerting listen on. */
  host: string;
  exporterPort: number;
  /** False when the port is the default, so another free one may be chosen if it is taken. */
  exporterPortExplicit: boolean;
  alertingPort: number;
  alertingPortExplicit: boolean;
  alertIntervalS: number;
  /** Telegram is configured: alerts are sent, not only logged. */
  telegram: boolean;
  /** Colour the prefixed child logs. */
  color: boolean;
  /** Environment handed to every child (they read their own settings from it). */
  childEnv: NodeJS.ProcessEnv;
}

/** Every setting of `npm run demo`: the one place each is declared. */
export const DEMO_SETTINGS = {
  // Checked after parsing: commander would echo a bad value, and this one may hold a password.
  redisUrl: setting({
    flag: '--redis-url <url>',
    env: 'DEMO_REDIS_URL',
    defaultText: 'unset = private redis-server',
    help: 'use this Redis instead of a private redis-server; the simulator writes six simulated workers into it (`REDIS_URL` is ignored)',
  }),
  host: setting({
    flag: '--host <address>',
    env: 'EXPORTER_HOST',
    default: '127.0.0.1',
    help: 'address the exporter and alerting listen on; `0.0.0.0` to open the panel from another machine',
  }),
  exporterPort: setting({
    flag: '--exporter-port <port>',
    env: 'EXPORTER_PORT',
    default: 8790,
    parse: integer(1, 65_535),
    help: 'exporter port; if the default is taken another free port is used (and said), a port you chose that is taken is an error',
  }),
  alertingPort: setting({
    flag: '--alerting-port <port>',
    env: 'ALERTING_PORT',
    default: 8791,
    parse: integer(1, 65_535),
    help: 'alerting port; the same',
  }),
  alertIntervalS: setting({
    flag: '--alert-interval <seconds>',
    env: 'ALERT_INTERVAL_S',
    default: 10,
    parse: positiveNumber('seconds'),
    help: 'alerting check interval, short so alerts show up quickly',
  }),
};

/** `npm run demo`: flags (after `--`) or their environment twins, validated. */
export function parseDemoConfig(argv: string[] = process.argv): DemoConfig {
  const cli = settingsCommand(
    'demo',
    'The whole fleet monitor on one machine: private Redis, simulator tour, exporter with the panel, alerting.',
    DEMO_SETTINGS,
  )
    .addHelpText(
      'after',
      '\nThe simulator reads its own SIM_* variables (see npm run simulate -- --help), e.g.\nSIM_SPEED=4 for a faster tour. Set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID to really send alerts.',
    )
    .showHelpAfterError('(add --help for usage)')
    .parse(argv);
  const options = settingValues(cli, DEMO_SETTINGS);
  // Checked after parsing: commander would echo a bad value, and this one may hold a password.
  const redisProblem = options.redisUrl === undefined ? null : redisUrlProblem(options.redisUrl);
  if (redisProblem !== null) cli.error(`error: ${redisProblem}`);
  if (options.exporterPort === options.alertingPort) {
    cli.error('error: EXPORTER_PORT and ALERTING_PORT must differ');
  }
  const explicit = explicitSettings(cli, DEMO_SETTINGS);
  return {
    redisUrl: options.redisUrl ?? null,
    ignoresRedisUrl: Boolean(process.env.REDIS_URL),
    host: options.host,
    exporterPort: options.exporterPort,
    exporterPortExplicit: explicit.has('exporterPort'),
    alertingPort: options.alertingPort,
    alertingPortExplicit: explicit.has('alertingPort'),
    alertIntervalS: options.alertIntervalS,
    telegram: Boolean(process.env.TELEGRAM_BOT_TOKEN || process.env.TELEGRAM_BOT_TOKEN_FILE),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    childEnv: { ...process.env },
  };
}

export interface StartConfig {
  /** Environment handed to the exporter and alerting, which validate their own settings. */
  childEnv: NodeJS.ProcessEnv;
}

/** `npm start` has no settings of its own: the services read theirs (docs/spec.md §6) from the environment. */
export function parseStartConfig(argv: string[] = process.argv): StartConfig {
  new Command('start')
    .description(
      'Runs the exporter and alerting against REDIS_URL; stops both on SIGINT/SIGTERM, fails if either dies.',
    )
    .addHelpText(
      'after',
      '\nSettings: the environment variables of docs/spec.md §6 (REDIS_URL, EXPORTER_PORT, ...).',
    )
    .parse(argv);
  return { childEnv: { ...process.env } };
}
