import { createServer } from 'node:net';
import { freePort } from '../redis-server.js';

/** True when nothing listens on `port` at `host` (we could bind it ourselves). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/**
 * `preferred` when free; otherwise another free port when the caller may change it, else an
 * error naming the variable that chose it.
 */
export async function choosePort(
  preferred: number,
  host: string,
  setting: { variable: string; explicit: boolean },
): Promise<{ port: number; moved: boolean }> {
  if (await isPortFree(preferred, host)) return { port: preferred, moved: false };
  if (setting.explicit) {
    throw new PortTakenError(`${setting.variable}=${preferred}: that port is already in use`);
  }
  return { port: await freePort(), moved: true };
}
