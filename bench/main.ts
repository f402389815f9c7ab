import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { TestRedisServer } from '@fleet/core/testing';
import { Command, InvalidArgumentError, Option } from 'commander';
import { fillKeyspace, type Scenario } from './keyspace.js';
import { quantile } from './stats.js';
import { SUBJECTS } from './subjects.js';
import { markdownTable } from './table.js';

function counts(value: string): number[] {
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('expected whole numbers separated by commas.');
  }
  return list;
}

const options = new Command('npm run bench --')
  .description(
    'Times a collection against a private redis-server for several fleet and keyspace sizes.',
  )
  .addOption(new Option('--quick', 'fewer and smaller scenarios, fewer runs'))
  .addOption(
    new Option('--workers <list>', 'fleet sizes').default([6, 100, 1000]).argParser(counts),
  )
  .addOption(
    new Option('--keys <list>', 'unrelated keys in Redis')
      .default([10_000, 100_000, 1_000_000])
      .argParser(counts),
  )
  .addOption(
    new Option('--runs <n>', 'runs per measurement (at most)').default(50).argParser(Number),
  )
  .parse()
  .opts<{ quick?: boolean; workers: number[]; keys: number[]; runs: number }>();

const quick = options.quick === true;
const workerCounts = quick ? [6, 100] : options.workers;
const keyCounts = quick ? [10_000, 100_000] : options.keys;
const scenarios: Scenario[] = keyCounts.flatMap((unrelatedKeys) =>
  workerCounts.map((workers) => ({ workers, unrelatedKeys })),
);

const server = await TestRedisServer.start({ args: ['--enable-debug-command', 'yes'] });
const redis = server.client();
const rows: string[][] = [];
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
try {
  for (const scenario of scenarios) {
    const fleet = await fillKeyspace(redis, scenario);
    const keys = await redis.dbsize();
    for (const subject of SUBJECTS) {
      const result = await subject.measure({
        redis,
        fleet,
        maxRuns: quick ? 10 : options.runs,
        budgetMs: quick ? 2000 : 8000,
      });
      const row = [
        `${scenario.workers} workers`,
        `${keys.toLocaleString('en')} keys`,
        subject.name,
        String(result.samplesMs.length),
        ms(quantile(result.samplesMs, 0.5)),
        ms(quantile(result.samplesMs, 0.99)),
        result.roundTrips.toFixed(0),
        result.commands.toFixed(0),
        result.redisUs.toFixed(0),
      ];
      rows.push(row);
      console.error(row.join('  '));
    }
  }
} finally {
  redis.disconnect();
  await server.stop();
}

console.log(
  `\n${markdownTable(
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
    rows,
    3,
  )}\n`,
);
const redisVersion = /v=(\S+)/.exec(
  execFileSync('redis-server', ['--version'], { encoding: 'utf8' }),
);
console.log(`redis-server ${redisVersion?.[1]}, Node ${process.version}, ${cpus().length} CPUs`);
