import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireBinary } from '@fleet/testing';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const rulesFile = `${root}prometheus/rules/fleet-alerts.yml`;
const testsFile = `${root}prometheus/tests/fleet-alerts.test.yml`;

async function promtool(...args: string[]): Promise<string> {
  const promtoolPath = requireBinary('promtool', 'prometheus');
  try {
    const { stdout, stderr } = await run(promtoolPath, args, { cwd: root });
    return stdout + stderr;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new Error(
      `promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`,
    );
  }
}

describe('Prometheus rules for Alertmanager users (promtool)', () => {
  it('are valid rules', async () => {
    expect(await promtool('check', 'rules', rulesFile)).toContain('SUCCESS: 11 rules found');
  });

  it('pass their unit tests (promtool test rules)', async () => {
    expect(await promtool('test', 'rules', testsFile)).toContain('SUCCESS');
  });

  it('test every alert firing, and quiet, at least once', () => {
    const alerts = [...readFileSync(rulesFile, 'utf8').matchAll(/^\s+- alert: (\w+)$/gm)].map(
      (m) => m[1],
    );
    const tests = readFileSync(testsFile, 'utf8');
    expect(alerts).toEqual([
      'FleetRedisDown',
      'FleetWorkerDown',
      'FleetDeadLetters',
      'FleetQueueStuck',
      'FleetHeartbeatStale',
      'FleetHeartbeatInvalid',
      'FleetMetricsAbsent',
      'FleetAlertingDown',
      'FleetAlertingChecksStale',
      'FleetAlertingOutboxStuck',
      'FleetAlertingMessageRejected',
    ]);
    for (const alert of alerts) {
      // A firing expectation: the alert name followed by a non-empty exp_alerts list.
      expect(tests).toMatch(
        new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`),
      );
      expect(tests).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts: \\[\\]`));
    }
  });
});
