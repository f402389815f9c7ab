import { formatLogLine } from '@fleet/testing/local-run';
import { describe, expect, it } from 'vitest';

const prefix = { label: 'exporter', width: 9, colorCode: 36, color: false };

describe('formatLogLine (demo output)', () => {
  it.each([
    [
      'a pino info line',
      '{"level":30,"time":"2026-11-26T07:05:43.123Z","service":"exporter","name":"exporter","pid":1,"hostname":"h","msg":"exporter listening","port":8790}',
      '07:05:43 exporter  │ INFO  exporter listening  port=8790',
    ],
    [
      'a warning with an error and an object',
      '{"level":40,"time":"2026-11-26T07:05:43.123Z","msg":"beat failed","err":{"type":"Error","message":"ECONNREFUSED"},"workers":["a","b"]}',
      '07:05:43 exporter  │ WARN  beat failed  err=ECONNREFUSED workers=["a","b"]',
    ],
    ['a plain line', 'redis is starting', '         exporter  │ redis is starting'],
    ['broken JSON', '{"level":', '         exporter  │ {"level":'],
    [
      'a multi-line alert text',
      '{"level":30,"time":"2026-11-26T07:05:57.000Z","msg":"alert","text":"🔴 [video-render] 워커 다운\\n마지막 하트비트 4초 전"}',
      '07:05:57 exporter  │ INFO  alert  text=🔴 [video-render] 워커 다운\n                  │       마지막 하트비트 4초 전',
    ],
  ])('formats %s', (_case, line, expected) => {
    expect(formatLogLine(line, prefix)).toBe(expected);
  });

  it('colours the label and warning levels only when asked', () => {
    const line = '{"level":50,"time":"2026-11-26T07:05:43.123Z","msg":"down"}';
    expect(formatLogLine(line, { ...prefix, color: true })).toContain('\x1b[31mERROR');
    expect(formatLogLine(line, prefix)).not.toContain('\x1b[');
  });
});
