import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector, createRedisClient, DEFAULT_FLEET } from '@fleet/core';
import { freePort, requireBinary, TestRedisServer } from '@fleet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A private CA made by openssl, a server certificate for 127.0.0.1 that it signed, and a client
// certificate: `rediss://` as a NAS usually runs it.
const dir = mkdtempSync(join(tmpdir(), 'fleet-tls-'));
const file = (name: string) => join(dir, name);
let server: TestRedisServer;
let url: string;

function makeCertificates(): void {
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  const script = `
    set -e
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Fleet test CA" -keyout ca.key -out ca.crt
    for name in server client; do
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout $name.key -out $name.csr
      openssl x509 -req -in $name.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \\
        -extfile $name.ext -out $name.crt
    done`;
  execFileSync('sh', ['-c', script], { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  requireBinary('openssl', 'openssl');
  makeCertificates();
  const tlsPort = await freePort();
  server = await TestRedisServer.start({
    args: [
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      file('server.crt'),
      '--tls-key-file',
      file('server.key'),
      '--tls-ca-cert-file',
      file('ca.crt'),
      '--tls-auth-clients',
      'yes',
    ],
  });
  url = `rediss://127.0.0.1:${tlsPort}`;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
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
    const tls = {
      redisTlsCaFile: file('ca.crt'),
      redisTlsCertFile: file('client.crt'),
      redisTlsKeyFile: file('client.key'),
    };
    expect(await ping(tls)).toBe('PONG');
    const redis = createRedisClient({ url, tls });
    const collector = new Collector({ redis, fleet: DEFAULT_FLEET });
    const document = await collector.collect();
    await collector.close();
    redis.disconnect();
    expect(document).toMatchObject({ redis_ok: true, redis_error: null });
  });

  it('a server that wants a client certificate refuses one without it', async () => {
    expect(await ping({ redisTlsCaFile: file('ca.crt') })).not.toBe('PONG');
  });
});
