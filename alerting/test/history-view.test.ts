import { describe, expect, it } from 'vitest';
import { renderHistory, renderReport } from '../src/history/history-view.js';
import { reliabilityReport } from '../src/history/reliability-report.js';
import { TELEGRAM_MAX_CHARS } from '../src/html.js';

const AT = Date.UTC(2026, 11, 2, 0, 13);

describe('history views', () => {
  it.each([
    ['ko', 'Asia/Seoul', '12/02 09:13 🔕 무음 (a&lt;b&gt;) · kim &amp; lee'],
    ['en', 'UTC', '02/12 00:13 🔕 silenced (a&lt;b&gt;) · kim &amp; lee'],
  ] as const)('escapes names and shows times in the zone (%s)', (lang, zone, line) => {
    const { html } = renderHistory(
      'a<b>',
      [
        {
          type: 'silenced',
          at: AT,
          target: 'a<b>',
          until: AT + 1,
          by: { id: 1, name: 'kim & lee' },
        },
      ],
      lang,
      zone,
    );
    expect(html.split('\n')[1]).toBe(line);
  });

  it('splits the report of a big fleet into numbered messages of at most 4096 characters', () => {
    const workers = Array.from({ length: 400 }, (_, i) => `worker-with-a-long-name-${i}`);
    const report = reliabilityReport(
      workers.map((worker) => ({
        type: 'down',
        at: AT,
        worker,
        since: AT,
        atBoot: false,
        quiet: false,
      })),
      { from: AT - 7 * 86_400_000, to: AT + 3_600_000, workers },
    );
    const parts = renderReport(report, 'en', 'UTC');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.html.length).toBeLessThanOrEqual(TELEGRAM_MAX_CHARS);
    const text = parts.map((part) => part.plain).join('\n');
    for (const worker of workers) expect(text).toContain(`${worker} `);
    expect(parts.at(-1)?.plain).toMatch(new RegExp(`\\(${parts.length}/${parts.length}\\)$`));
  });
});
