import type { AlertingOptions, AlertingService } from '@fleet/alerting';
import type { ExporterProcess, FakeTelegramServer } from '@fleet/testing';
import { LOADED_MACHINE_SLACK_MS, TestRedisServer } from '@fleet/testing';
import { afterChecks, Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downAtEnd, ledgerProblems } from '../src/alert-ledger.js';
import { EndpointPoller } from '../src/endpoint-poller.js';
import {
  COLLECT_TIMEOUT_MS,
  ledger,
  startAlertingWithTelegram,
  startExporter,
} from './support/stack.js';

const FLAPS = 5;

let redis: TestRedisServer;
let client: Redis;
let workers: Workers;
let exporter: ExporterProcess;
let running: { alerting: AlertingService; telegram: FakeTelegramServer } | undefined;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  workers = new Workers(client);
  exporter = await startExporter(redis);
});

afterEach(async () => {
  await running?.alerting.close();
  await running?.telegram.stop();
  running = undefined;
  await client.flushall();
});

afterAll(async () => {
  await exporter?.stop();
  client?.disconnect();
  await redis?.stop();
});

async function start(overrides: AlertingOptions = {}) {
  await workers.beatAll();
  running = await startAlertingWithTelegram(redis, overrides);
  await afterChecks(running.alerting, 2);
  return running;
}

describe('a worker flapping', () => {
  it('every flap the checks see is announced down then recovered, once each; the exporter keeps up', async () => {
    const { alerting, telegram } = await start();
    const poller = new EndpointPoller({
      url: exporter.url,
      paths: ['/api/agent-office/nodes', '/metrics'],
      clientsPerPath: 2,
      hangAfterMs: 15_000,
    }).start();
    // Each half of a flap lasts until alerting has checked twice, so every one is seen however
    // slow the machine; that takes about a second per flap here, "every few seconds" in life.
    for (let flap = 0; flap < FLAPS; flap += 1) {
      await workers.kill('video-render');
      await afterChecks(alerting, 2);
      await workers.beat('video-render');
      await afterChecks(alerting, 2);
    }
    await telegram.waitFor((sent) => sent.length >= 2 * FLAPS, 10_000, 'every flap');
    await afterChecks(alerting, 5);
    const events = ledger(telegram);
    expect(ledgerProblems(events)).toEqual([]);
    expect(downAtEnd(events)).toEqual([]);
    expect(events).toEqual(
      Array.from({ length: FLAPS }).flatMap(() => [
        { subject: 'worker:video-render', kind: 'down' },
        { subject: 'worker:video-render', kind: 'up' },
      ]),
    );
    const summary = await poller.stop();
    expect(summary.problems.slice(0, 3)).toEqual([]);
    expect(summary.maxMs).toBeLessThan(COLLECT_TIMEOUT_MS + LOADED_MACHINE_SLACK_MS);
    expect(exporter.exitStatus()).toBeNull();
  });

  it('with ALERT_HOLD_FOR_S, flaps shorter than the hold are not announced at all', async () => {
    const { alerting, telegram } = await start({ holdForS: 5 });
    for (let flap = 0; flap < FLAPS; flap += 1) {
      await workers.kill('video-render');
      // Down for about 0.3 s: a sixteenth of the hold, so even a slow machine stays inside it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await workers.beat('video-render');
      await afterChecks(alerting, 2);
    }
    await afterChecks(alerting, 5);
    expect(telegram.sent).toEqual([]);
  });
});
