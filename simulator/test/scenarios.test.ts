import { type Heartbeat, HeartbeatSchema } from '@fleet/core/contracts';
import {
  buildScenario,
  FleetSimulator,
  type Phase,
  runScenario,
  SCENARIO_NAMES,
  type Scenario,
  type ScenarioName,
} from '@fleet/simulator';
import { useTestRedis } from '@fleet/testing/vitest';
import { describe, expect, it, vi } from 'vitest';

/** Contract timings shrunk ~100×, so a scenario plays in a second or two. */
const FAST = { beatIntervalMs: 100, ttlS: 1, jobMs: 30, pollMs: 20 };
const SPEED = 100;
const RENDER = ['music-render', 'video-render', 'image-render', 'insta-render'];
const ALL = [...RENDER, 'task-watcher', 'ai_trade'];
const WAIT = { timeout: 10_000, interval: 10 };

const db = useTestRedis();

async function beat(name: string): Promise<Heartbeat | null> {
  const raw = await db.redis.get(`worker:${name}:heartbeat`);
  return raw === null ? null : HeartbeatSchema.parse(JSON.parse(raw));
}

const llen = (key: string) => db.redis.llen(key);

/** Keys Redis has removed because their TTL ran out (INFO stats). */
async function expiredKeys(): Promise<number> {
  const stats = await db.redis.info('stats');
  return Number(stats.match(/^expired_keys:(\d+)/m)?.[1] ?? Number.NaN);
}

async function processingCount(worker: string): Promise<number> {
  const keys = await db.redis.keys(`processing:queue:${worker}:*`);
  const lengths = await Promise.all(keys.map((key) => db.redis.llen(key)));
  return lengths.reduce((a, b) => a + b, 0);
}

/** Plays `scenario` in the background while `check` watches Redis, then stops and cleans up. */
async function play(
  scenario: ScenarioName | Scenario,
  check: (phases: string[]) => Promise<void>,
): Promise<void> {
  const sim = new FleetSimulator({ redis: db.redis, ...FAST });
  const stop = new AbortController();
  const phases: string[] = [];
  sim.start();
  const run = runScenario(sim, typeof scenario === 'string' ? buildScenario(scenario) : scenario, {
    speed: SPEED,
    signal: stop.signal,
    onPhase: (phase: Phase) => phases.push(phase.name),
  });
  try {
    await check(phases);
  } finally {
    stop.abort();
    await run;
    await sim.close({ cleanup: true });
  }
}

/**
 * Holds each phase named in `gates` until its check passes. At test speed a state lasts
 * 0.1–0.3 s, less than one poll on a loaded machine; the scenario waits to be seen instead.
 */
function gated(name: ScenarioName, gates: Record<string, () => Promise<void>>): Scenario {
  const scenario = buildScenario(name);
  const phases = scenario.phases.map((phase): Phase => {
    const gate = gates[phase.name];
    if (gate === undefined) return phase;
    return {
      ...phase,
      async enter(sim, context) {
        await vi.waitFor(gate, WAIT);
        await phase.enter(sim, context);
      },
    };
  });
  expect(phases.filter((phase, i) => phase !== scenario.phases[i])).toHaveLength(
    Object.keys(gates).length,
  );
  return { ...scenario, phases };
}

