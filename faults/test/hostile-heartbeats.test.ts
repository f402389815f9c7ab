import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertingService } from '@fleet/alerting';
import type { ExporterProcess, FakeTelegramServer } from '@fleet/testing';
import { LOADED_MACHINE_SLACK_MS, requireBinary, rssMb, TestRedisServer } from '@fleet/testing';
import { afterChecks, Workers } from '@fleet/testing/alerting';
import { tempDir } from '@fleet/testing/vitest';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeAnswer } from '../src/endpoint-poller.js';
import { type HostileKey, hostileKeys } from '../src/hostile-keys.js';
import { startAlertingWithTelegram, startExporter, statusDocument } from './support/stack.js';

const HOSTILE_KEYS = 10_000;
/** The exporter's default collection timeout: this test runs it with its defaults. */
const DEFAULT_COLLECT_TIMEOUT_MS = 2500;

let redis: TestRedisServer;
let client: Redis;
let exporter: ExporterProcess;
let alerting: AlertingService;
let telegram: FakeTelegramServer;

async function write(redisClient: Redis, keys: readonly HostileKey[]): Promise<void> {
  for (let start = 0; start < keys.length; start += 500) {
    const pipeline = redisClient.pipeline();
    for (const entry of keys.slice(start, start + 500)) {
      if (entry.type === 'string') pipeline.set(entry.key, entry.value);
      else if (entry.type === 'hash') pipeline.hset(entry.key, entry.fields);
      else if (entry.type === 'list') pipeline.rpush(entry.key, ...entry.members);
      else if (entry.type === 'set') pipeline.sadd(entry.key, ...entry.members);
      else pipeline.zadd(entry.key, ...entry.members);
    }
    await pipeline.exec();
  }
}

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  const workers = new Workers(client);
  await workers.beatAll(['music-render', 'video-render']);
  await workers.setQueueDepth('music-render', 4);
  await workers.setDeadLetters('video-render', 2);
  // ai_trade's own heartbeat is garbage: present (alive) but unreadable.
  await client.set('worker:ai_trade:heartbeat', '{"name":"ai_trade", "kind": tra', 'EX', 600);
  await write(client, hostileKeys(HOSTILE_KEYS));
  exporter = await startExporter(redis, {
    EXPORTER_COLLECT_TIMEOUT_MS: String(DEFAULT_COLLECT_TIMEOUT_MS),
  });
  ({ alerting, telegram } = await startAlertingWithTelegram(redis, { bootGraceS: 1 }));
}, 120_000);

afterAll(async () => {
  await alerting?.close();
  await telegram?.stop();
  await exporter?.stop();
  client?.disconnect();
  await redis?.stop();
});

async function timedGet(path: string) {
  const started = performance.now();
  const response = await fetch(`${exporter.url}${path}`);
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}

describe(`${HOSTILE_KEYS.toLocaleString('en')} malformed or hostile heartbeat keys`, () => {
  it('the status document stays valid and right about the fleet, within the timeout', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await timedGet('/api/agent-office/nodes');
      expect(judgeAnswer('/api/agent-office/nodes', answer.status, answer.body).problem).toBeNull();
      expect(answer.ms).toBeLessThan(DEFAULT_COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
    }
    const document = await statusDocument(exporter);
    expect(document.redis_ok).toBe(true);
    const byName = new Map(document.workers.map((worker) => [worker.name, worker]));
    expect(byName.get('music-render')).toMatchObject({
      alive: true,
      state: 'idle',
      queue_depth: 4,
    });
    expect(byName.get('video-render')).toMatchObject({
      alive: true,
      state: 'idle',
      dead_letter: 2,
    });
    expect(byName.get('ai_trade')).toMatchObject({
      alive: true,
      state: null,
      heartbeat_error: 'not valid JSON',
    });
    // Unlisted workers that beat are shown, up to a bound, never all ten thousand.
    expect(document.workers.length).toBeGreaterThan(3);
    expect(document.workers.length).toBeLessThanOrEqual(3 + 1000);
    // About as many matching keys as the SCAN pass's cap (10 000): whether it stopped early or
    // not, the document says which.
    expect(document.scan).not.toBeNull();
    expect(document.scan?.complete).toBe(document.scan?.stopped_by === null);
  });

  it('/metrics stays parseable by promtool, hostile names and all', async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    const answer = await timedGet('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(DEFAULT_COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
    expect(answer.body).toMatch(/^fleet_heartbeat_invalid\{worker="ai_trade"\} 1$/m);
    const file = join(tempDir('fleet-faults-'), 'metrics.txt');
    writeFileSync(file, answer.body);
    // `check metrics` lints too; a parse error is what would break a Prometheus scrape.
    const output = (() => {
      try {
        return execFileSync('sh', ['-c', `"${promtool}" check metrics < "${file}" 2>&1`], {
          encoding: 'utf8',
        });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(output).not.toMatch(/error while linting|parse error|text format parsing error/i);
  });

  it('alerting neither crashes nor announces anything (its fleet is alive), and the exporter stays lean', async () => {
    await afterChecks(alerting, 5, 30_000);
    expect(telegram.sent).toEqual([]);
    expect(exporter.exitStatus()).toBeNull();
    // Five 2 MiB values are read at most 64 KiB at a time: the process stays small.
    expect(rssMb(exporter.pid)).toBeLessThan(400);
  });
});
