import { readFileSync } from 'node:fs';
import {
  ALERT_KEY_PREFIX_SETTING,
  COLLECTOR_SETTINGS,
  ConfigError,
  checkRedisTls,
  checkRedisUrl,
  DEFAULT_MAINTENANCE_TZ,
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
import { Cron } from 'croner';
import { LANGS } from './lang.js';

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

function chatId(value: string): string {
  const [id, ...more] = chatIds(value);
  if (more.length > 0 || id === undefined) throw new InvalidArgumentError('expected one chat id.');
  return id;
}

function userIds(value: string): number[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('expected at least one user id.');
  const bad = ids.find((id) => !/^\d{1,20}$/.test(id));
  if (bad !== undefined) {
    throw new InvalidArgumentError(`"${bad}" is not a Telegram user id (a positive number).`);
  }
  return ids.map(Number);
}

function timeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new InvalidArgumentError('not an IANA time zone (e.g. Asia/Seoul, Europe/Berlin).');
  }
  return value;
}

function onOff(value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(lower)) return true;
  if (['off', 'false', '0', 'no'].includes(lower)) return false;
  throw new InvalidArgumentError('expected on or off.');
}

function cronPattern(value: string): string {
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    throw new InvalidArgumentError(`not a cron pattern: ${(error as Error).message}`);
  }
  return value;
}

