import { createRedisClient } from '@fleet/core';
import { SCENARIO_NAMES } from '@fleet/simulator';
import { freePort, killLeftovers, runTs, TlsRedisServer } from '@fleet/testing';
import { useTestRedis } from '@fleet/testing/vitest';
import { CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSimulatorConfig, simulatorCommand } from '../src/config.js';

const CLI = 'simulator/src/cli.ts';
const FAST = ['--speed', '50', '--beat-interval', '0.2', '--ttl', '1'];
const ALL = [
  'music-render',
  'video-render',
  'image-render',
  'insta-render',
  'task-watcher',
  'ai_trade',
];

const db = useTestRedis();

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  REDIS_URL: db.server.url,
  ...extra,
});
const heartbeatKeys = () => db.redis.keys('worker:*:heartbeat');

/** Every environment twin of a simulator flag. */
const TWINS = [
  'REDIS_URL',
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
  'SIM_SCENARIO',
  'SIM_WORKERS',
  'SIM_SPEED',
  'SIM_BEAT_INTERVAL_S',
  'SIM_TTL_S',
  'SIM_VICTIM',
  'SIM_FAILING',
  'SIM_ON_EXIT',
  'LOG_LEVEL',
];

describe('simulator settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Parses like the CLI, but throws instead of exiting. */
  function parse(args: string[], environment: Record<string, string> = {}) {
    vi.unstubAllEnvs();
    for (const twin of TWINS) vi.stubEnv(twin, undefined); // nothing from the outer shell
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    const command = simulatorCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    return parseSimulatorConfig(['node', 'fleet-simulate', ...args], command);
  }

  it('defaults to the tour at contract timings against the local Redis', () => {
    expect(parse([])).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      scenario: 'tour',
      workers: null,
      speed: 1,
      beatIntervalMs: 15_000,
      ttlS: 45,
      victim: 'video-render',
      failing: 'image-render',
      onExit: 'clean',
      logLevel: 'info',
    });
  });

  it('reads every setting from its flag or its environment twin', () => {
    const fromFlags = parse([
      '--scenario',
      'busy',
      '--speed',
      '4',
      '--beat-interval',
      '0.5',
      '--ttl',
      '2',
    ]);
    const fromEnv = parse([], {
      SIM_SCENARIO: 'busy',
      SIM_SPEED: '4',
      SIM_BEAT_INTERVAL_S: '0.5',
      SIM_TTL_S: '2',
    });
    for (const config of [fromFlags, fromEnv]) {
      expect(config).toMatchObject({ scenario: 'busy', speed: 4, beatIntervalMs: 500, ttlS: 2 });
    }
    expect(parse(['--workers', '100'])).toMatchObject({ workers: 100 });
    expect(parse([], { SIM_ON_EXIT: 'keep', SIM_VICTIM: 'music-render' })).toMatchObject({
      onExit: 'keep',
      victim: 'music-render',
    });
  });

  it.each([
    ['a speed that is not a number', { SIM_SPEED: 'fast' }, /SIM_SPEED/],
    ['a zero speed', { SIM_SPEED: '0' }, /SIM_SPEED/],
    ['an unknown scenario', { SIM_SCENARIO: 'chaos' }, /SIM_SCENARIO/],
    ['a fractional TTL', { SIM_TTL_S: '2.5' }, /SIM_TTL_S/],
    ['a worker count of zero', { SIM_WORKERS: '0' }, /SIM_WORKERS/],
    ['a victim outside the fleet', { SIM_VICTIM: 'ai_trade' }, /SIM_VICTIM/],
    [
      'the same victim and failing worker',
      { SIM_VICTIM: 'image-render' },
      /SIM_VICTIM.*SIM_FAILING/,
    ],
    ['an unknown exit action', { SIM_ON_EXIT: 'wipe' }, /SIM_ON_EXIT/],
    [
      'a beat interval not under the TTL',
      { SIM_TTL_S: '2', SIM_BEAT_INTERVAL_S: '3' },
      /SIM_BEAT_INTERVAL_S.*SIM_TTL_S/,
    ],
    ['a URL that is not Redis', { REDIS_URL: 'http://localhost' }, /REDIS_URL/],
    [
      'TLS files without rediss://',
      { REDIS_TLS_CA_FILE: 'package.json' },
      /REDIS_TLS_\* files are set but REDIS_URL is not a rediss:\/\/ URL/,
    ],
    ['a CA file it cannot read', { REDIS_TLS_CA_FILE: '/nonexistent/ca.crt' }, /REDIS_TLS_CA_FILE/],
    [
      'scale mode with a scenario',
      { SIM_WORKERS: '5', SIM_SCENARIO: 'busy' },
      /SIM_WORKERS.*SIM_SCENARIO/,
    ],
  ])('refuses %s, naming the variable', (_case, environment, message) => {
    expect(() => parse([], environment)).toThrow(CommanderError);
    expect(() => parse([], environment)).toThrow(message);
  });
});

