import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { FleetSimulator } from '@fleet/simulator';
import {
  CHAT,
  FakeTelegramServer,
  markdownTable,
  rssMb,
  serviceMain,
  startFleetExporterProcess,
  TEST_TOKEN,
  TestRedisServer,
} from '@fleet/testing';
import { Command, InvalidArgumentError, Option } from 'commander';
import { downAtEnd, eventsOfMessages, ledgerProblems } from './src/alert-ledger.js';
import { EndpointPoller } from './src/endpoint-poller.js';
import { TelegramOutageProxy } from './src/telegram-outage-proxy.js';

function positive(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError('expected a positive number.');
  return number;
}

function notNegative(value: string): number {
  const number = Number(value);
  if (!(number >= 0)) throw new InvalidArgumentError('expected 0 or a positive number.');
  return number;
}

const options = new Command('npm run soak --')
  .description(
    'Runs the exporter and alerting (as processes) for a while under constant polling, with the ' +
      'simulator flapping a worker every few seconds, and reports their memory before and after.',
  )
  .addOption(new Option('--minutes <n>', 'how long').default(10).argParser(positive))
  .addOption(
    new Option('--clients <n>', 'clients polling the status document')
      .default(10)
      .argParser(positive),
  )
  .addOption(
    new Option(
      '--telegram-outage-minutes <n>',
      'how long Telegram answers every sendMessage with 429 and 500 in turn, from 40 % of the run; 0 for never',
    )
      .default(undefined, 'a fifth of --minutes')
      .argParser(notNegative),
  )
  .parse()
  .opts<{ minutes: number; clients: number; telegramOutageMinutes?: number }>();

const ALERTING_MAIN = serviceMain('@fleet/alerting');
const FLAPPING_WORKER = 'video-render';
/**
 * Memory is judged from this point on, once start-up, JIT and V8 sizing its heap for the steady
 * load are behind it: a quarter of the run, at least 2 minutes (or half a short run), at most 15.
 * (In a 60-minute run the alerting service's RSS climbed for about 18 minutes, 74 → 84 MiB, then
 * stayed at 78–85 MiB.)
 */
const RUN_MS = options.minutes * 60_000;
const WARM_UP_MS = Math.min(15 * 60_000, Math.max(RUN_MS / 4, Math.min(2 * 60_000, RUN_MS / 2)));
const SAMPLE_EVERY_MS = 30_000;
const OUTAGE_MINUTES = options.telegramOutageMinutes ?? options.minutes / 5;
const OUTAGE_FROM_MINUTE = options.minutes * 0.4;
if (OUTAGE_FROM_MINUTE + OUTAGE_MINUTES > options.minutes * 0.8) {
  // Alerts held back by the outage need the rest of the run to be delivered and counted.
  console.error(
    `error: --telegram-outage-minutes must end by 80 % of the run (at most ${(options.minutes * 0.4).toFixed(1)}).`,
  );
  process.exit(2);
}
const HANG_AFTER_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The alerting CLI, checking every second, talking to the fake Telegram. */
function startAlertingProcess(redisUrl: string, telegramUrl: string): ChildProcess {
  return spawn(process.execPath, [ALERTING_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redisUrl,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_API_URL: telegramUrl,
      ALERT_INTERVAL_S: '1',
      ALERT_BOOT_GRACE_S: '5',
      ALERTING_PORT: '0',
      ALERTING_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * What to stop, newest first. Run on every way out (the end, an error, Ctrl-C), so a failed soak
 * leaves no exporter, alerting or redis-server behind.
 */
const stops: (() => Promise<unknown> | unknown)[] = [];
let stopping: Promise<void> | undefined;
const stopEverything = () => {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`while stopping: ${(error as Error).message}`);
      }
    }
  })();
  return stopping;
};
const exitAfterStopping = (code: number) => () => {
  void stopEverything().then(() => process.exit(code));
};
// `on`, not `once`: Ctrl-C (or pkill) reaches npm, tsx and this process, so a second signal can
// arrive while stopping, and the default action would kill this process before its children.
process.on('SIGINT', exitAfterStopping(130));
process.on('SIGTERM', exitAfterStopping(143));
process.once('uncaughtException', (error) => {
  console.error(error.stack ?? error.message);
  exitAfterStopping(1)();
});
process.once('unhandledRejection', (reason) => {
  console.error(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  exitAfterStopping(1)();
});

const redis = await TestRedisServer.start();
stops.push(() => redis.stop());
const client = redis.client();
stops.push(() => client.disconnect());
const telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT] });
stops.push(() => telegram.stop());
const telegramProxy = await TelegramOutageProxy.start({ upstream: telegram.url });
stops.push(() => telegramProxy.stop());
const simulator = new FleetSimulator({
  redis: client,
  beatIntervalMs: 1000,
  ttlS: 3,
  jobMs: 300,
  pollMs: 200,
});
simulator.start();
stops.push(() => simulator.close({ cleanup: true }));
simulator.setTrickle(500);
const exporter = await startFleetExporterProcess({ redisUrl: redis.url });
stops.push(() => exporter.stop());
const alerting = startAlertingProcess(redis.url, telegramProxy.url);
let alertingExit: string | null = null;
const alertingExited = new Promise<void>((resolve) =>
  alerting.once('exit', (code, signal) => {
    alertingExit = `exit ${code ?? signal}`;
    resolve();
  }),
);
stops.push(async () => {
  if (alertingExit !== null) return;
  alerting.kill('SIGTERM');
  await alertingExited;
});

