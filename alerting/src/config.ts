import { readFileSync } from 'node:fs';
import {
  ConfigError,
  checkRedisUrl,
  envOption,
  integer,
  LOG_LEVELS,
  loadFleetSetting,
  oneOf,
  parseConfigArgs,
} from '@fleet/core';
import { Command, InvalidArgumentError } from 'commander';
import type { AlertingOptions } from './alerting-service.js';
import { LANGS, type Lang } from './lang.js';

export { ConfigError } from '@fleet/core';

/** How to reach Telegram; absent means log-only. */
export interface TelegramSettings {
  /** The bot token (a secret: never logged). */
  token: string;
  /** Chats that receive alerts and may send commands: numeric ids or `@channel` names. */
  chatIds: string[];
  /** Bot API root, e.g. a self-hosted Bot API server. @defaultValue `https://api.telegram.org` */
  apiUrl: string | null;
  /** Long-poll wait of `getUpdates` for bot commands, in seconds. @defaultValue 30 */
  pollTimeoutS: number;
}

/** Every setting of the alerting service, validated (times in seconds). */
export type AlertingConfig = Required<Omit<AlertingOptions, 'logger' | 'now' | 'replicaId'>>;

/** The defaults of SPEC §5, and of the settings this service adds. */
export const DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379',
  intervalS: 60,
  deadLetterThreshold: 1,
  bootGraceS: 90,
  lang: 'ko' as Lang,
  port: 8791,
  host: '0.0.0.0',
  stuckAfterS: 1800,
  repeatS: 14_400,
  holdForS: 0,
  redisConfirmS: 10,
  leaseS: 30,
  keyPrefix: 'fleet-alerting:',
  logLevel: 'info',
  pollTimeoutS: 30,
} as const;

function seconds(options: { min: number; allowZero?: boolean }) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) {
      throw new InvalidArgumentError('expected a number of seconds.');
    }
    if (number === 0 && options.allowZero) return 0;
    if (number < options.min) {
      throw new InvalidArgumentError(
        `expected at least ${options.min} seconds${options.allowZero ? ' (or 0 to turn it off)' : ''}.`,
      );
    }
    return number;
  };
}

function url(protocols: readonly string[]) {
  return (value: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new InvalidArgumentError('not a URL.');
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new InvalidArgumentError(`expected a ${protocols.join(' or ')}// URL.`);
    }
    return value;
  };
}

const CHAT_ID = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;

function chatIds(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('expected at least one chat id.');
  const bad = ids.find((id) => !CHAT_ID.test(id));
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `"${bad}" is not a chat id (a number such as -1001234567890, or @channelname).`,
    );
  }
  return ids;
}

function keyPrefix(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
    throw new InvalidArgumentError('letters, digits and "_.:-" only, 1 to 64 characters.');
  }
  return value;
}

