// Settings of `npm run demo` and `npm start`: the only reader of process.env under scripts/.
import { integer, positiveNumber, redisUrlProblem } from '@fleet/core';
import { Command, Option } from 'commander';

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

/** `npm run demo`: flags (after `--`) or their environment twins, validated. */
export function parseDemoConfig(argv: string[] = process.argv): DemoConfig {
  const cli = new Command('demo')
    .description(
      'The whole fleet monitor on one machine: private Redis, simulator tour, exporter with the panel, alerting.',
    )
    .addOption(
      new Option(
        '--redis-url <url>',
        'use this Redis instead of a private redis-server; the simulator writes into it (REDIS_URL is ignored)',
      ).env('DEMO_REDIS_URL'),
    )
    .addOption(
      new Option('--host <address>', 'address the exporter and alerting listen on')
        .env('EXPORTER_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '--exporter-port <port>',
        'exporter port (another free one if the default is taken)',
      )
        .env('EXPORTER_PORT')
        .default(8790)
        .argParser(integer(1, 65_535)),
    )
    .addOption(
      new Option(
        '--alerting-port <port>',
        'alerting port (another free one if the default is taken)',
      )
        .env('ALERTING_PORT')
        .default(8791)
        .argParser(integer(1, 65_535)),
    )
    .addOption(
      new Option(
        '--alert-interval <seconds>',
        'alerting check interval, short so alerts show up quickly',
      )
        .env('ALERT_INTERVAL_S')
        .default(10)
        .argParser(positiveNumber('seconds')),
    )
    .addHelpText(
      'after',
      '\nThe simulator reads its own SIM_* variables (see npm run simulate -- --help), e.g.\nSIM_SPEED=4 for a faster tour. Set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID to really send alerts.',
    )
    .showHelpAfterError('(add --help for usage)')
    .parse(argv);
  const options = cli.opts<{
    redisUrl?: string;
    host: string;
    exporterPort: number;
    alertingPort: number;
    alertInterval: number;
  }>();
  // Checked after parsing: commander would echo a bad value, and this one may hold a password.
  const redisProblem = options.redisUrl === undefined ? null : redisUrlProblem(options.redisUrl);
  if (redisProblem !== null) cli.error(`error: ${redisProblem}`);
  if (options.exporterPort === options.alertingPort) {
    cli.error('error: EXPORTER_PORT and ALERTING_PORT must differ');
  }
  const explicit = (name: string) => cli.getOptionValueSource(name) !== 'default';
  return {
    redisUrl: options.redisUrl ?? null,
    ignoresRedisUrl: Boolean(process.env.REDIS_URL),
    host: options.host,
    exporterPort: options.exporterPort,
    exporterPortExplicit: explicit('exporterPort'),
    alertingPort: options.alertingPort,
    alertingPortExplicit: explicit('alertingPort'),
    alertIntervalS: options.alertInterval,
    telegram: Boolean(process.env.TELEGRAM_BOT_TOKEN || process.env.TELEGRAM_BOT_TOKEN_FILE),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    childEnv: { ...process.env },
  };
}

export interface StartConfig {
  /** Environment handed to the exporter and alerting, which validate their own settings. */
  childEnv: NodeJS.ProcessEnv;
}

/** `npm start` has no settings of its own: the services read theirs (SPEC §5) from the environment. */
export function parseStartConfig(argv: string[] = process.argv): StartConfig {
  new Command('start')
    .description(
      'Runs the exporter and alerting against REDIS_URL; stops both on SIGINT/SIGTERM, fails if either dies.',
    )
    .addHelpText(
      'after',
      '\nSettings: the environment variables of SPEC §5 (REDIS_URL, EXPORTER_PORT, ...).',
    )
    .parse(argv);
  return { childEnv: { ...process.env } };
}
