// docker-compose.yml and the Dockerfile, read as configuration (docker-compose v1's `config`) and
// checked for what the NAS deployment relies on. `npm run test:deploy` builds and runs them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireBinary } from '@fleet/testing';
import { tempDir } from '@fleet/testing/vitest';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  logging?: unknown;
  mem_limit?: string;
  init?: boolean;
  read_only?: boolean;
  restart?: string;
  healthcheck?: { test: string[] | string };
  environment?: Record<string, string | null>;
  secrets?: { source: string }[];
  group_add?: (string | number)[];
  /** `source:target[:mode]` (docker-compose 1.x prints the short form). */
  volumes?: string[];
  profiles?: string[];
  ports?: { target: number }[];
  entrypoint?: string[];
}
interface ComposeConfig {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

function compose(args: string[], env: Record<string, string> = {}): string {
  requireBinary('docker-compose', 'docker-compose');
  return execFileSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** One stage of the Dockerfile: from its `FROM … AS <name>` to the next FROM. */
function stage(name: string): string {
  const start = dockerfile.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
  if (start < 0) throw new Error(`the Dockerfile has no stage ${name}`);
  const next = dockerfile.indexOf('\nFROM ', start + 1);
  return dockerfile.slice(start, next < 0 ? undefined : next);
}

const config = (): ComposeConfig => parse(compose(['--env-file', '.env.example', 'config']));

function mounts(service: Service | undefined): { source: string; target: string }[] {
  return (service?.volumes ?? []).map((volume) => {
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

describe('docker-compose.yml', () => {
  // docker-compose 1.x prints every service whatever the profile, so profiles are read, not applied.
  const base = config();
  const trial = base;

  it('is valid for docker-compose config, with and without the trial profile', () => {
    expect(compose(['--env-file', '.env.example', 'config', '-q'])).toBe('');
    expect(compose(['--env-file', '.env.example', '--profile', 'trial', 'config', '-q'])).toBe('');
  });

  it('runs the five services on the NAS, and its own Redis + simulator only in the trial', () => {
    const byProfile = (profile: string | undefined) =>
      Object.entries(base.services)
        .filter(([, service]) => service.profiles?.[0] === profile)
        .map(([name]) => name)
        .sort();
    expect(byProfile(undefined)).toEqual([
      'alerting',
      'alertmanager',
      'exporter',
      'grafana',
      'prometheus',
    ]);
    expect(byProfile('trial')).toEqual(['redis', 'simulator']);
    // The simulator must never write into the NAS's Redis, whatever .env says.
    expect(trial.services.simulator?.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('stops with a message naming REDIS_URL when it is not set', () => {
    const env = join(tempDir('fleet-compose-'), '.env');
    writeFileSync(env, '# nothing set\n');
    let message = '';
    try {
      compose(['--env-file', env, 'config', '-q']);
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toMatch(/set REDIS_URL in \.env/);
  });

  it.each(['exporter', 'alerting', 'prometheus', 'alertmanager', 'grafana', 'redis'])(
    '%s restarts by itself and has a healthcheck (in compose or in its image)',
    (name) => {
      const service = trial.services[name];
      expect(service?.restart).toBe('unless-stopped');
      const target = service?.build?.target;
      const inImage = target && /^HEALTHCHECK .*CMD /m.test(stage(target).replace(/\\\n/g, ''));
      expect(service?.healthcheck?.test ?? inImage, name).toBeTruthy();
    },
  );

  it.each(Object.keys(base.services))(
    '%s: rotated logs, a memory limit, a replaceable image',
    (name) => {
      const service = base.services[name];
      // A NAS disk must not fill with container logs.
      expect(service?.logging).toEqual({
        driver: 'json-file',
        options: { 'max-size': '10m', 'max-file': '3' },
      });
      expect(service?.mem_limit, name).toBeTruthy();
      // Third-party images are variables (the deploy test swaps in local stand-ins).
      if (!service?.build) {
        const raw = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
        expect(raw).toMatch(new RegExp(`image: \\$\\{[A-Z_]+_IMAGE:-${service?.image}\\}`));
      }
    },
  );

  it('keeps Prometheus data on a named volume', () => {
    expect(mounts(base.services.prometheus)).toContainEqual({
      source: 'prometheus-data',
      target: '/prometheus',
    });
  });

  it.each(['exporter', 'alerting', 'simulator'])(
    '%s builds its target of the one multi-stage Dockerfile, non-root, without dev dependencies',
    (name) => {
      const build = trial.services[name]?.build;
      expect(relative(root, join(build?.context ?? '', build?.dockerfile ?? ''))).toBe(
        'Dockerfile',
      );
      expect(build?.target).toBe(name);
      expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      // Every base is an argument whose default is the public image.
      expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
      expect(
        dockerfile
          .match(/^FROM (\S+)/gm)
          ?.every((from) => /^FROM (\$\{NODE_(BUILD_)?IMAGE\}|[a-z-]+)$/.test(from)),
      ).toBe(true);
      expect(stage('build')).toMatch(/npm ci --no-audit/);
      expect(stage(`deps-${name}`)).toMatch(
        new RegExp(`npm ci --omit=dev .*--workspace=@fleet/${name} --workspace=@fleet/core`),
      );
      expect(stage(name)).toMatch(/^USER node$/m);
      expect(stage(name)).toMatch(new RegExp(`CMD \\["node", "${name}/dist/`));
      expect(trial.services[name]).toMatchObject({ init: true, read_only: true });
    },
  );

  it('ships the built panel inside the exporter image', () => {
    expect(stage('build')).toMatch(/npm run build -w panel/);
    expect(stage('exporter')).toMatch(/COPY --from=build \/app\/panel\/dist panel\/dist/);
  });

  it("mounts the build machine's CA bundle only as a build secret", () => {
    // Each npm ci may read the secret; no stage copies or adds a CA file.
    const runs = dockerfile
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith('RUN ') && line.includes('npm ci'));
    expect(runs.length).toBe(4);
    for (const line of runs) expect(line).toMatch(/^RUN --mount=type=secret,id=npm_ca,/);
    expect(dockerfile).not.toMatch(/^(COPY|ADD) .*(\.crt|\.pem|cafile)/im);
  });

  it('passes the Telegram bot token as a compose secret file, never as a variable', () => {
    const alerting = base.services.alerting;
    expect(alerting?.environment?.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(alerting?.environment?.TELEGRAM_BOT_TOKEN_FILE).toBe('/run/secrets/telegram_bot_token');
    expect(alerting?.secrets?.map((s) => s.source)).toEqual(['telegram_bot_token']);
    // Unset unless .env sets it: the service rejects an empty chat id (log-only needs none).
    expect(alerting?.environment?.TELEGRAM_CHAT_ID).toBeNull();
    expect(relative(root, base.secrets.telegram_bot_token?.file ?? '')).toBe(
      'secrets/telegram_bot_token',
    );
    const alertmanager = base.services.alertmanager;
    expect(alertmanager?.environment?.TELEGRAM_BOT_TOKEN_FILE).toBe(
      '/run/secrets/telegram_bot_token',
    );
    expect(alertmanager?.secrets?.map((s) => s.source)).toEqual(['telegram_bot_token']);
    expect(alertmanager?.environment?.TELEGRAM_CHAT_ID).toBeNull();
    expect(base.services.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe(
      '/run/secrets/grafana_admin_password',
    );
  });

  it('lets the services that read a secret join FLEET_SECRETS_GID, so the files can be 0440', () => {
    const withSecrets = Object.entries(base.services)
      .filter(([, service]) => (service.secrets ?? []).length > 0)
      .map(([name]) => name);
    expect(withSecrets.sort()).toEqual(['alerting', 'alertmanager', 'grafana']);
    const groups = (env: Record<string, string>) =>
      parse(compose(['--env-file', '.env.example', 'config'], env)) as ComposeConfig;
    for (const name of withSecrets) {
      // Unset: nogroup, which grants nothing.
      expect(base.services[name]?.group_add?.map(String)).toEqual(['65534']);
      expect(groups({ FLEET_SECRETS_GID: '1026' }).services[name]?.group_add?.map(String)).toEqual([
        '1026',
      ]);
    }
  });

  it('provisions Grafana and opens the fleet dashboard on its home page', () => {
    const grafana = base.services.grafana;
    const hostPathOf = (containerPath: string) => {
      const mount = mounts(grafana).find((m) => containerPath.startsWith(`${m.target}/`));
      return mount && join(mount.source, containerPath.slice(mount.target.length));
    };
    const home = grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(relative(root, hostPathOf(home) ?? '')).toBe(
      'dashboards/grafana/dashboards/fleet-overview.json',
    );
    for (const file of [
      '/etc/grafana/provisioning/datasources/prometheus.yml',
      '/etc/grafana/provisioning/dashboards/fleet-monitor.yml',
    ]) {
      const host = hostPathOf(file);
      expect(host && existsSync(host), file).toBe(true);
    }
  });

  it('gives Prometheus its config and the rules where prometheus.yml looks for them', () => {
    const target = (source: string) =>
      mounts(base.services.prometheus).find((m) => relative(root, m.source) === source)?.target;
    expect(target('prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    const promConfig = parse(readFileSync(join(root, 'prometheus.yml'), 'utf8'));
    // rule_files resolve against the config file's directory, in the repo and in the container.
    expect(promConfig.rule_files).toEqual(['prometheus/rules/*.yml']);
    expect(target('prometheus/rules')).toBe('/etc/prometheus/prometheus/rules');
  });

  it('has Prometheus scrape the compose services on their container ports', () => {
    const promConfig = parse(readFileSync(join(root, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(
      promConfig.scrape_configs.map((job) => [job.job_name, job.static_configs[0]?.targets[0]]),
    );
    // The exporter's /metrics is on its internal port, which is not published.
    const exporter = base.services.exporter;
    const internal = exporter?.environment?.EXPORTER_INTERNAL_PORT;
    expect(targets['fleet-exporter']).toBe(`exporter:${internal}`);
    expect(exporter?.ports?.map((p) => p.target)).toEqual([8790]);
    expect(targets['fleet-alerting']).toBe(
      `alerting:${base.services.alerting?.ports?.[0]?.target}`,
    );
  });

  it('has Prometheus send alerts to the compose Alertmanager, which runs the entrypoint', () => {
    const promConfig = parse(readFileSync(join(root, 'prometheus.yml'), 'utf8'));
    const port = base.services.alertmanager?.ports?.[0]?.target;
    expect(promConfig.alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      `alertmanager:${port}`,
    ]);
    const mount = mounts(base.services.alertmanager).find(
      (m) => relative(root, m.source) === 'alertmanager',
    );
    const entrypoint = base.services.alertmanager?.entrypoint ?? [];
    expect(entrypoint.at(-1)).toBe(`${mount?.target}/entrypoint.sh`);
    expect(existsSync(join(root, 'alertmanager', 'entrypoint.sh'))).toBe(true);
  });
});