function buildCommand(): Command {
  return new Command('fleet-alerting')
    .description('Turns fleet status changes into Telegram alerts.')
    .addOption(
      // Checked after parsing: commander would echo a bad value, and this one may hold a password.
      envOption(
        '--redis-url <url>',
        'Redis to watch and to keep alert state in',
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
      envOption(
        '--telegram-bot-token <token>',
        'bot token from BotFather (prefer the env var or the file)',
        'TELEGRAM_BOT_TOKEN',
      ),
    )
    .addOption(
      envOption(
        '--telegram-bot-token-file <path>',
        'file holding the bot token (Docker/Kubernetes secrets)',
        'TELEGRAM_BOT_TOKEN_FILE',
      ),
    )
    .addOption(
      envOption(
        '--telegram-chat-id <ids>',
        'chat id(s) to alert, comma-separated; required with a token',
        'TELEGRAM_CHAT_ID',
      ).argParser(chatIds),
    )
    .addOption(
      envOption(
        '--telegram-api-url <url>',
        'Bot API root (self-hosted Bot API server)',
        'TELEGRAM_API_URL',
      ).argParser(url(['http:', 'https:'])),
    )
    .addOption(
      envOption(
        '--telegram-poll-timeout-s <seconds>',
        'long-poll wait for bot commands',
        'TELEGRAM_POLL_TIMEOUT_S',
      )
        .default(DEFAULTS.pollTimeoutS)
        .argParser(integer(1, 50)),
    )
    .addOption(
      envOption('--interval-s <seconds>', 'time between checks', 'ALERT_INTERVAL_S')
        .default(DEFAULTS.intervalS)
        .argParser(seconds({ min: 0.1 })),
    )
    .addOption(
      envOption(
        '--deadletter-threshold <count>',
        'dead letters that raise an alert',
        'ALERT_DEADLETTER_THRESHOLD',
      )
        .default(DEFAULTS.deadLetterThreshold)
        .argParser(integer(1, 1_000_000_000)),
    )
    .addOption(
      envOption(
        '--boot-grace-s <seconds>',
        'how long a worker never seen alive may be dead before it is announced',
        'ALERT_BOOT_GRACE_S',
      )
        .default(DEFAULTS.bootGraceS)
        .argParser(seconds({ min: 0 })),
    )
    .addOption(
      envOption('--lang <lang>', 'message language (ko, en)', 'ALERT_LANG')
        .default(DEFAULTS.lang)
        .argParser(oneOf(LANGS)),
    )
    .addOption(
      envOption('--port <port>', 'port of /healthz and /metrics', 'ALERTING_PORT')
        .default(DEFAULTS.port)
        .argParser(integer(0, 65_535)),
    )
    .addOption(
      envOption('--host <host>', 'address of /healthz and /metrics', 'ALERTING_HOST').default(
        DEFAULTS.host,
      ),
    )
    .addOption(
      envOption(
        '--stuck-after-s <seconds>',
        'jobs waiting without progress this long = stuck queue; 0 = off',
        'ALERT_STUCK_AFTER_S',
      )
        .default(DEFAULTS.stuckAfterS)
        .argParser(seconds({ min: 1, allowZero: true })),
    )
    .addOption(
      envOption(
        '--repeat-s <seconds>',
        'remind of an ongoing outage this often; 0 = off',
        'ALERT_REPEAT_S',
      )
        .default(DEFAULTS.repeatS)
        .argParser(seconds({ min: 1, allowZero: true })),
    )
    .addOption(
      envOption(
        '--hold-for-s <seconds>',
        'a worker must stay down (or up) this long before it is announced',
        'ALERT_HOLD_FOR_S',
      )
        .default(DEFAULTS.holdForS)
        .argParser(seconds({ min: 0 })),
    )
    .addOption(
      envOption(
        '--redis-confirm-s <seconds>',
        'Redis must stay unreadable this long before it is announced',
        'ALERT_REDIS_CONFIRM_S',
      )
        .default(DEFAULTS.redisConfirmS)
        .argParser(seconds({ min: 0 })),
    )
    .addOption(
      envOption(
        '--lease-s <seconds>',
        'lease that elects the replica running checks',
        'ALERT_LEASE_S',
      )
        .default(DEFAULTS.leaseS)
        .argParser(seconds({ min: 1 })),
    )
    .addOption(
      envOption(
        '--key-prefix <prefix>',
        "prefix of this service's own Redis keys",
        'ALERT_KEY_PREFIX',
      )
        .default(DEFAULTS.keyPrefix)
        .argParser(keyPrefix),
    )
    .addOption(
      envOption('--log-level <level>', 'log level', 'LOG_LEVEL')
        .default(DEFAULTS.logLevel)
        .argParser(oneOf(LOG_LEVELS)),
    );
}

/** Bot API tokens look like `123456789:AAH...`; checked so a wrong value fails at start. */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

function readToken(options: Record<string, unknown>): string | null {
  const direct = options.telegramBotToken as string | undefined;
  const file = options.telegramBotTokenFile as string | undefined;
  if (direct && file) {
    throw new ConfigError('set TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE, not both');
  }
  let token = direct?.trim();
  const source = file ? 'TELEGRAM_BOT_TOKEN_FILE' : 'TELEGRAM_BOT_TOKEN';
  if (file) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        `TELEGRAM_BOT_TOKEN_FILE: cannot read ${file}: ${(error as Error).message}`,
      );
    }
  }
  if (!token) return null;
  // The value itself is never echoed: it is a secret.
  if (!BOT_TOKEN.test(token)) {
    throw new ConfigError(`${source} does not look like a bot token (expected <digits>:<secret>)`);
  }
  return token;
}

/**
 * Reads every setting from the command line and the environment (each flag has an environment
 * twin) and validates it. Throws ConfigError naming the variable at the first bad value; a
 * `--help` request throws a CommanderError with code `commander.helpDisplayed`.
 */
export function loadConfig(argv: readonly string[]): AlertingConfig {
  const options = parseConfigArgs(buildCommand(), argv);
  const redisUrl = checkRedisUrl(options.redisUrl as string);
  const token = readToken(options);
  const chats = options.telegramChatId as string[] | undefined;
  if (token && !chats) throw new ConfigError('TELEGRAM_CHAT_ID is required with a bot token');
  if (!token && chats) {
    throw new ConfigError('TELEGRAM_CHAT_ID is set but there is no TELEGRAM_BOT_TOKEN (or _FILE)');
  }
  return {
    redisUrl,
    fleet: loadFleetSetting(options.fleetConfig as string | undefined),
    telegram:
      token && chats
        ? {
            token,
            chatIds: chats,
            apiUrl: (options.telegramApiUrl as string | undefined) ?? null,
            pollTimeoutS: options.telegramPollTimeoutS as number,
          }
        : null,
    intervalS: options.intervalS as number,
    deadLetterThreshold: options.deadletterThreshold as number,
    bootGraceS: options.bootGraceS as number,
    lang: options.lang as Lang,
    port: options.port as number,
    host: options.host as string,
    stuckAfterS: options.stuckAfterS as number,
    repeatS: options.repeatS as number,
    holdForS: options.holdForS as number,
    redisConfirmS: options.redisConfirmS as number,
    leaseS: options.leaseS as number,
    keyPrefix: options.keyPrefix as string,
    logLevel: options.logLevel as string,
  };
}
