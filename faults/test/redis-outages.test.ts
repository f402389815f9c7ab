import type { AlertingService } from '@fleet/alerting';
import type { ExporterProcess, FakeTelegramServer } from '@fleet/testing';
import { eventually, LOADED_MACHINE_SLACK_MS, TestRedisServer } from '@fleet/testing';
import { afterChecks } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAtEnd, ledgerProblems } from '../src/alert-ledger.js';
import { EndpointPoller, type PollSummary } from '../src/endpoint-poller.js';
import {
  alertsIn,
  COLLECT_TIMEOUT_MS,
  ledger,
  startAlertingWithTelegram,
  startExporter,
  startWriters,
  statusDocument,
  TEST_FLEET,
} from './support/stack.js';

// One stack for the file: Redis, three heartbeat writers, the exporter CLI polled by eight
// clients, and alerting with a fake Telegram. Each test breaks Redis another way.
let redis: TestRedisServer;
let client: Redis;
let writers: ReturnType<typeof startWriters>;
let exporter: ExporterProcess;
let alerting: AlertingService;
let telegram: FakeTelegramServer;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  // This file kills Redis on purpose: the test's own client may complain, nothing more.
  client.on('error', () => {});
  writers = startWriters(redis);
  exporter = await startExporter(redis);
  // Workers get 5 s after Redis comes back before a missing one counts as down.
  ({ alerting, telegram } = await startAlertingWithTelegram(redis, { bootGraceS: 5 }));
  await afterChecks(alerting, 2);
});

afterAll(async () => {
  await alerting?.close();
  await telegram?.stop();
  await exporter?.stop();
  await writers?.close();
  client?.disconnect();
  await redis?.stop();
});

function pollExporter(): EndpointPoller {
  return new EndpointPoller({
    url: exporter.url,
    paths: ['/api/agent-office/nodes', '/metrics', '/readyz', '/healthz'],
    clientsPerPath: 2,
    hangAfterMs: 15_000,
  }).start();
}

const allAlive = async () => {
  const document = await statusDocument(exporter);
  return document.redis_ok && document.workers.every((worker) => worker.alive);
};

/** Nothing hung, nothing but 200s and valid documents, nothing slower than the timeout allows. */
function expectServedThroughout(summary: PollSummary) {
  expect(summary.problems.slice(0, 3)).toEqual([]);
  expect(summary.hangs).toBe(0);
  expect(summary.maxMs).toBeLessThan(COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
  expect(exporter.exitStatus()).toBeNull();
}

function expectLedger(expected: { redisDowns: number }) {
  const events = ledger(telegram);
  expect(ledgerProblems(events)).toEqual([]);
  expect(downAtEnd(events)).toEqual([]);
  // Redis went away and came back: one "down" and one "restored" each time, and no worker
  // announced down (they beat again well within the grace).
  expect(events).toEqual(
    Array.from({ length: expected.redisDowns }).flatMap(() => [
      { subject: 'redis', kind: 'down' },
      { subject: 'redis', kind: 'up' },
    ]),
  );
}

describe('Redis faults under load (exporter CLI polled by 8 clients, alerting, live writers)', () => {
  it('Redis killed, then restarted empty: served throughout, one "down" and one "restored"', async () => {
    await eventually(allAlive, 10_000, 'every worker alive');
    const poller = pollExporter();
    await redis.kill();
    await telegram.waitFor((sent) => alertsIn(sent).length >= 1, 20_000, 'Redis down');
    expect((await statusDocument(exporter)).redis_ok).toBe(false);
    await redis.restart();
    await telegram.waitFor((sent) => alertsIn(sent).length >= 2, 20_000, 'Redis restored');
    // The writers re-beat into the empty Redis; the exporter sees them without a restart.
    await eventually(allAlive, 15_000, 'every worker alive again');
    await afterChecks(alerting, 5);
    const summary = await poller.stop();
    expectServedThroughout(summary);
    expect(summary.redisDownAnswers).toBeGreaterThan(0);
    expectLedger({ redisDowns: 1 });
  });

  it('Redis frozen (SIGSTOP) far past every timeout: no request waits past it; announced once', async () => {
    const poller = pollExporter();
    const frozenAt = performance.now();
    redis.freeze();
    try {
      // Frozen until alerting has announced it: past the exporter's 500 ms and alerting's
      // 1.5 s command and 2.5 s collection timeouts.
      await telegram.waitFor((sent) => alertsIn(sent).length >= 3, 30_000, 'Redis down');
      expect(performance.now() - frozenAt).toBeGreaterThan(2500);
      expect((await statusDocument(exporter)).redis_ok).toBe(false);
    } finally {
      redis.thaw();
    }
    await telegram.waitFor((sent) => alertsIn(sent).length >= 4, 20_000, 'Redis restored');
    await eventually(allAlive, 15_000, 'every worker alive again');
    await afterChecks(alerting, 5);
    const summary = await poller.stop();
    expectServedThroughout(summary);
    expect(summary.redisDownAnswers).toBeGreaterThan(0);
    expectLedger({ redisDowns: 2 });
  });

  it('Redis flushed (FLUSHALL) under everyone: nothing doubled, nothing left down', async () => {
    const poller = pollExporter();
    const before = telegram.sent.length;
    await client.flushall();
    // The writers beat every 300 ms: the fleet is back at once; alerting's own state and lease
    // were flushed too.
    await eventually(allAlive, 10_000, 'every worker alive again');
    await afterChecks(alerting, 10);
    const summary = await poller.stop();
    expectServedThroughout(summary);
    expect(alerting.isActing).toBe(true);
    const events = ledger(telegram);
    // A check may have caught a worker between the flush and its next beat: then "down" and
    // "recovered" both, in that order; never one without the other, never twice.
    expect(ledgerProblems(events)).toEqual([]);
    expect(downAtEnd(events)).toEqual([]);
    expect(events.filter((event) => event.subject === 'redis')).toHaveLength(4);
    expect(telegram.sent.length - before).toBeLessThanOrEqual(2 * TEST_FLEET.workers.length);
  });
});
