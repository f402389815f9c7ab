import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import {
  type ExporterProcess,
  markdownTable,
  startFleetExporterProcess,
  startRedisExporterProcess,
  TestRedisServer,
} from '@fleet/testing';
import { Command, InvalidArgumentError, Option } from 'commander';
import { fillKeyspace, type Scenario } from './keyspace.js';
import { runLoad } from './load.js';
import { panelFrameTables } from './panel-frames.js';
import {
  FLEET_EXPORTER_NAME,
  fleetExporterServing,
  REDIS_EXPORTER_NAME,
  SCRAPE_SUBJECTS,
} from './scrape-subjects.js';
import { quantile } from './stats.js';
import { bareScan, type Measurement, SUBJECTS } from './subjects.js';

function counts(value: string): number[] {
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('expected whole numbers separated by commas.');
  }
  return list;
}

function count(value: string): number {
  const [n] = counts(value);
  if (n === undefined || value.includes(','))
    throw new InvalidArgumentError('expected one whole number.');
  return n;
}

const options = new Command('npm run bench --')
  .description(
    'Times a collection, then this exporter beside redis_exporter, then both under load, ' +
      'against a private redis-server for several fleet and keyspace sizes; then the panel in Chromium.',
  )
  .addOption(new Option('--quick', 'fewer and smaller scenarios, fewer runs, shorter load'))
  .addOption(
    new Option('--workers <list>', 'fleet sizes').default([6, 100, 1000]).argParser(counts),
  )
  .addOption(
    new Option('--keys <list>', 'unrelated keys in Redis')
      .default([10_000, 100_000, 1_000_000])
      .argParser(counts),
  )
  .addOption(
    new Option('--runs <n>', 'runs per collection measurement (at most)')
      .default(50)
      .argParser(count),
  )
  .addOption(
    new Option('--scrapes <n>', 'scrapes per exporter and scenario').default(30).argParser(count),
  )
  .addOption(
    new Option('--load-workers <n>', 'fleet size of the load test').default(6).argParser(count),
  )
  .addOption(
    new Option('--load-keys <n>', 'unrelated keys of the load test')
      .default(1_000_000)
      .argParser(count),
  )
  .addOption(
    new Option('--clients <list>', 'concurrent clients of the load test')
      .default([1, 10, 100])
      .argParser(counts),
  )
  .addOption(
    new Option('--load-seconds <n>', 'duration of each load step').default(10).argParser(count),
  )
  .addOption(new Option('--panel-only', 'only the panel in Chromium (no Redis tables)'))
  .addOption(
    new Option('--panel-seconds <n>', 'length of each panel sampling window')
      .default(10)
      .argParser(count),
  )
  .parse()
  .opts<{
    quick?: boolean;
    workers: number[];
    keys: number[];
    runs: number;
    scrapes: number;
    loadWorkers: number;
    loadKeys: number;
    clients: number[];
    loadSeconds: number;
    panelOnly?: boolean;
    panelSeconds: number;
  }>();

const quick = options.quick === true;
const workerCounts = quick ? [6, 100] : options.workers;
const keyCounts = quick ? [10_000, 100_000] : options.keys;
const scrapes = quick ? 10 : options.scrapes;
const panelOnly = options.panelOnly === true;
const panelSeconds = quick ? 3 : options.panelSeconds;
const load = {
  workers: options.loadWorkers,
  keys: quick ? 100_000 : options.loadKeys,
  seconds: quick ? 3 : options.loadSeconds,
  clients: options.clients,
};
/** Prometheus-rate scrapes during the load test: every second, faster than any real setup. */
const SCRAPE_EVERY_MS = 1000;

const scenarios: Scenario[] = keyCounts.flatMap((unrelatedKeys) =>
  workerCounts.map((workers) => ({ workers, unrelatedKeys })),
);

const ms = (value: number) =>
  Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(0);
const whole = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(0);
const oneDecimal = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(1);
const ratio = (other: number | undefined, ours: number | undefined) => {
  if (other === undefined || ours === undefined || !(ours > 0)) return '–';
  const times = other / ours;
  return `×${times >= 10 ? times.toFixed(0) : times.toFixed(1)}`;
};
/** autocannon's latencies are whole milliseconds. */
const wholeMs = (value: number) => (value < 1 ? '<1' : value.toFixed(0));
const load1 = () => loadavg()[0]?.toFixed(1) ?? '–';
const progress = (cells: readonly string[]) => console.error(cells.join('  '));

