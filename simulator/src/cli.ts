#!/usr/bin/env node
import { createLogger, redactUrl, redisTlsOption } from '@fleet/core';
import { Redis } from 'ioredis';
import { parseSimulatorConfig, type SimulatorConfig } from './config.js';
import { FleetSimulator } from './fleet-simulator.js';
import { ScaleSimulator } from './scale-fleet.js';
import { buildScenario, runScenario } from './scenarios.js';

const CONNECT_TIMEOUT_MS = 5_000;

async function main(config: SimulatorConfig): Promise<number> {
  const logger = createLogger('simulator', config.logLevel);
  const redis = new Redis(config.redisUrl, {
    ...redisTlsOption(config.redisUrl, config),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  redis.on('error', () => {
    // Connection errors surface as failed beats (logged by the writers); ioredis reconnects.
  });
  try {
    await redis.connect();
  } catch (error) {
    logger.error({ redis: redactUrl(config.redisUrl), err: error }, 'cannot reach Redis');
    redis.disconnect();
    return 1;
  }

  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130); // a second Ctrl-C: the user wants out now
    logger.info({ signal, on_exit: config.onExit }, 'stopping');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const cleanup = config.onExit === 'clean';
  const timing = { beatIntervalMs: config.beatIntervalMs, ttlS: config.ttlS };
  const common = {
    redis: redactUrl(config.redisUrl),
    beat_interval_ms: timing.beatIntervalMs,
    ttl_s: timing.ttlS,
  };

  if (config.workers !== null) {
    const scale = new ScaleSimulator({
      redis,
      count: config.workers,
      ...timing,
      onError: (err) => logger.warn({ err }, 'heartbeat failed'),
    });
    await scale.start();
    logger.info(
      { ...common, workers: config.workers },
      `scale mode: ${config.workers} render workers beating`,
    );
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
    const deleted = await scale.close({ cleanup });
    logger.info(
      { deleted_keys: deleted },
      cleanup ? `cleaned up: deleted ${deleted} keys` : keptMessage(config.ttlS),
    );
  } else {
    const sim = new FleetSimulator({ redis, ...timing, jobMs: 1200 / config.speed, logger });
    const scenario = buildScenario(config.scenario, {
      victim: config.victim,
      failing: config.failing,
    });
    sim.start();
    logger.info(
      { ...common, scenario: scenario.name, speed: config.speed },
      `scenario ${scenario.name}: ${scenario.summary}`,
    );
    // Every scenario repeats or holds its last phase, so this returns once stopped.
    await runScenario(sim, scenario, {
      speed: config.speed,
      signal: stop.signal,
      onPhase: (phase, round) =>
        logger.info({ phase: phase.name, round }, `phase ${phase.name}: ${phase.shows}`),
    });
    const report = await sim.close({ cleanup });
    logger.info(
      report
        ? {
            deleted_heartbeats: report.heartbeats,
            deleted_jobs: report.jobs,
            deleted_queue_paused: report.queuePaused,
          }
        : {},
      report
        ? `cleaned up: deleted ${report.heartbeats} heartbeats, ${report.jobs} simulated jobs${report.queuePaused ? ', queue:paused' : ''}`
        : keptMessage(config.ttlS),
    );
  }
  await redis.quit();
  return 0;
}

function keptMessage(ttlS: number): string {
  return `left keys in place: heartbeats expire within ${ttlS} s, simulated jobs stay in their lists`;
}

main(parseSimulatorConfig()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The stack only: an ioredis error object carries the AUTH command, password included.
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
