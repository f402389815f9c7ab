import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET } from '@fleet/core/contracts';
import { tempDir } from '@fleet/testing/vitest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';

const TOKEN = '123456789:AAHfake-token_for-tests-0123456789abcdef';
const dir = tempDir('alerting-config-');
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);
const fleetFile = join(dir, 'fleet.yaml');
writeFileSync(fleetFile, 'workers:\n  - name: solo\n    kind: render\n');

const VARIABLES = [
  'REDIS_URL',
  'FLEET_CONFIG',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_BOT_TOKEN_FILE',
  'TELEGRAM_CHAT_ID',
  'TELEGRAM_API_URL',
  'TELEGRAM_POLL_TIMEOUT_S',
  'ALERT_INTERVAL_S',
  'ALERT_DEADLETTER_THRESHOLD',
  'ALERT_BOOT_GRACE_S',
  'ALERT_LANG',
  'ALERTING_PORT',
  'ALERTING_HOST',
  'ALERT_STUCK_AFTER_S',
  'ALERT_REPEAT_S',
  'ALERT_HOLD_FOR_S',
  'ALERT_REDIS_CONFIRM_S',
  'ALERT_LEASE_S',
  'ALERT_KEY_PREFIX',
  'ALERT_HISTORY_RETENTION_DAYS',
  'ALERT_WEEKLY_REPORT',
  'ALERT_WEEKLY_REPORT_CRON',
  'ALERT_HISTORY_MAX_EVENTS',
  'LOG_LEVEL',
];