const poller = new EndpointPoller({
  url: exporter.url,
  paths: ['/api/agent-office/nodes'],
  clientsPerPath: options.clients,
  pauseMs: 100,
  hangAfterMs: HANG_AFTER_MS,
}).start();
const scraper = new EndpointPoller({
  url: exporter.url,
  paths: ['/metrics'],
  pauseMs: 1000,
  hangAfterMs: HANG_AFTER_MS,
}).start();

// The flapping worker: crashes, stays down until its key has expired and a little longer, comes
// back, beats for a few seconds, and again.
let flapping = true;
let flaps = 0;
const flapper = (async () => {
  while (flapping) {
    await simulator.crash(FLAPPING_WORKER);
    await simulator.waitUntilExpired(FLAPPING_WORKER);
    await sleep(2000);
    await simulator.restart(FLAPPING_WORKER);
    flaps += 1;
    await sleep(4000);
  }
})();

interface Sample {
  minute: number;
  warmingUp: boolean;
  exporterMb: number;
  alertingMb: number;
  requests: number;
  problems: number;
  load: number;
}
const samples: Sample[] = [];
const sample = () => {
  const sampleAt: Sample = {
    minute: (performance.now() - started) / 60_000,
    warmingUp: performance.now() - started < WARM_UP_MS,
    exporterMb: rssMb(exporter.pid),
    alertingMb: rssMb(alerting.pid as number),
    requests: poller.summary().requests + scraper.summary().requests,
    problems: poller.summary().problemCount + scraper.summary().problemCount,
    load: loadavg()[0] ?? 0,
  };
  samples.push(sampleAt);
  console.error(
    `${sampleAt.minute.toFixed(1)} min: exporter ${sampleAt.exporterMb.toFixed(1)} MiB, alerting ${sampleAt.alertingMb.toFixed(1)} MiB, ${sampleAt.requests} requests, ${sampleAt.problems} problems, ${flaps} flaps, ${telegram.sent.length} messages, load ${sampleAt.load.toFixed(1)}`,
  );
};

const started = performance.now();
const endAt = started + options.minutes * 60_000;
if (OUTAGE_MINUTES > 0) {
  const outageStart = setTimeout(() => {
    telegramProxy.setOutage(true);
    console.error('Telegram now answers every sendMessage with 429 or 500');
  }, OUTAGE_FROM_MINUTE * 60_000);
  const outageEnd = setTimeout(
    () => {
      telegramProxy.setOutage(false);
      console.error('Telegram answers again');
    },
    (OUTAGE_FROM_MINUTE + OUTAGE_MINUTES) * 60_000,
  );
  stops.push(() => {
    clearTimeout(outageStart);
    clearTimeout(outageEnd);
  });
}
while (
  endAt - performance.now() > 1000 &&
  exporter.exitStatus() === null &&
  alertingExit === null
) {
  await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, endAt - performance.now())));
  sample();
}

flapping = false;
await flapper;
// Every flap ends with the worker back: let alerting announce the last recovery.
await sleep(5000);
const nodes = await poller.stop();
const metrics = await scraper.stop();
const exporterExit = exporter.exitStatus();
const finalAlertingExit = alertingExit;
const sentTexts = telegram.sent.map((message) => message.text);
await stopEverything();

