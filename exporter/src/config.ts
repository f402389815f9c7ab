import { fileURLToPath } from 'node:url';
import { type Fleet, FleetConfigError, loadFleet, redactUrl } from '@fleet/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** A setting that stops the exporter at start; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every setting of the exporter, validated. */
export interface ExporterConfig {
  redisUrl: string;
  fleet: Fleet;
  port: number;
  host: string;
  cacheMaxAgeMs: number;
  collectTimeoutMs: number;
  scanIntervalS: number;
  scanDeadlineMs: number;
  scanKeyCap: number;
  scanInlineMaxKeys: number;
  panelDir: string;
  logLevel: string;
}

/** The built panel, relative to this file in both `src/` (tsx) and `dist/` (node). */
const DEFAULT_PANEL_DIR = fileURLToPath(new URL('../../panel/dist', import.meta.url));

/** The defaults of SPEC §5, and of the settings the exporter adds. */
export const DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379',
  port: 8790,
  host: '0.0.0.0',
  cacheMaxAgeMs: 1000,
  collectTimeoutMs: 2500,
  scanIntervalS: 30,
  scanDeadlineMs: 5000,
  scanKeyCap: 10_000,
  scanInlineMaxKeys: 10_000,
  panelDir: DEFAULT_PANEL_DIR,
  logLevel: 'info',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

function oneOf(choices: readonly string[]) {
  return (value: string): string => {
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value;
  };
}

function buildCommand(): Command {
  const option = (flags: string, description: string, env: string) =>
    new Option(flags, description).env(env);
  return (
    new Command('fleet-exporter')
      .description('Serves the fleet status as Prometheus metrics, a JSON document and the panel.')
      // Checked after parsing: commander would echo a bad value, and this one may hold a password.
      .addOption(
        option('--redis-url <url>', 'Redis to read (redis:// or rediss://)', 'REDIS_URL').default(
          DEFAULTS.redisUrl,
        ),
      )
      .addOption(
        option(
          '--fleet-config <path>',
          'fleet file (JSON or YAML); unset = the six workers',
          'FLEET_CONFIG',
        ),
      )
      .addOption(
        option('--port <port>', 'HTTP port (0 = any free port)', 'EXPORTER_PORT')
          .default(DEFAULTS.port)
          .argParser(integer(0, 65_535)),
      )
      .addOption(
        option('--host <host>', 'HTTP listen address', 'EXPORTER_HOST').default(DEFAULTS.host),
      )
      .addOption(
        option(
          '--cache-max-age-ms <ms>',
          'requests within this long share one Redis collection',
          'EXPORTER_CACHE_MAX_AGE_MS',
        )
          .default(DEFAULTS.cacheMaxAgeMs)
          .argParser(integer(0, 60_000)),
      )
      .addOption(
        option(
          '--collect-timeout-ms <ms>',
          'a collection gives up (redis_ok:false) after this long',
          'EXPORTER_COLLECT_TIMEOUT_MS',
        )
          .default(DEFAULTS.collectTimeoutMs)
          .argParser(integer(50, 60_000)),
      )
      .addOption(
        option(
          '--scan-interval-s <seconds>',
          'on a large keyspace, the SCAN pass repeats this often in the background',
          'EXPORTER_SCAN_INTERVAL_S',
        )
          .default(DEFAULTS.scanIntervalS)
          .argParser(integer(1, 86_400)),
      )
      .addOption(
        option(
          '--scan-deadline-ms <ms>',
          'a SCAN pass stops (and says so) after this long',
          'EXPORTER_SCAN_DEADLINE_MS',
        )
          .default(DEFAULTS.scanDeadlineMs)
          .argParser(integer(1, 600_000)),
      )
      .addOption(
        option(
          '--scan-key-cap <keys>',
          'a SCAN pass stops (and says so) after finding this many processing/heartbeat keys',
          'EXPORTER_SCAN_KEY_CAP',
        )
          .default(DEFAULTS.scanKeyCap)
          .argParser(integer(1, 10_000_000)),
      )
      .addOption(
        option(
          '--scan-inline-max-keys <keys>',
          'up to this many keys in Redis, the SCAN pass runs inside every collection',
          'EXPORTER_SCAN_INLINE_MAX_KEYS',
        )
          .default(DEFAULTS.scanInlineMaxKeys)
          .argParser(integer(0, 1_000_000_000)),
      )
      .addOption(
        option(
          '--panel-dir <dir>',
          'the built panel served at /infra/',
          'EXPORTER_PANEL_DIR',
        ).default(DEFAULTS.panelDir),
      )
      .addOption(
        option('--log-level <level>', 'log level', 'LOG_LEVEL')
          .default(DEFAULTS.logLevel)
          .argParser(oneOf(LOG_LEVELS)),
      )
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
  );
}

/** The help text, for `--help`. */
export function configHelp(): string {
  return buildCommand().helpInformation();
}

function checkRedisUrl(value: string): string {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new ConfigError(`REDIS_URL (--redis-url) is not a URL: ${redactUrl(value)}`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError(
      `REDIS_URL (--redis-url) must start with redis:// or rediss://, not ${protocol}//`,
    );
  }
  return value;
}

/**
 * Reads every setting from the command line and the environment (each flag has an environment
 * twin) and validates it. Throws ConfigError naming the variable at the first bad value; a
 * `--help` request throws a CommanderError with code `commander.helpDisplayed`.
 */
export function loadConfig(argv: readonly string[]): ExporterConfig {
  const command = buildCommand();
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code !== 'commander.helpDisplayed') {
      throw new ConfigError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }
  const options = command.opts();
  let fleet: Fleet;
  try {
    fleet = loadFleet(options.fleetConfig as string | undefined);
  } catch (error) {
    if (error instanceof FleetConfigError) throw new ConfigError(error.message);
    throw error;
  }
  return {
    redisUrl: checkRedisUrl(options.redisUrl as string),
    fleet,
    port: options.port as number,
    host: options.host as string,
    cacheMaxAgeMs: options.cacheMaxAgeMs as number,
    collectTimeoutMs: options.collectTimeoutMs as number,
    scanIntervalS: options.scanIntervalS as number,
    scanDeadlineMs: options.scanDeadlineMs as number,
    scanKeyCap: options.scanKeyCap as number,
    scanInlineMaxKeys: options.scanInlineMaxKeys as number,
    panelDir: options.panelDir as string,
    logLevel: options.logLevel as string,
  };
}
