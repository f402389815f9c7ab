// Settings every service that reads Redis shares: declared once here, spread into each service's
// settings table (so each `--help` and README table lists them).
import { accessSync, constants } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { ConfigError, integer } from './config-options.js';
import { DEFAULT_ALERT_KEY_PREFIX } from './contracts/redis-keys.js';
import { type Setting, setting } from './settings.js';

/** argParser: a path to a file this process can read (checked at start, not at connect). */
function readableFile(value: string): string {
  try {
    accessSync(value, constants.R_OK);
  } catch {
    throw new InvalidArgumentError(`cannot read ${value}.`);
  }
  return value;
}

/** The files of a `rediss://` connection to a Redis whose certificate a private CA signed. */
export const REDIS_TLS_SETTINGS = {
  redisTlsCaFile: setting<string>({
    flag: '--redis-tls-ca-file <path>',
    env: 'REDIS_TLS_CA_FILE',
    defaultText: 'unset = the system CAs',
    parse: readableFile,
    help: 'PEM file of the CA that signed the Redis server certificate (a private CA, e.g. on a NAS); `rediss://` only',
  }),
  redisTlsCertFile: setting<string>({
    flag: '--redis-tls-cert-file <path>',
    env: 'REDIS_TLS_CERT_FILE',
    defaultText: 'unset = none',
    parse: readableFile,
    help: 'PEM client certificate, for a Redis that asks for one (`tls-auth-clients yes`); with `REDIS_TLS_KEY_FILE`',
  }),
  redisTlsKeyFile: setting<string>({
    flag: '--redis-tls-key-file <path>',
    env: 'REDIS_TLS_KEY_FILE',
    defaultText: 'unset = none',
    parse: readableFile,
    help: 'PEM private key of the client certificate (a secret: its content is never logged)',
  }),
} satisfies Record<string, Setting<string | undefined>>;

export interface RedisTlsFiles {
  redisTlsCaFile?: string | undefined;
  redisTlsCertFile?: string | undefined;
  redisTlsKeyFile?: string | undefined;
}

/** The TLS files must go with a `rediss://` URL, and a certificate with its key. */
export function checkRedisTls(redisUrl: string, files: RedisTlsFiles): void {
  const any = files.redisTlsCaFile ?? files.redisTlsCertFile ?? files.redisTlsKeyFile;
  if (any !== undefined && !redisUrl.startsWith('rediss://')) {
    throw new ConfigError('REDIS_TLS_* files are set but REDIS_URL is not a rediss:// URL');
  }
  if ((files.redisTlsCertFile === undefined) !== (files.redisTlsKeyFile === undefined)) {
    throw new ConfigError('REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together');
  }
}

/** How the collector judges what it reads; the exporter and alerting share them. */
export const COLLECTOR_SETTINGS = {
  heartbeatStaleAfterS: setting({
    flag: '--heartbeat-stale-after-s <seconds>',
    env: 'FLEET_HEARTBEAT_STALE_AFTER_S',
    default: 135,
    parse: integer(1, 86_400),
    help: 'a heartbeat key whose `ts` has not moved this long is stale (`heartbeat_stale`), though the key exists',
  }),
  jobStuckAfterS: setting({
    flag: '--job-stuck-after-s <seconds>',
    env: 'FLEET_JOB_STUCK_AFTER_S',
    default: 1800,
    parse: integer(1, 604_800),
    help: "a worker busy this long without a job done or failed, or an in-flight list unchanged this long, has a stuck job (`job_stuck`); a fleet entry's `stuck_after_s` overrides it",
  }),
  unlistedForgetAfterS: setting({
    flag: '--unlisted-forget-after-s <seconds>',
    env: 'FLEET_UNLISTED_FORGET_AFTER_S',
    default: 3600,
    parse: integer(1, 31_536_000),
    help: 'a worker not in the fleet file is forgotten after this long without a heartbeat key',
  }),
};

function keyPrefix(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
    throw new InvalidArgumentError('letters, digits and "_.:-" only, 1 to 64 characters.');
  }
  return value;
}

/**
 * The alerting service's key prefix: alerting keeps its state under it, and the exporter reads
 * the `/maintenance` windows and the silences there (read-only), so both must be given the same value.
 */
export const ALERT_KEY_PREFIX_SETTING = setting({
  flag: '--key-prefix <prefix>',
  env: 'ALERT_KEY_PREFIX',
  default: DEFAULT_ALERT_KEY_PREFIX,
  parse: keyPrefix,
  help: "prefix of the alerting service's own Redis keys (the exporter reads the `/maintenance` windows and the silences there: give both the same)",
});