describe('scenarios drive the keys of docs/spec.md §1–2', () => {
  it('healthy: six schema-valid beats, jobs flowing, no pause', async () => {
    await play('healthy', async () => {
      await vi.waitFor(async () => {
        const beats = await Promise.all(ALL.map(beat));
        expect(beats.map((b) => b?.state)).toEqual([
          ...RENDER.map(() => expect.stringMatching(/^(idle|busy)$/)),
          'free',
          'market_open',
        ]);
        expect(beats[4]?.mode).toBe('free');
        const done = beats.slice(0, 4).reduce((sum, b) => sum + (b?.jobs_done ?? 0), 0);
        expect(done).toBeGreaterThan(0);
      }, WAIT);
      expect(await db.redis.exists('queue:paused')).toBe(0);
      for (const name of RENDER) expect(await llen(`dead_letter:queue:${name}`)).toBe(0);
    });
  });

  it('busy: bursts give queue depth, busy workers and in-flight jobs', async () => {
    await play('busy', async () => {
      await vi.waitFor(async () => {
        const states = await Promise.all(RENDER.map(async (name) => (await beat(name))?.state));
        expect(states).toContain('busy');
        const depths = await Promise.all(RENDER.map((name) => llen(`queue:${name}`)));
        expect(Math.max(...depths)).toBeGreaterThan(0);
        const inFlight = await Promise.all(RENDER.map(processingCount));
        expect(Math.max(...inFlight)).toBeGreaterThan(0);
      }, WAIT);
    });
  });

  it('trading-pause: queue:paused "1" with a TTL, watcher mode, render paused, queues pile up', async () => {
    await play('trading-pause', async () => {
      await vi.waitFor(async () => {
        expect(await db.redis.get('queue:paused')).toBe('1');
        const ttl = await db.redis.pttl('queue:paused');
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(FAST.ttlS * 1000);
        expect(await beat('task-watcher')).toMatchObject({ state: 'trading', mode: 'trading' });
        for (const name of RENDER) expect((await beat(name))?.state).toBe('paused');
      }, WAIT);
      const before = await Promise.all(RENDER.map((name) => llen(`queue:${name}`)));
      await vi.waitFor(async () => {
        const after = await Promise.all(RENDER.map((name) => llen(`queue:${name}`)));
        expect(after.reduce((a, b) => a + b)).toBeGreaterThan(before.reduce((a, b) => a + b));
      }, WAIT);
      // The pause outlives several TTLs: the watcher keeps refreshing it.
      await new Promise((resolve) => setTimeout(resolve, FAST.ttlS * 1000 * 1.5));
      expect(await db.redis.get('queue:paused')).toBe('1');
      for (const name of RENDER) expect(await processingCount(name)).toBe(0);
    });
  });

  it('worker-death: the victim stops beating and its key expires; the rest live on', async () => {
    await play('worker-death', async (phases) => {
      await vi.waitFor(() => expect(phases).toContain('worker-death'), WAIT);
      // Expiry, not deletion: the key outlives the crash, and Redis counts it as expired.
      const expiredBefore = await expiredKeys();
      expect(await db.redis.pttl('worker:video-render:heartbeat')).toBeGreaterThan(0);
      await vi.waitFor(async () => expect(await beat('video-render')).toBeNull(), WAIT);
      expect(await expiredKeys()).toBeGreaterThan(expiredBefore);
      for (const name of ALL.filter((n) => n !== 'video-render')) {
        expect(await beat(name), name).not.toBeNull();
      }
    });
  });

  it('dead-letters: the failing worker dead-letters jobs, and they pile up', async () => {
    await play('dead-letters', async () => {
      let first = 0;
      await vi.waitFor(async () => {
        first = await llen('dead_letter:queue:image-render');
        expect(first).toBeGreaterThan(0);
      }, WAIT);
      await vi.waitFor(async () => {
        expect(await llen('dead_letter:queue:image-render')).toBeGreaterThan(first);
        expect((await beat('image-render'))?.jobs_failed).toBeGreaterThan(0);
      }, WAIT);
      expect(await beat('ai_trade')).toMatchObject({ state: 'market_closed' });
      for (const name of RENDER.filter((n) => n !== 'image-render')) {
        expect(await llen(`dead_letter:queue:${name}`)).toBe(0);
      }
    });
  });

  it('recovery: the dead worker beats again; dead letters are retried', async () => {
    const scenario = gated('recovery', {
      recovery: async () => {
        expect(await beat('video-render')).toBeNull();
        expect(await llen('dead_letter:queue:image-render')).toBeGreaterThan(0);
      },
    });
    await play(scenario, async (phases) => {
      await vi.waitFor(async () => {
        expect(phases.at(-1)).toBe('recovery');
        expect(await beat('video-render')).not.toBeNull();
        expect(await llen('dead_letter:queue:image-render')).toBe(0);
        expect(await db.redis.keys('processing:queue:video-render:*-1')).toEqual([]);
      }, WAIT);
      expect(await beat('ai_trade')).toMatchObject({ state: 'market_open' });
    });
  });

  it('tour: passes through every state of docs/spec.md §7, in order, and starts over', async () => {
    // Each transient state must be seen before the phase that ends it may start.
    let healthyFleetsSeen = 0;
    const scenario = gated('tour', {
      // Before busy, both rounds: all healthy (the second time, what recovery restored).
      busy: async () => {
        expect(await beat('video-render')).not.toBeNull();
        expect(await llen('dead_letter:queue:image-render')).toBe(0);
        expect(await db.redis.exists('queue:paused')).toBe(0);
        healthyFleetsSeen += 1;
      },
      'trading-pause': async () => {
        const states = await Promise.all(RENDER.map(async (n) => (await beat(n))?.state));
        expect(states).toContain('busy');
        const depths = await Promise.all(RENDER.map((n) => llen(`queue:${n}`)));
        expect(Math.max(...depths)).toBeGreaterThan(0);
      },
      'trading-resume': async () => {
        expect(await db.redis.get('queue:paused')).toBe('1');
        for (const n of RENDER) expect((await beat(n))?.state).toBe('paused');
      },
      'dead-letters': async () => expect(await beat('video-render')).toBeNull(),
      recovery: async () => {
        expect(await llen('dead_letter:queue:image-render')).toBeGreaterThan(0);
        expect((await beat('ai_trade'))?.state).toBe('market_closed');
      },
    });
    await play(scenario, async (phases) => {
      await vi.waitFor(() => expect(healthyFleetsSeen).toBe(2), { ...WAIT, timeout: 30_000 });
      expect(phases.slice(0, 8)).toEqual([
        'healthy',
        'busy',
        'trading-pause',
        'trading-resume',
        'worker-death',
        'dead-letters',
        'recovery',
        'healthy',
      ]);
    });
  });

  it('has a summary for every scenario name', () => {
    for (const name of SCENARIO_NAMES) expect(buildScenario(name).summary).not.toBe('');
  });
});

