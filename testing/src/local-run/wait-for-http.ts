import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceProcess } from './service-process.js';

export class ServiceStartError extends Error {
  override name = 'ServiceStartError';
}

/** Polls `url` until it answers 200; fails early if `service` exits, or after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  service: ServiceProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!service.running) throw new ServiceStartError(`${service.name} exited before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new ServiceStartError(`${service.name} did not answer ${url} within ${timeoutMs / 1000} s`);
}
