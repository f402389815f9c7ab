import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Collector,
  type CollectorOptions,
  createLogger,
  createRedisClient,
  DEFAULT_FLEET,
  type Logger,
  redactUrl,
} from '@fleet/core';
import { alertingKeys } from '@fleet/core/contracts';
import type { Redis } from 'ioredis';
import { Api } from 'node-telegram-bot-api';
import { AlertButtonBot } from './alert-button-bot.js';
import { AlertChecker } from './alert-checker.js';
import { AlertStore, outboxMessage } from './alert-store.js';
import { AlertingMetrics } from './alerting-metrics.js';
import { CheckLoop } from './check-loop.js';
import { CommandPoller } from './command-poller.js';
import { type AlertingConfig, DEFAULTS } from './config.js';
import { DeadLetterBot } from './dead-letters/dead-letter-bot.js';
import { DeadLetterStore } from './dead-letters/dead-letter-store.js';
import { HistoryBot } from './history/history-bot.js';
import { HistoryStream } from './history/history-stream.js';
import { WeeklyDigest } from './history/weekly-digest.js';
import { closeServer, serverPort, startHttpServer } from './http-server.js';
import { LeaderLease } from './leader-lease.js';
import { MaintenanceBot } from './maintenance-bot.js';
import { MaintenanceStore } from './maintenance-store.js';
import type { RenderedMessage } from './messages.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { PushPinger } from './push-pinger.js';
import { createScrubber, describeError } from './scrub.js';
import { SilenceBot } from './silence-bot.js';
import { TelegramAuthWatch } from './telegram-auth-watch.js';
import { LogOnlySender, type MessageSender, TelegramSender } from './telegram-sender.js';

/**
 * Options of `startAlerting`: the settings of `SETTINGS` in config.ts (each documented there with
 * its variable and default), and what a test or embedding program injects.
 */
export interface AlertingOptions extends Partial<AlertingConfig> {
  /** @defaultValue a JSON logger on stdout */
  logger?: Logger;
  /** The clock. @defaultValue `Date.now` */
  now?: () => number;
  /** This replica's id in leases and claims. @defaultValue host, pid and a random suffix */
  replicaId?: string;
  /** Timings of the status document it reads, shortened by tests. @defaultValue the Collector's */
  collector?: Pick<CollectorOptions, 'heartbeatStaleAfterS' | 'evictingHoldS'>;
}

export interface AlertingService {
  /** The port /healthz and /metrics listen on. */
  readonly port: number;
  readonly metrics: AlertingMetrics;
  /** True while this replica holds the lease (runs checks and answers commands). */
  readonly isActing: boolean;
  /** Stops everything and hands the lease over; safe to call twice. */
  close(): Promise<void>;
}

/** How long start-up waits for Redis before carrying on (the outage is then reported). */
const CONNECT_WAIT_MS = 3000;

