import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, TestRedisServer } from '@fleet/testing';
import { afterChecks, CapturedLog, fastOptions, Workers } from '@fleet/testing/alerting';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertingService, startAlerting } from '../src/alerting-service.js';

/** The part of a Healthchecks push URL that lets anyone ping the check: never in a log line. */
const SECRET = '5f0c2b7e-secret-check-uuid';

type Answer = 'ok' | 'fail' | 'hang';

/** A push target (Healthchecks / Uptime Kuma): records each request, answers as told. */
async function startPushTarget(answer: Answer) {
  const requests: { method: string; path: string }[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '' });
    if (answer === 'hang') hanging.add(response);
    else response.writeHead(answer === 'ok' ? 200 : 500).end(answer === 'ok' ? 'OK' : 'no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ping/${SECRET}`,
    requests,
    async stop() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(answer: Answer) {
  const redis = await TestRedisServer.start();
  cleanups.push(() => redis.stop());
  const target = await startPushTarget(answer);
  cleanups.push(() => target.stop());
  const client = redis.client();
  await new Workers(client).beatAll();
  client.disconnect();
  const log = new CapturedLog();
  const service = await startAlerting(fastOptions(redis, null, log, { pushUrl: target.url }));
  cleanups.push(() => service.close());
  return { redis, target, log, service };
}

async function count(service: AlertingService, metric: 'checks' | 'pushes', result: string) {
  const values = (await service.metrics[metric].get()).values;
  return values.find((value) => value.labels.result === result)?.value ?? 0;
}

describe("dead man's switch (ALERT_PUSH_URL)", () => {
  it('is called once after each successful check, not while Redis cannot be read, and again once it can', async () => {
    const { redis, target, service } = await setUp('ok');
    await afterChecks(service, 3);
    expect(target.requests.length).toBeGreaterThanOrEqual(2);
    expect(target.requests.every((r) => r.method === 'GET' && r.path === `/ping/${SECRET}`)).toBe(
      true,
    );

    await redis.kill();
    const downChecks = await count(service, 'checks', 'redis_down');
    await eventually(
      async () => (await count(service, 'checks', 'redis_down')) >= downChecks + 1,
      10_000,
      'a check that cannot read Redis',
    );
    // Successful checks stopped: every one of them has been pushed (a push may still have been
    // on its way), and no failing check adds a push.
    const okChecks = await count(service, 'checks', 'ok');
    await eventually(
      async () => target.requests.length + (await count(service, 'pushes', 'skipped')) === okChecks,
      10_000,
      'the pushes of the successful checks',
    );
    const pushedBefore = target.requests.length;
    await eventually(
      async () => (await count(service, 'checks', 'redis_down')) >= downChecks + 4,
      10_000,
      'three more failing checks',
    );
    expect(await count(service, 'checks', 'ok')).toBe(okChecks);
    expect(target.requests).toHaveLength(pushedBefore);

    await redis.restart();
    await eventually(
      async () => target.requests.length >= pushedBefore + 2,
      10_000,
      'pushes after Redis is back',
    );
    await service.close();
    expect(await count(service, 'pushes', 'error')).toBe(0);
    expect(target.requests.length + (await count(service, 'pushes', 'skipped'))).toBe(
      await count(service, 'checks', 'ok'),
    );
  });

  it('a target answering 500 is counted and logged without the secret; checks go on', async () => {
    const { target, log, service } = await setUp('fail');
    await afterChecks(service, 4);
    await eventually(
      async () => (await count(service, 'pushes', 'error')) >= 2,
      10_000,
      'failed pushes',
    );
    const failures = log.lines.filter((line) => line.includes("dead man's switch push failed"));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toContain(new URL(target.url).origin);
    expect(failures[0]).toContain('HTTP 500');
    expect(log.text).not.toContain(SECRET);
  });

  it('a target that never answers does not hold up the checks: the pushes due meanwhile are skipped', async () => {
    const { target, service } = await setUp('hang');
    await eventually(async () => target.requests.length === 1, 10_000, 'the first push');
    await afterChecks(service, 4);
    expect(target.requests).toHaveLength(1);
    expect(await count(service, 'pushes', 'skipped')).toBeGreaterThanOrEqual(3);
    await service.close(); // cuts the waiting push short instead of waiting for its timeout
    expect(await count(service, 'pushes', 'error')).toBe(0);
  });
});
