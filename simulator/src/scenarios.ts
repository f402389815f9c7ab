import type { FleetSimulator } from './fleet-simulator.js';
import { sleep } from './sleep.js';

export const SCENARIO_NAMES = [
  'tour',
  'healthy',
  'busy',
  'trading-pause',
  'worker-death',
  'dead-letters',
  'recovery',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface PhaseContext {
  /** Converts a duration at speed 1 into the current speed. */
  ms(durationAtSpeed1: number): number;
  signal: AbortSignal;
}

/** One step of a scenario: it sets the fleet up, then holds so the monitor can show it. */
export interface Phase {
  name: string;
  /** What a viewer sees during this phase. */
  shows: string;
  enter(sim: FleetSimulator, context: PhaseContext): Promise<void>;
  /** How long the phase holds after `enter`, at speed 1; `Infinity` holds until stopped. */
  holdMs: number;
}

export interface Scenario {
  name: ScenarioName;
  summary: string;
  phases: Phase[];
  /** Starts again from the first phase after the last one. */
  repeat: boolean;
}

export interface ScenarioOptions {
  /** The worker that dies in `worker-death` and comes back in `recovery`. @defaultValue video-render */
  victim?: string;
  /** The worker whose jobs fail in `dead-letters`. @defaultValue image-render */
  failing?: string;
}

/** Everything healthy: no pause, market open, no failures, the crashed back. */
async function healthyFleet(sim: FleetSimulator): Promise<void> {
  await sim.setTradingPause(false);
  sim.setMarketOpen(true);
  for (const name of sim.renderWorkers) {
    sim.setFailureRate(name, 0);
    await sim.restart(name);
  }
}

function phases({ victim = 'video-render', failing = 'image-render' }: ScenarioOptions) {
  const healthy: Phase = {
    name: 'healthy',
    shows: 'all pipes green, a light trickle of jobs',
    holdMs: 25_000,
    async enter(sim, { ms }) {
      await healthyFleet(sim);
      sim.setTrickle(ms(2_000));
    },
  };
  const busy: Phase = {
    name: 'busy',
    shows: 'a burst per render queue: workers busy, fast particles, queue depth',
    holdMs: 30_000,
    async enter(sim, { ms }) {
      await sim.burst(15);
      sim.setTrickle(ms(1_000));
    },
  };
  const tradingPause: Phase = {
    name: 'trading-pause',
    shows: 'task-watcher trading: queue:paused set, render pipes amber, queues pile up',
    holdMs: 30_000,
    async enter(sim, { ms }) {
      await sim.setTradingPause(true);
      sim.setTrickle(ms(1_500));
    },
  };
  const resume: Phase = {
    name: 'trading-resume',
    shows: 'pause lifted: the backlog drains, workers busy',
    holdMs: 15_000,
    async enter(sim, { ms }) {
      await sim.setTradingPause(false);
      sim.setTrickle(ms(2_000));
    },
  };
  const death: Phase = {
    name: 'worker-death',
    shows: `${victim} stops beating; down (red, cut pipe) once its key expires`,
    holdMs: 15_000,
    async enter(sim, { signal }) {
      await sim.crash(victim);
      // Down only shows once the key is gone: up to the TTL after the last beat.
      await sim.waitUntilExpired(victim, signal);
    },
  };
  const deadLetters: Phase = {
    name: 'dead-letters',
    shows: `${failing} fails jobs into its dead-letter list: degraded with a count; market closed`,
    holdMs: 25_000,
    async enter(sim, { ms }) {
      sim.setFailureRate(failing, 0.6);
      await sim.enqueue(failing, 10);
      sim.setTrickle(ms(1_500), failing);
      sim.setMarketOpen(false);
    },
  };
  const recovery: Phase = {
    name: 'recovery',
    shows: `${victim} restarts (counters from 0), ${failing}'s dead letters retried: all green`,
    holdMs: 25_000,
    async enter(sim, { ms }) {
      await healthyFleet(sim);
      await sim.requeueDeadLetters(failing);
      sim.setTrickle(ms(2_000));
    },
  };
  return { healthy, busy, tradingPause, resume, death, deadLetters, recovery };
}

const forever = (phase: Phase): Phase => ({ ...phase, holdMs: Number.POSITIVE_INFINITY });
/** A phase applied without holding: the starting point of a single-state scenario. */
const setup = (phase: Phase): Phase => ({ ...phase, holdMs: 0 });

/** The scenarios of `fleet-simulate --scenario`. */
export function buildScenario(name: ScenarioName, options: ScenarioOptions = {}): Scenario {
  const p = phases(options);
  switch (name) {
    case 'tour':
      return {
        name,
        summary: 'every state of the panel in turn, then again (about 4 minutes a round)',
        phases: [p.healthy, p.busy, p.tradingPause, p.resume, p.death, p.deadLetters, p.recovery],
        repeat: true,
      };
    case 'healthy':
      return {
        name,
        summary: 'all workers idle and beating, light traffic',
        phases: [forever(p.healthy)],
        repeat: false,
      };
    case 'busy':
      return {
        name,
        summary: 'a burst of jobs into every render queue every 30 s',
        phases: [setup(p.healthy), p.busy],
        repeat: true,
      };
    case 'trading-pause':
      return {
        name,
        summary: 'the watcher pauses render work; queues pile up',
        phases: [setup(p.healthy), forever(p.tradingPause)],
        repeat: false,
      };
    case 'worker-death':
      return {
        name,
        summary: 'one worker stops beating; its key expires',
        phases: [setup(p.healthy), forever(p.death)],
        repeat: false,
      };
    case 'dead-letters':
      return {
        name,
        summary: 'one worker fails jobs; dead letters pile up',
        phases: [setup(p.healthy), forever(p.deadLetters)],
        repeat: false,
      };
    case 'recovery':
      return {
        name,
        summary: 'a dead worker and dead letters, then both recover',
        phases: [
          setup(p.healthy),
          { ...p.death, holdMs: 10_000 },
          { ...p.deadLetters, holdMs: 10_000 },
          forever(p.recovery),
        ],
        repeat: false,
      };
  }
}

export interface RunScenarioOptions {
  /** Divides every phase length and producer interval. @defaultValue 1 */
  speed?: number;
  /** Stops the scenario (between or during phases). */
  signal: AbortSignal;
  /** Told when each phase starts. */
  onPhase?: (phase: Phase, round: number) => void;
}

/** Plays a scenario on a started simulator until it ends or `signal` aborts. */
export async function runScenario(
  sim: FleetSimulator,
  scenario: Scenario,
  { speed = 1, signal, onPhase }: RunScenarioOptions,
): Promise<void> {
  const context: PhaseContext = { ms: (duration) => duration / speed, signal };
  for (let round = 1; !signal.aborted; round++) {
    for (const phase of scenario.phases) {
      if (signal.aborted) return;
      onPhase?.(phase, round);
      await phase.enter(sim, context);
      await sleep(context.ms(phase.holdMs), signal);
    }
    if (!scenario.repeat) return;
  }
}
