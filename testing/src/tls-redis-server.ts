import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, TestRedisServer } from './redis-server.js';

/** The PEM files of a private CA and a client certificate it signed, as REDIS_TLS_* take them. */
export interface TlsFiles {
  redisTlsCaFile: string;
  redisTlsCertFile: string;
  redisTlsKeyFile: string;
}

/**
 * A private `redis-server` speaking only TLS (`rediss://`, `tls-auth-clients yes`), its
 * certificate signed by a CA made by openssl for this server alone: Redis as a NAS usually runs
 * it. `stop()` stops the server and removes the certificates.
 */
export class TlsRedisServer {
  private constructor(
    readonly server: TestRedisServer,
    readonly url: string,
    readonly files: TlsFiles,
    private readonly dir: string,
  ) {}

  static async start(): Promise<TlsRedisServer> {
    requireBinary('openssl', 'openssl');
    const dir = mkdtempSync(join(tmpdir(), 'fleet-tls-'));
    const file = (name: string) => join(dir, name);
    try {
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
      const tlsPort = await freePort();
      const server = await TestRedisServer.start({
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
      const files = {
        redisTlsCaFile: file('ca.crt'),
        redisTlsCertFile: file('client.crt'),
        redisTlsKeyFile: file('client.key'),
      };
      return new TlsRedisServer(server, `rediss://127.0.0.1:${tlsPort}`, files, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Safe to call twice. */
  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
