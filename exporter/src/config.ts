import { fileURLToPath } from 'node:url';
import {
  ALERT_KEY_PREFIX_SETTING,
  COLLECTOR_SETTINGS,
  checkRedisTls,
  checkRedisUrl,
  type Fleet,
  integer,
  LOG_LEVELS,
  loadFleetSetting,
  oneOf,
  parseSettings,
  REDIS_TLS_SETTINGS,
  type SettingValues,
  setting,
  settingDefaults,
  settingsCommand,
} from '@fleet/core';
import { InvalidArgumentError } from 'commander';

export { ConfigError } from '@fleet/core';

/** Who may read the status document from another origin: `*`, or a list (empty = nobody). */
export type CorsOrigins = '*' | readonly string[];

/** `*`, or comma-separated `http(s)://host[:port]` origins; empty = same origin only. */
export function corsOrigins(value: string): CorsOrigins {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const origins = trimmed
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s,]+$/.test(origin)) {
      throw new InvalidArgumentError(
        `expected *, or origins like https://nas.example:5001 (scheme, host, port; no path): ${origin}`,
      );
    }
  }
  return origins;
}

/** CSP source expressions: a header value must not end its directive or line. */
export function cspSources(value: string): string {
  const trimmed = value.trim();
  if (!trimmed || /[;,\r\n]/.test(trimmed)) {
    throw new InvalidArgumentError(
      "expected CSP sources separated by spaces, e.g. 'self' https://nas.example",
    );
  }
  return trimmed;
}