const judged = samples.filter((s) => !s.warmingUp);
if (judged.length === 0) {
  console.log('FAIL: the run ended before its warm-up did; nothing to judge memory by');
  process.exit(1);
}
const first = judged[0] as Sample;
const last = judged.at(-1) as Sample;
/** Least-squares slope of the judged samples, in MiB per hour. */
const slope = (value: (s: Sample) => number) => {
  const n = judged.length;
  const meanX = judged.reduce((sum, s) => sum + s.minute, 0) / n;
  const meanY = judged.reduce((sum, s) => sum + value(s), 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of judged) {
    covariance += (s.minute - meanX) * (value(s) - meanY);
    variance += (s.minute - meanX) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
};
const trend = (value: (s: Sample) => number) => `${slope(value).toFixed(1)} MiB/h`;
const events = eventsOfMessages(sentTexts);
const workerDowns = events.filter(
  (event) => event.subject === `worker:${FLAPPING_WORKER}` && event.kind === 'down',
).length;
const growth = (from: number, to: number) => `${(((to - from) / from) * 100).toFixed(1)} %`;

console.log(`\n## Soak: ${options.minutes} min\n`);
console.log(
  markdownTable(
    ['minute', 'exporter RSS MiB', 'alerting RSS MiB', 'requests so far', 'problems', 'load avg'],
    samples.map((s) => [
      `${s.minute.toFixed(1)}${s.warmingUp ? ' (warm-up)' : ''}`,
      s.exporterMb.toFixed(1),
      s.alertingMb.toFixed(1),
      String(s.requests),
      String(s.problems),
      s.load.toFixed(1),
    ]),
    0,
  ),
);
const summaryRows = [
  [
    `exporter RSS (minute ${first.minute.toFixed(1)} → end, trend, peak)`,
    `${first.exporterMb.toFixed(1)} → ${last.exporterMb.toFixed(1)} MiB (${growth(first.exporterMb, last.exporterMb)}), ${trend((s) => s.exporterMb)}, peak ${Math.max(...judged.map((s) => s.exporterMb)).toFixed(1)}`,
  ],
  [
    `alerting RSS (minute ${first.minute.toFixed(1)} → end, trend, peak)`,
    `${first.alertingMb.toFixed(1)} → ${last.alertingMb.toFixed(1)} MiB (${growth(first.alertingMb, last.alertingMb)}), ${trend((s) => s.alertingMb)}, peak ${Math.max(...judged.map((s) => s.alertingMb)).toFixed(1)}`,
  ],
  [
    'status document requests',
    `${nodes.requests}, ${nodes.problemCount} bad, ${nodes.hangs} hung, slowest ${nodes.maxMs.toFixed(0)} ms`,
  ],
  [
    '/metrics scrapes',
    `${metrics.requests}, ${metrics.problemCount} bad, ${metrics.hangs} hung, slowest ${metrics.maxMs.toFixed(0)} ms`,
  ],
  [
    'processes',
    `exporter ${exporterExit ?? 'running'}, alerting ${finalAlertingExit ?? 'running'}`,
  ],
  [
    'Telegram outage',
    OUTAGE_MINUTES === 0
      ? 'none'
      : `minute ${OUTAGE_FROM_MINUTE.toFixed(1)} to ${(OUTAGE_FROM_MINUTE + OUTAGE_MINUTES).toFixed(1)}: ${telegramProxy.refused[429]} sendMessage answered 429, ${telegramProxy.refused[500]} answered 500`,
  ],
  [
    `flaps of ${FLAPPING_WORKER}`,
    `${flaps} flaps; ${workerDowns} down alerts, ${events.length} alerts in ${telegram.sent.length} messages`,
  ],
  [
    'alert ledger',
    [...ledgerProblems(events), ...downAtEnd(events).map((s) => `${s} left down`)].join('; ') ||
      'every down followed by one recovery, nothing doubled',
  ],
];
console.log(`\n${markdownTable(['', ''], summaryRows, 2)}\n`);

// Flat: the last sample within 10 % (or 10 MiB) of the first after warm-up. A leak of a kilobyte
// per request would add tens of MiB over the run.
const flat = (from: number, to: number) => to <= Math.max(from * 1.1, from + 10);
const failures = [
  ...(nodes.problemCount + metrics.problemCount > 0 ? ['bad or hung answers'] : []),
  ...(exporterExit || finalAlertingExit ? ['a process exited'] : []),
  ...(OUTAGE_MINUTES > 0 && telegramProxy.refused[429] + telegramProxy.refused[500] === 0
    ? ['the Telegram outage refused nothing']
    : []),
  ...(ledgerProblems(events).length > 0 || downAtEnd(events).length > 0 ? ['alert ledger'] : []),
  ...(!flat(first.exporterMb, last.exporterMb) ? ['exporter memory grew'] : []),
  ...(!flat(first.alertingMb, last.alertingMb) ? ['alerting memory grew'] : []),
];
console.log(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join(', ')}`);
process.exit(failures.length === 0 ? 0 : 1);
