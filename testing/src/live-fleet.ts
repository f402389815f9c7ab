// The real system, small and fast: a private redis-server, the simulator driving the six workers
// (beating every 500 ms with a 2 s TTL instead of 15 s / 45 s), the exporter and the alerting
// service, each on a free loopback port.

import { startAlerting } from '@fleet/alerting';
import { createLogger } from '@fleet/core';
import { startExporter } from '@fleet/exporter';
import { FleetSimulator } from '@fleet/simulator';
import type { Redis } from 'ioredis';
import { TestRedisServer } from './redis-server.js';

export interface LiveFleet {
  redisServer: TestRedisServer;
  simulator: FleetSimulator;
  exporterUrl: string;
  alertingUrl: string;
  /** Heartbeat TTL the simulated workers use. */
  ttlS: number;
  close(): Promise<void>;
}

export async function startLiveFleet(): Promise<LiveFleet> {
  const ttlS = 2;
  const redisServer = await TestRedisServer.start();
  const client: Redis = redisServer.client();
  const quiet = (service: string) => createLogger(service, 'silent');
  const simulator = new FleetSimulator({ redis: client, beatIntervalMs: 500, ttlS, jobMs: 200 });
  simulator.start();
  simulator.setTrickle(100);
  const exporter = await startExporter({
    redisUrl: redisServer.url,
    port: 0,
    host: '127.0.0.1',
    logger: quiet('exporter'),
  });
  const alerting = await startAlerting({
    redisUrl: redisServer.url,
    port: 0,
    host: '127.0.0.1',
    intervalS: 1,
    logger: quiet('alerting'),
  });
  let closing: Promise<void> | undefined;
  return {
    redisServer,
    simulator,
    exporterUrl: exporter.url,
    alertingUrl: `http://127.0.0.1:${alerting.port}`,
    ttlS,
    close() {
      closing ??= (async () => {
        await alerting.close();
        await exporter.close();
        await simulator.close({ cleanup: false });
        client.disconnect();
        await redisServer.stop();
      })();
      return closing;
    },
  };
}
