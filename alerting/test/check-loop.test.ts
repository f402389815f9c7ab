import { createLogger } from '@fleet/core';
import { describe, expect, it, vi } from 'vitest';
import { initialAlertState } from '../src/alert-state.js';
import { AlertingMetrics } from '../src/alerting-metrics.js';
import { CheckLoop, type CheckSleeper } from '../src/check-loop.js';
import type { CheckOutcome } from '../src/evaluate-check.js';

const NOW = 1_000_000;

/** A sleeper that records each pause and stops the loop after `pauses` of them. */
function recordingSleeper(pauses: number): CheckSleeper & { slept: number[] } {
  let stopped = false;
  const slept: number[] = [];
  return {
    slept,
    sleep: async (ms) => {
      slept.push(ms);
      if (slept.length >= pauses) stopped = true;
    },
    wake: () => {},
    stop: () => {
      stopped = true;
    },
    get isStopped() {
      return stopped;
    },
  };
}

function outcome(redisUnconfirmed: boolean, failingSince: number | null): CheckOutcome {
  const next = initialAlertState(NOW);
  next.redis.failingSince = failingSince;
  return { next, events: [], announce: [], redisUnconfirmed };
}

function loop(check: () => Promise<CheckOutcome | null>, acting = true, pauses = 1) {
  const sleeper = recordingSleeper(pauses);
  const metrics = new AlertingMetrics(async () => 0);
  const checkLoop = new CheckLoop({
    check,
    isActing: () => acting,
    intervalMs: 60_000,
    redisConfirmMs: 10_000,
    now: () => NOW,
    logger: createLogger('test', 'silent'),
    metrics,
    scrub: (text) => text,
    sleeper,
  });
  return { checkLoop, sleeper, metrics };
}

describe('CheckLoop', () => {
  it.each<[string, CheckOutcome | null, number]>([
    ['a settled check', outcome(false, null), 60_000],
    ['no outcome (state conflicts)', null, 60_000],
    ['Redis failing, confirmation due in 4 s', outcome(true, NOW - 6000), 4000],
    ['Redis failing, confirmation overdue', outcome(true, NOW - 60_000), 100],
  ])('after %s, waits the right time', async (_case, result, delayMs) => {
    const { checkLoop, sleeper } = loop(async () => result);
    checkLoop.start();
    await checkLoop.close();
    expect(sleeper.slept).toEqual([delayMs]);
  });

  it('counts and survives a failed check', async () => {
    let calls = 0;
    const { checkLoop, sleeper, metrics } = loop(
      async () => {
        calls += 1;
        throw new Error('boom');
      },
      true,
      2,
    );
    checkLoop.start();
    await vi.waitFor(() => expect(sleeper.isStopped).toBe(true));
    await checkLoop.close();
    expect(calls).toBe(2);
    expect(sleeper.slept).toEqual([60_000, 60_000]);
    const checks = await metrics.checks.get();
    expect(checks.values).toContainEqual(
      expect.objectContaining({ labels: { result: 'error' }, value: 2 }),
    );
  });

  it('only sleeps while another replica acts, and close() is safe twice', async () => {
    let calls = 0;
    const { checkLoop, sleeper } = loop(async () => {
      calls += 1;
      return null;
    }, false);
    checkLoop.start();
    await checkLoop.close();
    await checkLoop.close();
    expect(calls).toBe(0);
    expect(sleeper.slept).toEqual([60_000]);
  });
});