/** Starts the alerting service: checks, outbox, bot commands, and its HTTP server. */
export async function startAlerting(options: AlertingOptions = {}): Promise<AlertingService> {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const telegram = options.telegram ?? null;
  const fleet = options.fleet ?? DEFAULT_FLEET;
  const now = options.now ?? Date.now;
  const owner = options.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = options.logger ?? createLogger('alerting', settings.logLevel);
  const scrub = createScrubber([telegram?.token]);

  logger.info(
    {
      redis: redactUrl(settings.redisUrl),
      workers: fleet.workers.map((worker) => worker.name),
      telegram: telegram
        ? { chats: telegram.chatIds, api: telegram.apiUrl ? redactUrl(telegram.apiUrl) : 'default' }
        : null,
      intervalS: settings.intervalS,
      lang: settings.lang,
      replica: owner,
    },
    'alerting starting',
  );
  if (!telegram)
    logger.warn('no TELEGRAM_BOT_TOKEN: log-only mode, alerts are written to this log');

  const redis = createRedisClient({
    url: settings.redisUrl,
    logger,
    tls: {
      redisTlsCaFile: settings.redisTlsCaFile,
      redisTlsCertFile: settings.redisTlsCertFile,
      redisTlsKeyFile: settings.redisTlsKeyFile,
    },
  });
  await waitForReady(redis, CONNECT_WAIT_MS);

  const store = new AlertStore(redis, settings.keyPrefix);
  const deadLetters = new DeadLetterStore(redis, settings.keyPrefix, now);
  const history = new HistoryStream(
    redis,
    settings.keyPrefix,
    {
      retentionMs: settings.historyRetentionDays * 86_400_000,
      maxLength: settings.historyMaxEvents,
    },
    now,
  );
  const maintenance = new MaintenanceStore(redis, settings.keyPrefix);
  const metrics: AlertingMetrics = new AlertingMetrics(() => outbox.pendingCount());
  metrics.checkInterval.set(settings.intervalS);
  const api = telegram
    ? new Api(telegram.token, {
        ...(telegram.apiUrl ? { apiRoot: telegram.apiUrl } : {}),
        // The outbox decides about retries; the client must not sleep through a 429 itself.
        maxRetries: 0,
        timeoutMs: 15_000,
      })
    : null;
  const sender: MessageSender = api
    ? new TelegramSender({ api, scrub })
    : new LogOnlySender(logger);
  const auth = api
    ? new TelegramAuthWatch({ gauge: metrics.telegramAuthFailed, logger, now })
    : null;
  const outbox: OutboxDispatcher = new OutboxDispatcher({
    store,
    sender,
    owner,
    now,
    logger,
    metrics,
    ...(auth ? { auth } : {}),
  });
  // Log-only mode still runs the outbox (one pseudo-chat), so its behaviour is the same.
  const chatIds = telegram?.chatIds ?? ['log'];
  const escalation =
    telegram && settings.escalationChatId
      ? { chatId: settings.escalationChatId, afterMs: settings.escalationAfterS * 1000 }
      : null;

  const collector = new Collector({
    heartbeatStaleAfterS: settings.heartbeatStaleAfterS,
    stuckAfterS: settings.jobStuckAfterS,
    unlistedForgetAfterS: settings.unlistedForgetAfterS,
    maintenanceKey: alertingKeys.maintenance(settings.keyPrefix),
    ...options.collector,
    redis,
    fleet,
    now,
    logger,
  });
  // Only the replica holding the lease checks, so only it pushes: one signal for the whole service.
  const pusher = settings.pushUrl
    ? new PushPinger({ url: settings.pushUrl, logger, pushes: metrics.pushes })
    : null;
  const checker = new AlertChecker({
    source: collector,
    store,
    outbox,
    rules: {
      deadLetterThreshold: settings.deadLetterThreshold,
      deadLetterWindowMs: settings.deadLetterWindowS * 1000,
      bootGraceMs: settings.bootGraceS * 1000,
      stuckAfterMs: settings.stuckAfterS * 1000,
      repeatMs: settings.repeatS * 1000,
      holdForMs: settings.holdForS * 1000,
      redisConfirmMs: settings.redisConfirmS * 1000,
    },
    history,
    maintenance,
    lang: settings.lang,
    timeZone: settings.timeZone,
    chatIds,
    workers: fleet.workers,
    escalation,
    now,
    logger,
    metrics,
    ...(pusher ? { onSuccess: () => pusher.ping() } : {}),
  });

  // One allowlist for every write, whether a command or a button.
  const allowedUserIds = settings.telegramAllowedUserIds ?? null;
  const reply = async (chatId: string, text: RenderedMessage) => {
    const message = outboxMessage(chatId, text, now());
    try {
      await store.enqueue([message]);
      outbox.wake();
    } catch {
      outbox.hold([message]);
    }
  };
  let poller: CommandPoller | undefined;
  const historyBot = new HistoryBot({
    history,
    fleet,
    lang: settings.lang,
    timeZone: settings.timeZone,
    now,
  });
  const digest = settings.weeklyReport
    ? new WeeklyDigest({
        schedule: settings.weeklyReportCron,
        timeZone: settings.timeZone,
        store,
        bot: historyBot,
        chatIds,
        now,
        logger,
      })
    : null;
  const checkLoop = new CheckLoop({
    check: async () => {
      const outcome = await checker.check();
      // After the check, so that the digest counts what it just found; never fails the check.
      await digest?.tick().then(
        (queued) => queued && outbox.wake(),
        (error: unknown) =>
          logger.warn({ error: describeError(error, scrub) }, 'weekly report failed'),
      );
      return outcome;
    },
    isActing: () => lease.isActing,
    intervalMs: settings.intervalS * 1000,
    redisConfirmMs: settings.redisConfirmS * 1000,
    now,
    logger,
    metrics,
    scrub,
  });

  const lease = new LeaderLease({
    store,
    owner,
    ttlMs: settings.leaseS * 1000,
    logger,
    onChange: (acting) => {
      metrics.leader.set(acting ? 1 : 0);
      if (acting) {
        checkLoop.wake();
        if (api && telegram) {
          poller = new CommandPoller({
            api,
            store,
            // The escalation chat presses the buttons of what it is sent, too.
            chatIds: escalation ? [...telegram.chatIds, escalation.chatId] : telegram.chatIds,
            pollTimeoutS: telegram.pollTimeoutS,
            lang: settings.lang,
            timeZone: settings.timeZone,
            now,
            logger,
            metrics,
            scrub,
            snapshot: () => checker.snapshot(),
            ...(auth ? { auth } : {}),
            reply,
            alertButtons: new AlertButtonBot({
              api,
              store,
              audit: (entry) => deadLetters.audit(entry),
              workers: fleet.workers,
              allowedUserIds,
              lang: settings.lang,
              timeZone: settings.timeZone,
              now,
              logger,
              metrics,
              scrub,
              history,
              snapshot: () => checker.snapshot(),
            }),
            maintenance: new MaintenanceBot({
              store: maintenance,
              workers: fleet.workers,
              hosts: fleet.hosts.map((host) => host.name),
              schedules: fleet.maintenance,
              allowedUserIds,
              lang: settings.lang,
              timeZone: settings.timeZone,
              now,
              logger,
              wakeChecks: () => checkLoop.wake(),
            }),
            silences: new SilenceBot({
              store,
              workers: fleet.workers.map((worker) => worker.name),
              allowedUserIds,
              audit: (entry) => deadLetters.audit(entry),
              history,
              lang: settings.lang,
              now,
              logger,
            }),
            history: historyBot,
            deadLetters: new DeadLetterBot({
              api,
              store: deadLetters,
              workers: fleet.workers,
              allowedUserIds,
              requeueCap: settings.deadLetterRequeueCap,
              lang: settings.lang,
              logger,
              metrics,
              scrub,
            }),
          });
          poller.start();
        }
      } else {
        checker.forgetOwnState();
        void poller?.stop();
        poller = undefined;
      }
    },
  });

  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer({
      port: settings.port,
      host: settings.host,
      registry: metrics.registry,
      health: () => ({
        acting: lease.isActing,
        replica: owner,
        logOnly: !telegram,
        // "refused": Telegram answers 401/403, so no alert reaches the chat (see the metric).
        ...(auth ? { telegram: auth.isRefused ? 'refused' : 'ok' } : {}),
      }),
    });
  } catch (error) {
    // Port taken, say: nothing else has started yet but the Redis connection.
    await collector.close();
    redis.disconnect();
    throw error;
  }

  await lease.start();
  outbox.start();
  checkLoop.start();
  logger.info({ port: serverPort(server) }, 'alerting started');

  let closing: Promise<void> | undefined;
  return {
    port: serverPort(server),
    metrics,
    get isActing() {
      return lease.isActing;
    },
    close() {
      closing ??= (async () => {
        await checkLoop.close();
        await pusher?.close();
        await lease.stop();
        await poller?.stop();
        await outbox.close();
        await collector.close();
        await closeServer(server);
        await redis.quit().catch(() => redis.disconnect());
        logger.info('alerting stopped');
      })();
      return closing;
    },
  };
}

/** Resolves when the client is connected or after `ms`, whichever is first; never rejects. */
function waitForReady(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
