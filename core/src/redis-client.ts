import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { type Logger, redactUrl } from './logger.js';
import type { RedisTlsFiles } from './redis-settings.js';

export interface RedisClientOptions {
  /** `redis://` or `rediss://` URL; a password in it is used but never logged. */
  url: string;
  /**
   * A command without a reply after this long fails, so a frozen Redis cannot stall a caller.
   * @defaultValue 1500
   */
  commandTimeoutMs?: number;
  /**
   * A connection attempt gives up after this long.
   * @defaultValue 2000
   */
  connectTimeoutMs?: number;
  /**
   * The longest wait between reconnection attempts (they back off up to it, forever).
   * @defaultValue 2000
   */
  maxReconnectDelayMs?: number;
  /** Connection problems are logged here, once per distinct message. */
  logger?: Logger;
  /**
   * For `rediss://`: the CA that signed the server certificate (a private CA), and a client
   * certificate and key. Unset = Node's own CA list and no client certificate.
   */
  tls?: RedisTlsFiles;
}

/**
 * A monitoring Redis client: every command fails fast while Redis is unreachable (no offline
 * queue, no per-request retries) and the connection re-establishes itself in the background.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const { url, logger } = options;
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const client = new Redis(url, {
    ...redisTlsOption(url, options.tls),
    commandTimeout: options.commandTimeoutMs ?? 1500,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
    // CLIENT SETINFO is not needed and would be one more command a read-only ACL user must allow.
    disableClientInfo: true,
  });
  const redis = redactUrl(url);
  let lastError: string | undefined;
  // Only the message is logged: ioredis errors carry the failed command's arguments
  // (for AUTH, the password) in `err.command`.
  client.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger?.warn({ redis, error: error.message }, 'redis connection error');
  });
  client.on('ready', () => {
    lastError = undefined;
    logger?.info({ redis }, 'redis connected');
  });
  return client;
}

/** ioredis's `tls` for a `rediss://` URL with private-CA or client-certificate files. */
export function redisTlsOption(url: string, files: RedisTlsFiles | undefined): { tls?: object } {
  if (!url.startsWith('rediss://') || !files) return {};
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  const tls = {
    ca: read(files.redisTlsCaFile),
    cert: read(files.redisTlsCertFile),
    key: read(files.redisTlsKeyFile),
  };
  const given = Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
  return Object.keys(given).length === 0 ? {} : { tls: given };
}
