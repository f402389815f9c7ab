import { Collector, createRedisClient, DEFAULT_FLEET } from '@fleet/core';
import { TlsRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A private CA made by openssl, a server certificate for 127.0.0.1 that it signed, and a client
// certificate: `rediss://` as a NAS usually runs it.
let server: TlsRedisServer;
let url: string;
beforeAll(async () => {
  server = await TlsRedisServer.start();
  url = server.url;
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

async function ping(tls?: Parameters<typeof createRedisClient>[0]['tls']): Promise<string> {
  const client = createRedisClient({ url, ...(tls ? { tls } : {}) });
  try {
    return await new Promise<string>((resolve) => {
      client.once('ready', () => client.ping().then(resolve, (e: Error) => resolve(e.message)));
      client.once('error', (error: Error) => resolve(error.message));
    });
  } finally {
    client.disconnect();
  }
}

describe('rediss:// with a private CA', () => {
  it('fails without the CA, as it did before these settings', async () => {
    expect(await ping()).toMatch(/self[- ]signed certificate in certificate chain/);
  });

  it('connects with the CA file and a client certificate, and the collector reads through it', async () => {
    const tls = server.files;
    expect(await ping(tls)).toBe('PONG');
    const redis = createRedisClient({ url, tls });
    const collector = new Collector({ redis, fleet: DEFAULT_FLEET });
    const document = await collector.collect();
    await collector.close();
    redis.disconnect();
    expect(document).toMatchObject({ redis_ok: true, redis_error: null });
  });

  it('a server that wants a client certificate refuses one without it', async () => {
    expect(await ping({ redisTlsCaFile: server.files.redisTlsCaFile })).not.toBe('PONG');
  });
});