describe('fleet-simulate CLI', () => {
  // A test that fails midway must not leave a simulator beating for the rest of the suite.
  afterEach(killLeftovers);

  it('--help lists every scenario and each flag with its environment twin', async () => {
    const cli = runTs(CLI, ['--help'], env());
    expect(await cli.exited).toBe(0);
    for (const name of SCENARIO_NAMES) expect(cli.output()).toMatch(new RegExp(`^  ${name} `, 'm'));
    for (const twin of TWINS) {
      expect(cli.output().replace(/\s+/g, ' ')).toContain(`env: ${twin}`);
    }
  });

  it('a bad setting from the environment stops it with the variable named, exit 1', async () => {
    const cli = runTs(CLI, [], env({ SIM_SPEED: 'fast' }));
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain("value 'fast' from env 'SIM_SPEED' is invalid");
  });

  it('exits 1 with a message when Redis cannot be reached', async () => {
    const cli = runTs(CLI, [], env({ REDIS_URL: `redis://:secret@127.0.0.1:${await freePort()}` }));
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('cannot reach Redis');
    expect(cli.output()).not.toContain('secret');
  });

  it('plays a scenario and, on Ctrl-C, removes what it wrote, says so and exits 0', async () => {
    const cli = runTs(CLI, ['--scenario', 'trading-pause', ...FAST], env());
    await vi.waitFor(
      async () => {
        expect(await heartbeatKeys()).toHaveLength(6);
        expect(await db.redis.get('queue:paused')).toBe('1');
      },
      { timeout: 20_000, interval: 50 },
    );
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(
      /cleaned up: deleted 6 heartbeats, \d+ simulated jobs, queue:paused/,
    );
    expect(await db.redis.keys('*')).toEqual([]);
  });

  it('with --on-exit keep, leaves the beats to expire, as dead workers', async () => {
    const cli = runTs(CLI, ['--scenario', 'healthy', '--on-exit', 'keep', ...FAST], env());
    await vi.waitFor(async () => expect(await heartbeatKeys()).toHaveLength(6), {
      timeout: 20_000,
      interval: 50,
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain('left keys in place');
    expect((await heartbeatKeys()).sort()).toEqual(ALL.map((n) => `worker:${n}:heartbeat`).sort());
    await vi.waitFor(async () => expect(await heartbeatKeys()).toEqual([]), { timeout: 3_000 });
  });

  it('--workers N beats N render workers until stopped, then cleans up', async () => {
    const cli = runTs(CLI, ['--workers', '40', '--beat-interval', '0.2', '--ttl', '1'], env());
    await cli.waitFor(/scale mode: 40 render workers beating/);
    expect(await heartbeatKeys()).toHaveLength(40);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/cleaned up: deleted \d+ keys/);
    expect(await db.redis.dbsize()).toBe(0);
  });
});

describe('fleet-simulate over rediss:// with a private CA', () => {
  let tls: TlsRedisServer;
  beforeAll(async () => {
    tls = await TlsRedisServer.start();
  }, 60_000);
  afterAll(async () => {
    await tls?.stop();
  });
  afterEach(killLeftovers);

  const tlsEnv = (files: Partial<TlsRedisServer['files']>) =>
    env({
      REDIS_URL: tls.url,
      ...(files.redisTlsCaFile ? { REDIS_TLS_CA_FILE: files.redisTlsCaFile } : {}),
      ...(files.redisTlsCertFile ? { REDIS_TLS_CERT_FILE: files.redisTlsCertFile } : {}),
      ...(files.redisTlsKeyFile ? { REDIS_TLS_KEY_FILE: files.redisTlsKeyFile } : {}),
    });

  it('beats through TLS with the CA and a client certificate, and cleans up on Ctrl-C', async () => {
    const redis = createRedisClient({ url: tls.url, tls: tls.files });
    try {
      const cli = runTs(CLI, ['--scenario', 'healthy', ...FAST], tlsEnv(tls.files));
      await vi.waitFor(async () => expect(await redis.keys('worker:*:heartbeat')).toHaveLength(6), {
        timeout: 20_000,
        interval: 50,
      });
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(0);
      expect(await redis.keys('*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('without the CA it cannot reach Redis (self-signed chain), exit 1', async () => {
    const cli = runTs(CLI, ['--scenario', 'healthy', ...FAST], tlsEnv({}));
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('cannot reach Redis');
  });
});