/** Tables 1–3: collection, scrape side by side and load, on a private redis-server. */
async function redisTables(): Promise<void> {
  const collectionRows: string[][] = [];
  const scrapeRows: string[][] = [];
  const loadRows: string[][] = [];
  const targets: string[] = [];

  const server = await TestRedisServer.start({ args: ['--enable-debug-command', 'yes'] });
  const redis = server.client();
  try {
    for (const scenario of scenarios) {
      const fleet = await fillKeyspace(redis, scenario);
      const keys = await redis.dbsize();
      const label = [`${scenario.workers} workers`, `${keys.toLocaleString('en')} keys`];
      const context = { redis, redisUrl: server.url, fleet };

      const collection = new Map<string, Measurement>();
      for (const subject of SUBJECTS) {
        const result = await subject.measure({
          ...context,
          maxRuns: quick ? 10 : options.runs,
          budgetMs: quick ? 2000 : 8000,
        });
        collection.set(subject.name, result);
        const row = [
          ...label,
          subject.name,
          String(result.samplesMs.length),
          ms(quantile(result.samplesMs, 0.5)),
          ms(quantile(result.samplesMs, 0.99)),
          whole(result.roundTrips),
          whole(result.commands),
          whole(result.redisUs),
        ];
        collectionRows.push(row);
        progress(row);
      }

      const scraped = new Map<string, Measurement>();
      for (const subject of SCRAPE_SUBJECTS) {
        // A fixed number of scrapes; the budget only guards against a scrape that takes minutes.
        const result = await subject.measure({ ...context, maxRuns: scrapes, budgetMs: 180_000 });
        scraped.set(subject.name, result);
        const row = [
          ...label,
          subject.name,
          String(result.samplesMs.length),
          ms(quantile(result.samplesMs, 0.5)),
          ms(quantile(result.samplesMs, 0.99)),
          whole(result.roundTrips),
          whole(result.commands),
          whole(result.redisUs),
          oneDecimal(result.cpuMs),
          whole(result.peakRssMb),
          load1(),
        ];
        scrapeRows.push(row);
        progress(row);
      }
      const ours = scraped.get(FLEET_EXPORTER_NAME);
      const theirs = scraped.get(REDIS_EXPORTER_NAME);
      const floor = collection.get(bareScan.name);
      if (ours && theirs) {
        scrapeRows.push([
          ...label,
          `ratio ${REDIS_EXPORTER_NAME} ÷ ${FLEET_EXPORTER_NAME}`,
          '',
          ratio(quantile(theirs.samplesMs, 0.5), quantile(ours.samplesMs, 0.5)),
          ratio(quantile(theirs.samplesMs, 0.99), quantile(ours.samplesMs, 0.99)),
          '',
          ratio(theirs.commands, ours.commands),
          ratio(theirs.redisUs, ours.redisUs),
          ratio(theirs.cpuMs, ours.cpuMs),
          ratio(theirs.peakRssMb, ours.peakRssMb),
          '',
        ]);
      }
      if (floor) {
        scrapeRows.push([
          ...label,
          'floor: one bare SCAN pass',
          String(floor.samplesMs.length),
          ms(quantile(floor.samplesMs, 0.5)),
          ms(quantile(floor.samplesMs, 0.99)),
          whole(floor.roundTrips),
          whole(floor.commands),
          whole(floor.redisUs),
          '–',
          '–',
          '',
        ]);
      }

      // The targets of the issue, checked on every scenario.
      const withScan = collection.get(SUBJECTS[0]?.name ?? '');
      if (withScan && floor) {
        const ok = withScan.roundTrips <= floor.roundTrips + 1;
        targets.push(
          `${ok ? 'MET ' : 'MISSED'}  ${label.join(', ')}: a collection with its SCAN pass = ${whole(withScan.roundTrips)} round trips; one bare SCAN pass = ${whole(floor.roundTrips)} (target: at most one more)`,
        );
      }
      if (ours && scenario.unrelatedKeys >= 1_000_000) {
        const median = quantile(ours.samplesMs, 0.5);
        targets.push(
          `${median < 10 ? 'MET ' : 'MISSED'}  ${label.join(', ')}: scrape median ${ms(median)} ms (target: < 10 ms with 1M keys)`,
        );
      }
    }

    // Load: many clients on the status document plus Prometheus scrapes, then redis_exporter.
    const fleet = await fillKeyspace(redis, { workers: load.workers, unrelatedKeys: load.keys });
    const keys = (await redis.dbsize()).toLocaleString('en');
    const targetsUnderLoad: {
      name: string;
      path: string;
      scrapeEveryMs: number;
      start: () => Promise<ExporterProcess>;
    }[] = [
      {
        name: `${FLEET_EXPORTER_NAME} (defaults)`,
        path: '/api/agent-office/nodes',
        scrapeEveryMs: SCRAPE_EVERY_MS,
        start: async () => {
          const exporter = await startFleetExporterProcess({ redisUrl: server.url, fleet });
          await fleetExporterServing(exporter, fleet);
          return exporter;
        },
      },
      {
        name: REDIS_EXPORTER_NAME,
        path: '/metrics',
        scrapeEveryMs: 0,
        start: () => startRedisExporterProcess({ redisUrl: server.url, fleet }),
      },
    ];
    for (const target of targetsUnderLoad) {
      const exporter = await target.start();
      try {
        for (const clients of load.clients) {
          const result = await runLoad({
            redis,
            exporter,
            path: target.path,
            clients,
            durationS: load.seconds,
            scrapeEveryMs: target.scrapeEveryMs,
          });
          const row = [
            target.name,
            target.path,
            String(clients),
            whole(result.requests),
            whole(result.requestsPerS),
            result.requests > 0 ? wholeMs(result.medianMs) : '–',
            result.requests > 0 ? wholeMs(result.p99Ms) : '–',
            String(result.failures),
            target.scrapeEveryMs > 0 ? `${result.scrapes} (${ms(result.scrapeMedianMs)} ms)` : '–',
            whole(result.redisCommandsPerS - result.redisScansPerS),
            whole(result.redisScansPerS),
            oneDecimal(result.redisCpuPercent),
            whole(result.exporterCpuPercent),
            whole(result.exporterRssMb),
            load1(),
          ];
          loadRows.push(row);
          progress(row);
        }
      } finally {
        await exporter.stop();
      }
    }

    console.log('\n## Collection (in process)\n');
    console.log(
      markdownTable(
        [
          'fleet',
          'keyspace',
          'what',
          'runs',
          'median ms',
          'p99 ms',
          'round trips',
          'commands',
          'Redis µs',
        ],
        collectionRows,
        3,
      ),
    );
    console.log('\n## Scrape: this exporter beside redis_exporter (separate processes)\n');
    console.log(
      markdownTable(
        [
          'fleet',
          'keyspace',
          'exporter',
          'scrapes',
          'median ms',
          'p99 ms',
          'round trips',
          'Redis cmds/scrape',
          'Redis µs/scrape',
          'CPU ms/scrape',
          'peak RSS MiB',
          'load avg',
        ],
        scrapeRows,
        3,
      ),
    );
    console.log(
      `\n## Load: ${load.workers} workers, ${keys} keys, ${load.seconds} s per step` +
        ` (/metrics also scraped every ${SCRAPE_EVERY_MS} ms beside the clients of the status document)\n`,
    );
    console.log(
      markdownTable(
        [
          'exporter',
          'endpoint',
          'clients',
          'requests',
          'req/s',
          'median ms',
          'p99 ms',
          'failed',
          '/metrics scrapes (median)',
          'Redis cmds/s besides SCAN',
          'SCAN/s',
          'Redis CPU %',
          'exporter CPU %',
          'RSS MiB',
          'load avg',
        ],
        loadRows,
        2,
      ),
    );
    console.log(`\n## Targets\n\n${targets.map((line) => `    ${line}`).join('\n')}\n`);
  } finally {
    redis.disconnect();
    await server.stop();
  }

  const redisVersion = /v=(\S+)/.exec(
    execFileSync('redis-server', ['--version'], { encoding: 'utf8' }),
  );
  // It prints its version in a log line on stderr.
  const versionRun = spawnSync('prometheus-redis-exporter', ['-version'], { encoding: 'utf8' });
  const redisExporterVersion = /Exporter (\S+)/.exec(`${versionRun.stdout}${versionRun.stderr}`);
  console.log(
    `redis-server ${redisVersion?.[1]}, redis_exporter ${redisExporterVersion?.[1] ?? '?'}, ` +
      `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
  );
}

if (!panelOnly) await redisTables();
console.log(await panelFrameTables({ seconds: panelSeconds }, progress));
