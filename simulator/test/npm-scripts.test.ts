import { killLeftovers, run } from '@fleet/testing';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(killLeftovers);

/** `npm run <script>` from the repository root, with one bad setting so the service stops at once. */
async function runScript(script: string, env: Record<string, string>) {
  const child = run('npm', ['run', script], { ...process.env, ...env });
  const code = await child.exited;
  return { code, lines: child.output().trim().split('\n') };
}

describe('npm run exporter|alerting (the first screen is about the service)', () => {
  it.each([
    ['alerting', { ALERT_INTERVAL_S: 'soon' }, /ALERT_INTERVAL_S/],
    ['exporter', { EXPORTER_PORT: 'http' }, /EXPORTER_PORT/],
  ])(
    '%s: rebuilds only what changed, quietly, and shows a bad setting first',
    async (script, env, message) => {
      // Twice: the first may have something to rebuild, the second has nothing.
      await runScript(script, env);
      const { code, lines } = await runScript(script, env);
      expect(code).toBe(2);
      // npm's own two-line banner, then the service's message.
      const ours = lines.filter((line) => line.trim() !== '' && !line.startsWith('> '));
      expect(ours, lines.join('\n')).toHaveLength(1);
      expect(ours[0]).toMatch(message);
    },
    120_000,
  );
});
