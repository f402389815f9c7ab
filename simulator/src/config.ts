import { integer, positiveNumber, redisUrlProblem } from '@fleet/core';
import { DEFAULT_FLEET, HEARTBEAT_INTERVAL_S, HEARTBEAT_TTL_S } from '@fleet/core/contracts';
import { Command, Option } from 'commander';
import { buildScenario, SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

export interface SimulatorConfig {
  redisUrl: string;
  /** Scenario to play; ignored in scale mode. */
  scenario: ScenarioName;
  /** Scale mode: this many render workers instead of the six of the default fleet. */
  workers: number | null;
  speed: number;
  beatIntervalMs: number;
  ttlS: number;
  victim: string;
  failing: string;
  /** On Ctrl-C: remove what the simulator wrote, or leave it to expire. */
  onExit: 'clean' | 'keep';
  logLevel: string;
}

const RENDER_WORKERS = DEFAULT_FLEET.workers.filter((w) => w.kind === 'render').map((w) => w.name);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function scenarioHelp(): string {
  const lines = SCENARIO_NAMES.map((name) => `  ${name.padEnd(14)} ${buildScenario(name).summary}`);
  return `\nScenarios:\n${lines.join('\n')}\n\nThe defaults follow the heartbeat contract exactly (beat every ${HEARTBEAT_INTERVAL_S} s, EX ${HEARTBEAT_TTL_S});\n--speed, --beat-interval and --ttl shorten a run for tests. Do not point it at a production Redis.`;
}

/** The `fleet-simulate` command line: flags, their environment twins, help. */
export function simulatorCommand(): Command {
  return new Command('fleet-simulate')
    .description(
      'Drives a simulated worker fleet through scenarios against Redis (SPEC §1 contract).',
    )
    .addOption(
      new Option('--redis-url <url>', 'Redis to write to')
        .env('REDIS_URL')
        .default('redis://127.0.0.1:6379'),
    )
    .addOption(
      new Option('-s, --scenario <name>', 'scenario to play')
        .env('SIM_SCENARIO')
        .choices(SCENARIO_NAMES)
        .default('tour'),
    )
    .addOption(
      new Option(
        '--workers <n>',
        'scale mode: N render workers beating with seeded queues (for benchmarks)',
      )
        .env('SIM_WORKERS')
        .argParser(integer(1)),
    )
    .addOption(
      new Option('--speed <factor>', 'divides phase lengths, producer intervals and job durations')
        .env('SIM_SPEED')
        .default(1)
        .argParser(positiveNumber()),
    )
    .addOption(
      new Option('--beat-interval <seconds>', 'seconds between heartbeats')
        .env('SIM_BEAT_INTERVAL_S')
        .default(HEARTBEAT_INTERVAL_S)
        .argParser(positiveNumber()),
    )
    .addOption(
      new Option('--ttl <seconds>', 'heartbeat expiry (SET ... EX), whole seconds')
        .env('SIM_TTL_S')
        .default(HEARTBEAT_TTL_S)
        .argParser(integer(1)),
    )
    .addOption(
      new Option('--victim <worker>', 'the worker that dies (worker-death, recovery, tour)')
        .env('SIM_VICTIM')
        .choices(RENDER_WORKERS)
        .default('video-render'),
    )
    .addOption(
      new Option('--failing <worker>', 'the worker whose jobs fail (dead-letters, recovery, tour)')
        .env('SIM_FAILING')
        .choices(RENDER_WORKERS)
        .default('image-render'),
    )
    .addOption(
      new Option(
        '--on-exit <action>',
        'on Ctrl-C: clean = remove what the simulator wrote; keep = let it expire',
      )
        .env('SIM_ON_EXIT')
        .choices(['clean', 'keep'])
        .default('clean'),
    )
    .addOption(
      new Option('--log-level <level>').env('LOG_LEVEL').choices(LOG_LEVELS).default('info'),
    )
    .addHelpText('after', scenarioHelp())
    .showHelpAfterError('(add --help for usage)');
}

/**
 * The simulator's settings from its flags and their environment twins (the only reader of
 * `process.env`). A bad value exits with commander's message naming the flag or variable
 * (or throws a `CommanderError` when `command` has `exitOverride()`, as in tests).
 */
export function parseSimulatorConfig(
  argv: string[] = process.argv,
  command: Command = simulatorCommand(),
): SimulatorConfig {
  const cli = command.parse(argv);
  const options = cli.opts<{
    redisUrl: string;
    scenario: ScenarioName;
    workers?: number;
    speed: number;
    beatInterval: number;
    ttl: number;
    victim: string;
    failing: string;
    onExit: 'clean' | 'keep';
    logLevel: string;
  }>();
  // Checked after parsing: commander would echo a bad value, and this one may hold a password.
  const redisProblem = redisUrlProblem(options.redisUrl);
  if (redisProblem !== null) cli.error(`error: ${redisProblem}`);
  if (options.beatInterval >= options.ttl) {
    cli.error(
      `error: --beat-interval (SIM_BEAT_INTERVAL_S) ${options.beatInterval} must be shorter than --ttl (SIM_TTL_S) ${options.ttl}, or keys expire between beats`,
    );
  }
  if (options.victim === options.failing) {
    cli.error(
      'error: --victim (SIM_VICTIM) and --failing (SIM_FAILING) must name different workers',
    );
  }
  if (options.workers !== undefined && cli.getOptionValueSource('scenario') !== 'default') {
    cli.error(
      'error: --workers (SIM_WORKERS) is a mode of its own; drop --scenario (SIM_SCENARIO)',
    );
  }
  return {
    redisUrl: options.redisUrl,
    scenario: options.scenario,
    workers: options.workers ?? null,
    speed: options.speed,
    beatIntervalMs: options.beatInterval * 1000,
    ttlS: options.ttl,
    victim: options.victim,
    failing: options.failing,
    onExit: options.onExit,
    logLevel: options.logLevel,
  };
}
