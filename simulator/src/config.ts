import {
  checkRedisTls,
  explicitSettings,
  integer,
  LOG_LEVELS,
  positiveNumber,
  REDIS_TLS_SETTINGS,
  redisUrlProblem,
  type SettingValues,
  setting,
  settingsCommand,
  settingValues,
} from '@fleet/core';
import { DEFAULT_FLEET, HEARTBEAT_INTERVAL_S, HEARTBEAT_TTL_S } from '@fleet/core/contracts';
import type { Command } from 'commander';
import { buildScenario, SCENARIO_NAMES } from './scenarios.js';

const RENDER_WORKERS = DEFAULT_FLEET.workers.filter((w) => w.kind === 'render').map((w) => w.name);

/** Every setting of the simulator: the one place each is declared. */
export const SETTINGS = {
  // Checked after parsing: commander would echo a bad value, and this one may hold a password.
  redisUrl: setting({
    flag: '--redis-url <url>',
    env: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    help: '`rediss://` and passwords work',
  }),
  ...REDIS_TLS_SETTINGS,
  scenario: setting({
    flag: '-s, --scenario <name>',
    env: 'SIM_SCENARIO',
    default: 'tour',
    choices: SCENARIO_NAMES,
    help: 'scenario to play (listed below)',
  }),
  workers: setting({
    flag: '--workers <n>',
    env: 'SIM_WORKERS',
    parse: integer(1),
    help: 'scale mode: `render-0001`… beating, queue figures seeded once and held still (for benchmarks)',
  }),
  speed: setting({
    flag: '--speed <factor>',
    env: 'SIM_SPEED',
    default: 1,
    parse: positiveNumber(),
    help: 'divides phase lengths, producer intervals, job durations',
  }),
  beatIntervalS: setting({
    flag: '--beat-interval <seconds>',
    env: 'SIM_BEAT_INTERVAL_S',
    default: HEARTBEAT_INTERVAL_S,
    parse: positiveNumber(),
    help: 'seconds between heartbeats: the contract value; shorten only for tests',
  }),
  ttlS: setting({
    flag: '--ttl <seconds>',
    env: 'SIM_TTL_S',
    default: HEARTBEAT_TTL_S,
    parse: integer(1),
    help: 'heartbeat expiry (SET … EX), whole seconds: the contract value; must exceed the interval',
  }),
  victim: setting({
    flag: '--victim <worker>',
    env: 'SIM_VICTIM',
    default: 'video-render',
    choices: RENDER_WORKERS,
    help: 'the worker that dies (worker-death, recovery, tour)',
  }),
  failing: setting({
    flag: '--failing <worker>',
    env: 'SIM_FAILING',
    default: 'image-render',
    choices: RENDER_WORKERS,
    help: 'the worker whose jobs fail (dead-letters, recovery, tour)',
  }),
  onExit: setting({
    flag: '--on-exit <action>',
    env: 'SIM_ON_EXIT',
    default: 'clean',
    choices: ['clean', 'keep'] as const,
    help: "on Ctrl-C: `clean` deletes its heartbeats, its own jobs (others' are left alone) and `queue:paused`; `keep` leaves them to expire like a crash",
  }),
  logLevel: setting({
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    default: 'info',
    choices: LOG_LEVELS,
    help: 'log level',
  }),
};

/** The simulator's settings, validated (workers: null = play the scenario). */
export type SimulatorConfig = Omit<SettingValues<typeof SETTINGS>, 'workers' | 'beatIntervalS'> & {
  /** Scale mode: this many render workers instead of the six of the default fleet. */
  workers: number | null;
  beatIntervalMs: number;
};

function scenarioHelp(): string {
  const lines = SCENARIO_NAMES.map((name) => `  ${name.padEnd(14)} ${buildScenario(name).summary}`);
  return `\nScenarios:\n${lines.join('\n')}\n\nThe defaults follow the heartbeat contract exactly (beat every ${HEARTBEAT_INTERVAL_S} s, EX ${HEARTBEAT_TTL_S});\n--speed, --beat-interval and --ttl shorten a run for tests. Do not point it at a production Redis.`;
}

/** The `fleet-simulate` command line: flags, their environment twins, help. */
export function simulatorCommand(): Command {
  return settingsCommand(
    'fleet-simulate',
    'Drives a simulated worker fleet through scenarios against Redis (docs/spec.md §1 contract).',
    SETTINGS,
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
  const options = settingValues(cli, SETTINGS);
  const redisProblem = redisUrlProblem(options.redisUrl);
  if (redisProblem !== null) cli.error(`error: ${redisProblem}`);
  try {
    checkRedisTls(options.redisUrl, options);
  } catch (error) {
    cli.error(`error: ${(error as Error).message}`);
  }
  if (options.beatIntervalS >= options.ttlS) {
    cli.error(
      `error: --beat-interval (SIM_BEAT_INTERVAL_S) ${options.beatIntervalS} must be shorter than --ttl (SIM_TTL_S) ${options.ttlS}, or keys expire between beats`,
    );
  }
  if (options.victim === options.failing) {
    cli.error(
      'error: --victim (SIM_VICTIM) and --failing (SIM_FAILING) must name different workers',
    );
  }
  if (options.workers !== undefined && explicitSettings(cli, SETTINGS).has('scenario')) {
    cli.error(
      'error: --workers (SIM_WORKERS) is a mode of its own; drop --scenario (SIM_SCENARIO)',
    );
  }
  return {
    redisUrl: options.redisUrl,
    redisTlsCaFile: options.redisTlsCaFile,
    redisTlsCertFile: options.redisTlsCertFile,
    redisTlsKeyFile: options.redisTlsKeyFile,
    scenario: options.scenario,
    workers: options.workers ?? null,
    speed: options.speed,
    beatIntervalMs: options.beatIntervalS * 1000,
    ttlS: options.ttlS,
    victim: options.victim,
    failing: options.failing,
    onExit: options.onExit,
    logLevel: options.logLevel,
  };
}
