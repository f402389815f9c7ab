import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeartbeatSchema, STATES_BY_KIND } from '@fleet/core/contracts';
import { requireBinary } from '@fleet/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/child-process.js';

// redis-py is not installable here, so a stand-in `redis` module records what the snippet sends.
const FAKE_REDIS = `
class RedisError(Exception):
    pass

class Redis:
    def __init__(self, fail_first=0):
        self.calls = []
        self.fail_first = fail_first

    @classmethod
    def from_url(cls, url):
        return cls()

    def set(self, name, value, ex=None, **kwargs):
        if self.fail_first:
            self.fail_first -= 1
            raise RedisError("connection refused")
        self.calls.append({"key": name, "value": value, "ex": ex, "other": sorted(kwargs)})
        return True
`;

const DRIVER = `
import json, time
import redis
from fleet_heartbeat import Heartbeat, HEARTBEAT_INTERVAL_S, HEARTBEAT_TTL_S, STATES

out = {"defaults": [HEARTBEAT_INTERVAL_S, HEARTBEAT_TTL_S], "beats": [], "refused": []}
client = redis.Redis.from_url("redis://127.0.0.1:6379")
for kind, states in STATES.items():
    for state in states:
        hb = Heartbeat(client, f"{kind}-worker", kind, state, mode="trading" if kind == "watcher" else None)
        hb.record_job(True); hb.record_job(True); hb.record_job(False)
        hb.beat()
out["beats"] = client.calls

flaky = redis.Redis(fail_first=1)
hb = Heartbeat(flaky, "image-render", "render", "idle", interval_s=0.02)
hb.start(); time.sleep(0.2); hb.stop()
calls_at_stop = len(flaky.calls)
time.sleep(0.1)
out["background"] = {"calls": calls_at_stop, "after_stop": len(flaky.calls) - calls_at_stop}

# A state change is written at once, not at the next 60 s tick; an unchanged state is not.
def wait_for_calls(client, count):
    deadline = time.monotonic() + 10
    while len(client.calls) < count and time.monotonic() < deadline:
        time.sleep(0.005)

prompt = redis.Redis()
hb = Heartbeat(prompt, "video-render", "render", "idle", interval_s=60)
hb.start(); wait_for_calls(prompt, 1)
hb.set_state("busy"); wait_for_calls(prompt, 2)
hb.set_state("busy"); time.sleep(0.1)  # a beat here would show as a second "busy"
hb.record_job(True); hb.set_state("idle"); wait_for_calls(prompt, 3)
hb.stop()
out["prompt"] = [json.loads(call["value"]) for call in prompt.calls]

for args in [("w", "render", "trading"), ("w", "watcher", "free"), ("w", "render", "idle", "x")]:
    try:
        Heartbeat(client, *args)
    except ValueError as error:
        out["refused"].append(str(error))
print(json.dumps(out))
`;

interface Recorded {
  key: string;
  value: string;
  ex: number | null;
  other: string[];
}

let dir: string;
let result: {
  defaults: number[];
  beats: Recorded[];
  background: { calls: number; after_stop: number };
  prompt: { state: string; jobs_done: number }[];
  refused: string[];
};

beforeAll(() => {
  const python = requireBinary('python3', 'python3');
  dir = mkdtempSync(join(tmpdir(), 'fleet-py-'));
  mkdirSync(join(dir, 'redis'));
  writeFileSync(join(dir, 'redis', '__init__.py'), FAKE_REDIS);
  writeFileSync(join(dir, 'driver.py'), DRIVER);
  const stdout = execFileSync(python, [join(dir, 'driver.py')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // the failed beat's logged traceback is expected
    env: { PATH: process.env.PATH, PYTHONPATH: `${join(REPO_ROOT, 'examples/python')}:${dir}` },
  });
  result = JSON.parse(stdout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const everyKindAndState = Object.entries(STATES_BY_KIND).flatMap(([kind, states]) =>
  states.map((state) => ({ kind, state })),
);

describe('examples/python/fleet_heartbeat.py writes contract 1', () => {
  it('beats every 15 s with EX 45 by default', () => {
    expect(result.defaults).toEqual([15, 45]);
  });

  it.each(everyKindAndState)(
    'a $kind beat in state $state is schema-valid, with EX 45',
    ({ kind, state }) => {
      const call = result.beats.find((c) => JSON.parse(c.value).state === state);
      expect(call).toBeDefined();
      const { key, value, ex, other } = call as Recorded;
      expect(key).toBe(`worker:${kind}-worker:heartbeat`);
      expect(ex).toBe(45);
      expect(other).toEqual([]);
      const beat = HeartbeatSchema.parse(JSON.parse(value));
      expect(beat).toMatchObject({
        name: `${kind}-worker`,
        kind,
        state,
        jobs_done: 2,
        jobs_failed: 1,
      });
      expect(beat.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(beat.last_job_at).toMatch(/Z$/);
      expect(Math.abs(Date.parse(beat.ts) - Date.now())).toBeLessThan(60_000);
      if (kind === 'watcher') expect(beat.mode).toBe('trading');
      else expect(beat).not.toHaveProperty('mode');
    },
  );

  it('keeps beating in the background after a failed beat, and stops on stop()', () => {
    expect(result.background.calls).toBeGreaterThanOrEqual(3);
    expect(result.background.after_stop).toBe(0);
  });

  it('beats at once when the state changes, not at the next tick, and stop() is prompt', () => {
    expect(result.prompt.map(({ state, jobs_done }) => [state, jobs_done])).toEqual([
      ['idle', 0],
      ['busy', 0],
      ['idle', 1],
    ]);
  });

  it('refuses a state of another kind, and a mode anywhere but the watcher', () => {
    expect(result.refused).toHaveLength(3);
  });
});