/** Every setting of the alerting service: the one place each is declared. */
export const SETTINGS = {
  redisUrl: setting({
    flag: '--redis-url <url>',
    env: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    parse: checkRedisUrl,
    help: 'Redis to watch, and to keep the alert state in (`rediss://` and passwords work; never logged)',
  }),
  ...REDIS_TLS_SETTINGS,
  fleetConfig: setting({
    flag: '--fleet-config <path>',
    env: 'FLEET_CONFIG',
    defaultText: 'the six workers',
    help: 'fleet file (JSON or YAML)',
  }),
  telegramBotToken: setting({
    flag: '--telegram-bot-token <token>',
    env: 'TELEGRAM_BOT_TOKEN',
    defaultText: 'unset = log-only',
    help: 'bot token from BotFather (prefer the variable or the file to the flag)',
  }),
  telegramBotTokenFile: setting({
    flag: '--telegram-bot-token-file <path>',
    env: 'TELEGRAM_BOT_TOKEN_FILE',
    help: 'a file holding the token, e.g. a Docker secret (use one or the other)',
  }),
  telegramChatIds: setting({
    flag: '--telegram-chat-id <ids>',
    env: 'TELEGRAM_CHAT_ID',
    defaultText: 'required with a token',
    parse: chatIds,
    help: 'chat id(s), comma-separated; numbers or `@channel`',
  }),
  telegramApiUrl: setting({
    flag: '--telegram-api-url <url>',
    env: 'TELEGRAM_API_URL',
    defaultText: "Telegram's own",
    parse: url(['http:', 'https:']),
    help: 'Bot API root, e.g. a self-hosted Bot API server',
  }),
  telegramPollTimeoutS: setting({
    flag: '--telegram-poll-timeout-s <seconds>',
    env: 'TELEGRAM_POLL_TIMEOUT_S',
    default: 30,
    parse: integer(1, 50),
    help: 'long-poll wait of `getUpdates` for commands (1–50)',
  }),
  telegramAllowedUserIds: setting({
    flag: '--telegram-allowed-user-ids <ids>',
    env: 'TELEGRAM_ALLOWED_USER_IDS',
    defaultText: 'unset = read-only: no button, `/silence` or `/maintenance` changes anything',
    parse: userIds,
    help: 'Telegram user ids (not chat ids), comma-separated, who may requeue, delete and purge dead letters with `/dl` buttons, acknowledge or silence with the buttons under alerts, `/silence` and `/unsilence`, and start or end `/maintenance` windows; the others are refused and audited, reads stay open to the chat',
  }),
  escalationChatId: setting({
    flag: '--escalation-chat-id <id>',
    env: 'ALERT_ESCALATION_CHAT_ID',
    defaultText: 'unset = no escalation',
    parse: chatId,
    help: 'a second chat that also gets an incident (down, stuck) nobody acknowledged within `ALERT_ESCALATION_AFTER_S`, once, and then its end',
  }),
  escalationAfterS: setting({
    flag: '--escalation-after-s <seconds>',
    env: 'ALERT_ESCALATION_AFTER_S',
    default: 900,
    parse: seconds({ min: 1 }),
    help: 'how long an incident may go unacknowledged (the acknowledge button under its alert) before it goes to `ALERT_ESCALATION_CHAT_ID`',
  }),
  deadLetterRequeueCap: setting({
    flag: '--deadletter-requeue-cap <count>',
    env: 'ALERT_DEADLETTER_REQUEUE_CAP',
    default: 100,
    parse: integer(1, 10_000),
    help: 'dead letters one "requeue all" press moves at most (the answer says how many are left)',
  }),
  timeZone: setting({
    flag: '--time-zone <tz>',
    env: 'ALERT_TIME_ZONE',
    default: DEFAULT_MAINTENANCE_TZ,
    parse: timeZone,
    help: "IANA time zone of clock times in messages (a maintenance window's end, `/history`, `/report`) and of `ALERT_WEEKLY_REPORT_CRON`",
  }),
  intervalS: setting({
    flag: '--interval-s <seconds>',
    env: 'ALERT_INTERVAL_S',
    default: 60,
    parse: seconds({ min: 0.1 }),
    help: 'time between checks',
  }),
  deadLetterThreshold: setting({
    flag: '--deadletter-threshold <count>',
    env: 'ALERT_DEADLETTER_THRESHOLD',
    default: 1,
    parse: integer(1, 1_000_000_000),
    help: 'dead letters that raise an alert',
  }),
  deadLetterWindowS: setting({
    flag: '--deadletter-window-s <seconds>',
    env: 'ALERT_DEADLETTER_WINDOW_S',
    default: 900,
    parse: seconds({ min: 1, allowZero: true }),
    help: 'after a dead-letter alert, updates for that worker wait this long unless the count passes the next step (threshold × 10, × 100 …); `0` = every change',
  }),
  bootGraceS: setting({
    flag: '--boot-grace-s <seconds>',
    env: 'ALERT_BOOT_GRACE_S',
    default: 90,
    parse: seconds({ min: 0 }),
    help: 'how long a worker never seen alive may be dead before it is reported; also the grace after Redis returns',
  }),
  lang: setting({
    flag: '--lang <lang>',
    env: 'ALERT_LANG',
    default: 'ko',
    parse: oneOf(LANGS),
    help: 'message language: `ko` or `en`',
  }),
  port: setting({
    flag: '--port <port>',
    env: 'ALERTING_PORT',
    default: 8791,
    parse: integer(0, 65_535),
    help: 'port of `/healthz` and `/metrics` (0 = any free port)',
  }),
  host: setting({
    flag: '--host <host>',
    env: 'ALERTING_HOST',
    default: '0.0.0.0',
    help: 'address of `/healthz` and `/metrics`',
  }),
  stuckAfterS: setting({
    flag: '--stuck-after-s <seconds>',
    env: 'ALERT_STUCK_AFTER_S',
    default: 1800,
    parse: seconds({ min: 1, allowZero: true }),
    help: 'jobs waiting without progress this long = stuck queue; `0` = off',
  }),
  repeatS: setting({
    flag: '--repeat-s <seconds>',
    env: 'ALERT_REPEAT_S',
    default: 14_400,
    parse: seconds({ min: 1, allowZero: true }),
    help: 'reminder interval for an ongoing outage; `0` = off',
  }),
  holdForS: setting({
    flag: '--hold-for-s <seconds>',
    env: 'ALERT_HOLD_FOR_S',
    default: 0,
    parse: seconds({ min: 0 }),
    help: 'a worker must stay down (or up) this long before it is announced (anti-flapping)',
  }),
  redisConfirmS: setting({
    flag: '--redis-confirm-s <seconds>',
    env: 'ALERT_REDIS_CONFIRM_S',
    default: 10,
    parse: seconds({ min: 0 }),
    help: 'Redis must stay unreadable this long before it is announced (re-checked quickly meanwhile)',
  }),
  leaseS: setting({
    flag: '--lease-s <seconds>',
    env: 'ALERT_LEASE_S',
    default: 30,
    parse: seconds({ min: 1 }),
    help: 'lease that elects the replica running checks and polling commands',
  }),
  keyPrefix: ALERT_KEY_PREFIX_SETTING,
  historyRetentionDays: setting({
    flag: '--history-retention-days <days>',
    env: 'ALERT_HISTORY_RETENTION_DAYS',
    default: 90,
    parse: integer(1, 3650),
    help: 'days of transitions kept in the history stream (`/history`, `/report`)',
  }),
  weeklyReport: setting({
    flag: '--weekly-report <on|off>',
    env: 'ALERT_WEEKLY_REPORT',
    default: false,
    parse: onOff,
    help: 'send the `/report 7d` digest to the chats every week (off by default: turning it on is the choice of whoever reads the chats)',
  }),
  weeklyReportCron: setting({
    flag: '--weekly-report-cron <pattern>',
    env: 'ALERT_WEEKLY_REPORT_CRON',
    default: '0 9 * * 1',
    parse: cronPattern,
    help: 'when the weekly digest goes out (cron, in `ALERT_TIME_ZONE`): Mondays 09:00',
  }),
  historyMaxEvents: setting({
    flag: '--history-max-events <count>',
    env: 'ALERT_HISTORY_MAX_EVENTS',
    default: 100_000,
    parse: integer(1000, 10_000_000),
    help: 'safety cap on the history stream, whatever its age (approximate: `MAXLEN ~`)',
  }),
  pushUrl: setting({
    flag: '--push-url <url>',
    env: 'ALERT_PUSH_URL',
    defaultText: 'unset = off',
    parse: url(['http:', 'https:']),
    help: "dead man's switch: GET after every successful check (Redis read, alerts saved), by the replica holding the lease; a Healthchecks or Uptime Kuma push URL (its path is a secret: never logged)",
  }),
  ...COLLECTOR_SETTINGS,
  logLevel: setting({
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
    help: '`fatal` … `trace`, or `silent`',
  }),
};