beforeEach(() => {
  // Start from a clean slate whatever the machine running the tests has set.
  for (const name of VARIABLES) vi.stubEnv(name, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function withEnv(env: Record<string, string>, argv: string[] = []) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return loadConfig(argv);
}

describe('loadConfig', () => {
  it('has the docs/spec.md §6 defaults, and is log-only without a token', () => {
    expect(withEnv({})).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      fleet: DEFAULT_FLEET,
      telegram: null,
      intervalS: 60,
      deadLetterThreshold: 1,
      deadLetterWindowS: 900,
      telegramAllowedUserIds: undefined,
      escalationChatId: undefined,
      escalationAfterS: 900,
      deadLetterRequeueCap: 100,
      bootGraceS: 90,
      lang: 'ko',
      timeZone: 'Asia/Seoul',
      port: 8791,
      host: '0.0.0.0',
      stuckAfterS: DEFAULTS.stuckAfterS,
      repeatS: DEFAULTS.repeatS,
      holdForS: 0,
      redisConfirmS: DEFAULTS.redisConfirmS,
      leaseS: DEFAULTS.leaseS,
      keyPrefix: 'fleet-alerting:',
      historyRetentionDays: 90,
      weeklyReport: false,
      weeklyReportCron: '0 9 * * 1',
      historyMaxEvents: 100_000,
      heartbeatStaleAfterS: 135,
      jobStuckAfterS: 1800,
      unlistedForgetAfterS: 3600,
      redisTlsCaFile: undefined,
      redisTlsCertFile: undefined,
      redisTlsKeyFile: undefined,
      logLevel: 'info',
    });
  });

  it.each<[string, Record<string, string>, string[], Record<string, unknown>]>([
    [
      'a token with a chat list',
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '-1001234567890, 42,@fleet_alerts' },
      [],
      {
        telegram: {
          token: TOKEN,
          chatIds: ['-1001234567890', '42', '@fleet_alerts'],
          apiUrl: null,
          pollTimeoutS: 30,
        },
      },
    ],
    [
      'a token from a file and a self-hosted Bot API',
      {
        TELEGRAM_BOT_TOKEN_FILE: tokenFile,
        TELEGRAM_CHAT_ID: '42',
        TELEGRAM_API_URL: 'http://bot-api:8081',
      },
      [],
      {
        telegram: {
          token: TOKEN,
          chatIds: ['42'],
          apiUrl: 'http://bot-api:8081',
          pollTimeoutS: 30,
        },
      },
    ],
    [
      'every number of ours',
      {
        ALERT_INTERVAL_S: '0.5',
        ALERT_DEADLETTER_THRESHOLD: '5',
        ALERT_BOOT_GRACE_S: '0',
        ALERT_STUCK_AFTER_S: '0',
        ALERT_REPEAT_S: '0',
        ALERT_HOLD_FOR_S: '120',
        ALERT_REDIS_CONFIRM_S: '30',
        ALERT_LEASE_S: '10',
        ALERTING_PORT: '0',
      },
      [],
      {
        intervalS: 0.5,
        deadLetterThreshold: 5,
        bootGraceS: 0,
        stuckAfterS: 0,
        repeatS: 0,
        holdForS: 120,
        redisConfirmS: 30,
        leaseS: 10,
        port: 0,
      },
    ],
    ['English', { ALERT_LANG: 'en' }, [], { lang: 'en' }],
    [
      'who may act on dead letters, and the requeue cap',
      { TELEGRAM_ALLOWED_USER_IDS: '4242, 17', ALERT_DEADLETTER_REQUEUE_CAP: '25' },
      [],
      { telegramAllowedUserIds: [4242, 17], deadLetterRequeueCap: 25 },
    ],
    [
      'a fleet file',
      { FLEET_CONFIG: fleetFile },
      [],
      { fleet: { workers: [expect.objectContaining({ name: 'solo' })] } },
    ],
    [
      'rediss:// with a password',
      { REDIS_URL: 'rediss://:secret@redis:6380' },
      [],
      { redisUrl: 'rediss://:secret@redis:6380' },
    ],
    [
      'a flag beats its variable',
      { ALERT_INTERVAL_S: '30' },
      ['--interval-s', '5'],
      { intervalS: 5 },
    ],
    [
      'a key prefix and log level',
      { ALERT_KEY_PREFIX: 'team-a:alerts:', LOG_LEVEL: 'debug' },
      [],
      { keyPrefix: 'team-a:alerts:', logLevel: 'debug' },
    ],
  ])('reads %s', (_name, env, argv, expected) => {
    expect(withEnv(env, argv)).toMatchObject(expected);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ ALERT_INTERVAL_S: 'soon' }, /ALERT_INTERVAL_S.*expected a number of seconds/],
    [{ ALERT_INTERVAL_S: '0' }, /ALERT_INTERVAL_S.*at least 0.1/],
    [{ ALERT_DEADLETTER_THRESHOLD: '0' }, /ALERT_DEADLETTER_THRESHOLD/],
    [{ ALERT_DEADLETTER_THRESHOLD: '1.5' }, /ALERT_DEADLETTER_THRESHOLD/],
    [{ ALERT_BOOT_GRACE_S: '-1' }, /ALERT_BOOT_GRACE_S/],
    [{ ALERT_REPEAT_S: '0.5' }, /ALERT_REPEAT_S.*or 0 to turn it off/],
    [{ ALERT_LANG: 'fr' }, /ALERT_LANG.*ko, en/],
    [{ ALERTING_PORT: '70000' }, /ALERTING_PORT/],
    [{ REDIS_URL: 'http://redis:6379' }, /REDIS_URL.*redis:\/\/ or rediss:\/\//],
    [{ TELEGRAM_API_URL: 'not a url' }, /TELEGRAM_API_URL/],
    [{ TELEGRAM_BOT_TOKEN: TOKEN }, /TELEGRAM_CHAT_ID is required with a bot token/],
    [{ TELEGRAM_CHAT_ID: '42' }, /no TELEGRAM_BOT_TOKEN/],
    [{ ALERT_ESCALATION_CHAT_ID: '42' }, /ALERT_ESCALATION_CHAT_ID is set but there is no/],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '42', ALERT_ESCALATION_CHAT_ID: '1,2' },
      /ALERT_ESCALATION_CHAT_ID.*one chat id/,
    ],
    [{ ALERT_ESCALATION_AFTER_S: '0' }, /ALERT_ESCALATION_AFTER_S.*at least 1/],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: 'my-group' },
      /TELEGRAM_CHAT_ID.*"my-group" is not a chat id/,
    ],
    [
      { TELEGRAM_BOT_TOKEN: 'not-a-token', TELEGRAM_CHAT_ID: '42' },
      /TELEGRAM_BOT_TOKEN does not look like a bot token/,
    ],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BOT_TOKEN_FILE: tokenFile, TELEGRAM_CHAT_ID: '42' },
      /not both/,
    ],
    [
      { TELEGRAM_BOT_TOKEN_FILE: join(dir, 'missing'), TELEGRAM_CHAT_ID: '42' },
      /TELEGRAM_BOT_TOKEN_FILE: cannot read/,
    ],
    [{ FLEET_CONFIG: join(dir, 'missing.yaml') }, /FLEET_CONFIG/],
    [{ ALERT_KEY_PREFIX: 'has space' }, /ALERT_KEY_PREFIX/],
    [
      { TELEGRAM_ALLOWED_USER_IDS: '@operator' },
      /TELEGRAM_ALLOWED_USER_IDS.*"@operator" is not a Telegram user id/,
    ],
    [{ ALERT_DEADLETTER_REQUEUE_CAP: '0' }, /ALERT_DEADLETTER_REQUEUE_CAP/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ TELEGRAM_POLL_TIMEOUT_S: '90' }, /TELEGRAM_POLL_TIMEOUT_S/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => withEnv(env)).toThrow(ConfigError);
    expect(() => withEnv(env)).toThrow(message);
  });

  it.each([
    ['not Redis', 'http://:redis-secret@redis:6379'],
    ['not a URL', ':redis-secret@redis'],
  ])('never echoes the password of a REDIS_URL that is %s', (_case, url) => {
    expect(() => withEnv({ REDIS_URL: url })).toThrow(ConfigError);
    expect(() => withEnv({ REDIS_URL: url })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('redis-secret') }),
    );
  });

  it('never echoes a bad token', () => {
    const secretish = '123:short';
    expect(() => withEnv({ TELEGRAM_BOT_TOKEN: secretish, TELEGRAM_CHAT_ID: '1' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretish) }),
    );
  });
});