/** Every setting of the exporter: the one place each is declared. */
export const SETTINGS = {
  redisUrl: setting({
    flag: '--redis-url <url>',
    env: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    parse: checkRedisUrl,
    help: 'Redis to read; `rediss://` (TLS), `user:password@` and `/db` work. Logged only as `redis://:***@host`',
  }),
  ...REDIS_TLS_SETTINGS,
  fleetConfig: setting({
    flag: '--fleet-config <path>',
    env: 'FLEET_CONFIG',
    defaultText: 'unset = the six default workers',
    help: 'fleet file (JSON or YAML, see `core/schema/fleet-file.schema.json`)',
  }),
  port: setting({
    flag: '--port <port>',
    env: 'EXPORTER_PORT',
    default: 8790,
    parse: integer(0, 65_535),
    help: 'HTTP port (0 = any free port)',
  }),
  host: setting({
    flag: '--host <host>',
    env: 'EXPORTER_HOST',
    default: '0.0.0.0',
    help: 'HTTP listen address',
  }),
  cacheMaxAgeMs: setting({
    flag: '--cache-max-age-ms <ms>',
    env: 'EXPORTER_CACHE_MAX_AGE_MS',
    default: 1000,
    parse: integer(0, 60_000),
    help: 'every request within this long shares one collection (0 = only concurrent requests share)',
  }),
  collectTimeoutMs: setting({
    flag: '--collect-timeout-ms <ms>',
    env: 'EXPORTER_COLLECT_TIMEOUT_MS',
    default: 2500,
    parse: integer(50, 60_000),
    help: 'a collection, each Redis command and a connection attempt give up after this long; no request waits longer',
  }),
  scanInlineMaxKeys: setting({
    flag: '--scan-inline-max-keys <keys>',
    env: 'EXPORTER_SCAN_INLINE_MAX_KEYS',
    default: 10_000,
    parse: integer(0, 1_000_000_000),
    help: 'up to this many keys in Redis (DBSIZE) the SCAN pass runs inside every collection; above it, in the background',
  }),
  scanIntervalS: setting({
    flag: '--scan-interval-s <seconds>',
    env: 'EXPORTER_SCAN_INTERVAL_S',
    default: 30,
    parse: integer(1, 86_400),
    help: 'how often the background SCAN pass repeats on a large keyspace',
  }),
  scanDeadlineMs: setting({
    flag: '--scan-deadline-ms <ms>',
    env: 'EXPORTER_SCAN_DEADLINE_MS',
    default: 5000,
    parse: integer(1, 600_000),
    help: 'a SCAN pass stops after this long and says so (`scan.stopped_by: "deadline"`); a pass inside a collection gets at most half the collection timeout',
  }),
  scanKeyCap: setting({
    flag: '--scan-key-cap <keys>',
    env: 'EXPORTER_SCAN_KEY_CAP',
    default: 10_000,
    parse: integer(1, 10_000_000),
    help: 'a SCAN pass stops after finding this many processing/heartbeat keys (`stopped_by: "key_cap"`)',
  }),
  internalPort: setting({
    flag: '--internal-port <port>',
    env: 'EXPORTER_INTERNAL_PORT',
    defaultText: 'unset = one listener',
    parse: integer(0, 65_535),
    help: 'a second listener for Prometheus and probes: `/metrics` and `/readyz` move there, off the main port (the one to publish), which keeps the panel, the status document and `/healthz`',
  }),
  internalHost: setting({
    flag: '--internal-host <host>',
    env: 'EXPORTER_INTERNAL_HOST',
    default: '0.0.0.0',
    help: 'listen address of `EXPORTER_INTERNAL_PORT`',
  }),
  corsOrigin: setting({
    flag: '--cors-origin <origins>',
    env: 'EXPORTER_CORS_ORIGIN',
    default: [] as CorsOrigins,
    defaultText: 'unset = same origin only',
    parse: corsOrigins,
    help: 'other origins whose pages may read the status document: `*` for any (the old behaviour), or a comma-separated list such as `https://nas.example:5001`',
  }),
  frameAncestors: setting({
    flag: '--frame-ancestors <sources>',
    env: 'EXPORTER_FRAME_ANCESTORS',
    default: "'self'",
    parse: cspSources,
    help: "the Content-Security-Policy `frame-ancestors` of every answer of the main port: who may show the panel in a frame (`'self'` = pages of its own origin, e.g. behind the same reverse proxy; add origins separated by spaces; `'none'` = nobody)",
  }),
  historyRetentionS: setting({
    flag: '--history-retention-s <seconds>',
    env: 'EXPORTER_HISTORY_RETENTION_S',
    default: 3600,
    parse: integer(60, 86_400),
    help: "how far back each worker's history (`/api/agent-office/nodes/<name>/history`) reaches; kept in memory from the collections, at most a sample a second",
  }),
  panelDir: setting({
    flag: '--panel-dir <dir>',
    env: 'EXPORTER_PANEL_DIR',
    // Relative to this file in both `src/` (tsx) and `dist/` (node).
    default: fileURLToPath(new URL('../../panel/dist', import.meta.url)),
    defaultText: '`panel/dist` of this repository',
    help: 'the built panel served at `/infra/`',
  }),
  ...COLLECTOR_SETTINGS,
  alertKeyPrefix: { ...ALERT_KEY_PREFIX_SETTING, flag: '--alert-key-prefix <prefix>' },
  logLevel: setting({
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
    help: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`',
  }),
};

/** Every setting of the exporter, validated. */
export type ExporterConfig = Omit<SettingValues<typeof SETTINGS>, 'fleetConfig'> & {
  /** The workers to watch (FLEET_CONFIG). */
  fleet: Fleet;
};

/** The defaults of the table. */
export const DEFAULTS = settingDefaults(SETTINGS);

/**
 * Reads every setting from the command line and the environment (each flag has an environment
 * twin) and validates it. Throws ConfigError naming the variable at the first bad value; a
 * `--help` request throws a CommanderError with code `commander.helpDisplayed`.
 */
export function loadConfig(argv: readonly string[]): ExporterConfig {
  const command = settingsCommand(
    'fleet-exporter',
    'Serves the fleet status as Prometheus metrics, a JSON document and the panel.',
    SETTINGS,
  );
  const { fleetConfig, ...rest } = parseSettings(command, SETTINGS, argv);
  checkRedisTls(rest.redisUrl, rest);
  return { ...rest, fleet: loadFleetSetting(fleetConfig) };
}