type Values = SettingValues<typeof SETTINGS>;
type TelegramKey =
  | 'telegramBotToken'
  | 'telegramBotTokenFile'
  | 'telegramChatIds'
  | 'telegramApiUrl'
  | 'telegramPollTimeoutS';

/** Every setting of the alerting service, validated (times in seconds). */
export type AlertingConfig = Omit<Values, TelegramKey | 'fleetConfig'> & {
  /** The workers to watch (FLEET_CONFIG). */
  fleet: Fleet;
  /** Telegram; null = log-only. */
  telegram: TelegramSettings | null;
};

/** The defaults of the table. */
export const DEFAULTS = settingDefaults(SETTINGS);

function command() {
  return settingsCommand(
    'fleet-alerting',
    'Turns fleet status changes into Telegram alerts.',
    SETTINGS,
  );
}

/** Bot API tokens look like `123456789:AAH...`; checked so a wrong value fails at start. */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

function readToken(direct: string | undefined, file: string | undefined): string | null {
  if (direct && file) {
    throw new ConfigError('set TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKEN_FILE, not both');
  }
  let token = direct?.trim();
  const source = file ? 'TELEGRAM_BOT_TOKEN_FILE' : 'TELEGRAM_BOT_TOKEN';
  if (file) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`TELEGRAM_BOT_TOKEN_FILE: cannot read ${file}: ${reason}`);
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
  const {
    fleetConfig,
    telegramBotToken,
    telegramBotTokenFile,
    telegramChatIds,
    telegramApiUrl,
    telegramPollTimeoutS,
    ...rest
  } = parseSettings(command(), SETTINGS, argv);
  checkRedisTls(rest.redisUrl, rest);
  const token = readToken(telegramBotToken, telegramBotTokenFile);
  if (token && !telegramChatIds) {
    throw new ConfigError('TELEGRAM_CHAT_ID is required with a bot token');
  }
  if (!token && telegramChatIds) {
    throw new ConfigError('TELEGRAM_CHAT_ID is set but there is no TELEGRAM_BOT_TOKEN (or _FILE)');
  }
  if (!token && rest.escalationChatId) {
    throw new ConfigError(
      'ALERT_ESCALATION_CHAT_ID is set but there is no TELEGRAM_BOT_TOKEN (or _FILE)',
    );
  }
  return {
    ...rest,
    fleet: loadFleetSetting(fleetConfig),
    telegram:
      token && telegramChatIds
        ? {
            token,
            chatIds: telegramChatIds,
            apiUrl: telegramApiUrl ?? null,
            pollTimeoutS: telegramPollTimeoutS,
          }
        : null,
  };
}