describe('FleetSimulator crash and restart', () => {
  it('a crash strands the in-flight job; the restart requeues it and counts from 0', async () => {
    // A long job: the crash must land while it is in flight, however loaded the machine.
    const sim = new FleetSimulator({ redis: db.redis, ...FAST, jobMs: 3000 });
    sim.start();
    try {
      await sim.enqueue('video-render', 1);
      await vi.waitFor(async () => expect((await beat('video-render'))?.jobs_done).toBe(1), WAIT);
      await sim.enqueue('video-render', 1);
      await vi.waitFor(async () => expect(await processingCount('video-render')).toBe(1), WAIT);
      await sim.crash('video-render');
      expect(sim.isAlive('video-render')).toBe(false);
      const stranded = await db.redis.keys('processing:queue:video-render:*');
      expect(stranded).toHaveLength(1);
      expect(await db.redis.llen(stranded[0] as string)).toBe(1);

      await sim.restart('video-render');
      expect(await beat('video-render')).toMatchObject({ jobs_done: 0, jobs_failed: 0 });
      await vi.waitFor(async () => expect((await beat('video-render'))?.jobs_done).toBe(1), WAIT);
      expect(await processingCount('video-render')).toBe(0);
      expect(await db.redis.llen('queue:video-render')).toBe(0);
    } finally {
      await sim.close({ cleanup: true });
    }
  });
});

describe('FleetSimulator.close', () => {
  it('cleans up only what it wrote: other jobs stay', async () => {
    await db.redis.lpush('queue:music-render', 'a real job');
    const sim = new FleetSimulator({ redis: db.redis, ...FAST, jobMs: 60_000 });
    await sim.setTradingPause(true); // before start, so no worker takes the real job
    sim.start();
    await sim.enqueue('music-render', 5);
    await sim.enqueue('image-render', 3);
    await vi.waitFor(async () =>
      expect(await db.redis.exists('worker:ai_trade:heartbeat')).toBe(1),
    );
    const report = await sim.close({ cleanup: true });
    expect(report).toEqual({ heartbeats: 6, jobs: 8, queuePaused: true });
    expect(await db.redis.keys('*')).toEqual(['queue:music-render']);
    expect(await db.redis.lrange('queue:music-render', 0, -1)).toEqual(['a real job']);
    expect(await sim.close({ cleanup: true })).toBe(report); // safe twice
  });

  it('with cleanup off, leaves the keys to expire as after a crash', async () => {
    const sim = new FleetSimulator({ redis: db.redis, ...FAST });
    sim.start();
    await vi.waitFor(async () =>
      expect(await db.redis.exists('worker:ai_trade:heartbeat')).toBe(1),
    );
    expect(await sim.close({ cleanup: false })).toBeNull();
    expect(await db.redis.exists(...ALL.map((n) => `worker:${n}:heartbeat`))).toBe(6);
    await vi.waitFor(async () => expect(await db.redis.keys('worker:*')).toEqual([]), WAIT);
  });

  /**
   * Holds every later `method` call on `key` on the test's client until released, and says when
   * the first one arrives: a timer tick caught between its Redis calls when close() starts.
   */
  function holdCalls(method: 'llen' | 'set', key: string) {
    const client = db.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = client[method]?.bind(db.redis) as (...args: unknown[]) => Promise<unknown>;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = () => {};
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const spy = vi.spyOn(client, method).mockImplementation(async (...args: unknown[]) => {
      if (args[0] === key) {
        arrived();
        await gate;
      }
      return original(...args);
    });
    return { reached, release, restore: () => spy.mockRestore() };
  }

  it.each([
    [
      'a producer tick between LLEN and LPUSH',
      'llen' as const,
      'queue:image-render',
      (sim: FleetSimulator) => sim.setTrickle(5, 'image-render'),
    ],
    [
      'a pause refresh',
      'set' as const,
      'queue:paused',
      (sim: FleetSimulator) => sim.setTradingPause(true),
    ],
  ])('waits for %s in flight, then cleans up what it wrote', async (_case, method, key, begin) => {
    const sim = new FleetSimulator({ redis: db.redis, ...FAST, jobMs: 60_000 });
    sim.start();
    await begin(sim);
    const held = holdCalls(method, key);
    try {
      await held.reached;
      const closed = sim.close({ cleanup: true });
      // While a tick is held, close() must not finish (and so must not clean up yet).
      const first = await Promise.race([
        closed.then(() => 'closed'),
        new Promise((resolve) => setTimeout(resolve, 1000, 'still waiting')),
      ]);
      held.release();
      expect(first).toBe('still waiting');
      await closed;
    } finally {
      held.release();
      held.restore();
    }
    expect(await db.redis.keys('*')).toEqual([]);
  });
});
