import type { AlertingService } from '@fleet/alerting';
import type { FakeTelegramServer } from '@fleet/testing';
import { eventually, TestRedisServer } from '@fleet/testing';
import { afterChecks, type CapturedLog, Workers } from '@fleet/testing/alerting';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ledger, startAlertingWithTelegram } from './support/stack.js';

/** Longer than alerting's 1.5 s command timeout, so its commit times out but runs later. */
const PAUSE_MS = 4000;

let redis: TestRedisServer;
let client: Redis;
let alerting: AlertingService;
let telegram: FakeTelegramServer;
let log: CapturedLog;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  client = redis.client();
  await new Workers(client).beatAll();
  ({ alerting, telegram, log } = await startAlertingWithTelegram(redis));
  await afterChecks(alerting, 2);
});
afterAll(async () => {
  await alerting?.close();
  await telegram?.stop();
  client?.disconnect();
  await redis?.stop();
});

it('an alert raised while Redis holds writes (CLIENT PAUSE WRITE, as in a failover) is sent once', async () => {
  await new Workers(client).kill('video-render');
  const pausedAt = performance.now();
  await client.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'WRITE');
  await telegram.waitFor((sent) => sent.length >= 1, 10_000, 'the down message');
  // Past the end of the pause, when Redis runs the writes it held.
  await eventually(
    () => performance.now() - pausedAt > PAUSE_MS,
    PAUSE_MS + 1000,
    'the pause to end',
  );
  await afterChecks(alerting, 10, 20_000);
  // The pause outlasted the commit's command timeout: alerting held the message in memory and
  // sent it, while Redis ran the timed-out commit (with the same message) once the pause ended.
  expect(log.messages()).toContain('could not save the alert state');
  expect(ledger(telegram)).toEqual([{ subject: 'worker:video-render', kind: 'down' }]);
}, 60_000);
