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

/** GitHub's anchor of a Markdown heading: lower case, spaces to hyphens, punctuation dropped. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');

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
    expect(await promtool('check', 'rules', rulesFile)).toContain('SUCCESS: 13 rules found');
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
      'FleetAlertingTelegramAuthFailed',
      'FleetAlertingPushFailing',
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

  it('give every alert a runbook_url: its own section of a file that exists', () => {
    // Each alert's text runs from its `- alert:` line to the next rule or group.
    const blocks = readFileSync(rulesFile, 'utf8').split(/^\s+- (?=alert: |record: |name: )/m);
    const alertBlocks = blocks.filter((block) => block.startsWith('alert: '));
    expect(alertBlocks).toHaveLength(13);
    for (const block of alertBlocks) {
      const alert = /^alert: (\w+)/.exec(block)?.[1] ?? '';
      const url = /^\s+runbook_url: (\S+)$/m.exec(block)?.[1];
      expect(url, `${alert} has a runbook_url`).toBe(`docs/runbook.md#${alert.toLowerCase()}`);
      const [file = '', anchor] = (url ?? '').split('#');
      const headings = readFileSync(`${root}${file}`, 'utf8').matchAll(/^#+ (.+)$/gm);
      expect([...headings].map((m) => anchorOf(m[1] ?? ''))).toContain(anchor);
    }
  });
});
