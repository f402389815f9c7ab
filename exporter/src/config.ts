import { fileURLToPath } from 'node:url';
import {
  checkRedisUrl,
  envOption,
  type Fleet,
  integer,
  LOG_LEVELS,
  loadFleetSetting,
  oneOf,
  parseConfigArgs,
} from '@fleet/core';
import { Command } from 'commander';

export { ConfigError } from '@fleet/core';

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

function buildCommand(): Command {
  return (
    new Command('fleet-exporter')
      .description('Serves the fleet status as Prometheus metrics, a JSON document and the panel.')
      // Checked after parsing: commander would echo a bad value, and this one may hold a password.
      .addOption(
        envOption(
          '--redis-url <url>',
          'Redis to read (redis:// or rediss://)',
          'REDIS_URL',
        ).default(DEFAULTS.redisUrl),
      )
      .addOption(
        envOption(
          '--fleet-config <path>',
          'fleet file (JSON or YAML); unset = the six workers',
          'FLEET_CONFIG',
        ),
      )
      .addOption(
        envOption('--port <port>', 'HTTP port (0 = any free port)', 'EXPORTER_PORT')
          .default(DEFAULTS.port)
          .argParser(integer(0, 65_535)),
      )
      .addOption(
        envOption('--host <host>', 'HTTP listen address', 'EXPORTER_HOST').default(DEFAULTS.host),
      )
      .addOption(
        envOption(
          '--cache-max-age-ms <ms>',
          'requests within this long share one Redis collection',
          'EXPORTER_CACHE_MAX_AGE_MS',
        )
          .default(DEFAULTS.cacheMaxAgeMs)
          .argParser(integer(0, 60_000)),
      )
      .addOption(
        envOption(
          '--collect-timeout-ms <ms>',
          'a collection gives up (redis_ok:false) after this long',
          'EXPORTER_COLLECT_TIMEOUT_MS',
        )
          .default(DEFAULTS.collectTimeoutMs)
          .argParser(integer(50, 60_000)),
      )
      .addOption(
        envOption(
          '--scan-interval-s <seconds>',
          'on a large keyspace, the SCAN pass repeats this often in the background',
          'EXPORTER_SCAN_INTERVAL_S',
        )
          .default(DEFAULTS.scanIntervalS)
          .argParser(integer(1, 86_400)),
      )
      .addOption(
        envOption(
          '--scan-deadline-ms <ms>',
          'a SCAN pass stops (and says so) after this long',
          'EXPORTER_SCAN_DEADLINE_MS',
        )
          .default(DEFAULTS.scanDeadlineMs)
          .argParser(integer(1, 600_000)),
      )
      .addOption(
        envOption(
          '--scan-key-cap <keys>',
          'a SCAN pass stops (and says so) after finding this many processing/heartbeat keys',
          'EXPORTER_SCAN_KEY_CAP',
        )
          .default(DEFAULTS.scanKeyCap)
          .argParser(integer(1, 10_000_000)),
      )
      .addOption(
        envOption(
          '--scan-inline-max-keys <keys>',
          'up to this many keys in Redis, the SCAN pass runs inside every collection',
          'EXPORTER_SCAN_INLINE_MAX_KEYS',
        )
          .default(DEFAULTS.scanInlineMaxKeys)
          .argParser(integer(0, 1_000_000_000)),
      )
      .addOption(
        envOption(
          '--panel-dir <dir>',
          'the built panel served at /infra/',
          'EXPORTER_PANEL_DIR',
        ).default(DEFAULTS.panelDir),
      )
      .addOption(
        envOption('--log-level <level>', 'log level', 'LOG_LEVEL')
          .default(DEFAULTS.logLevel)
          .argParser(oneOf(LOG_LEVELS)),
      )
  );
}

/** The help text, for `--help`. */
export function configHelp(): string {
  return buildCommand().helpInformation();
}

/**
 * Reads every setting from the command line and the environment (each flag has an environment
 * twin) and validates it. Throws ConfigError naming the variable at the first bad value; a
 * `--help` request throws a CommanderError with code `commander.helpDisplayed`.
 */
export function loadConfig(argv: readonly string[]): ExporterConfig {
  const options = parseConfigArgs(buildCommand(), argv);
  const fleet = loadFleetSetting(options.fleetConfig as string | undefined);
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
