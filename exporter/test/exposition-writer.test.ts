import { spawnSync } from 'node:child_process';
import { requireBinary } from '@fleet/testing';
import { describe, expect, it } from 'vitest';
import { ExpositionWriter, labelSet } from '../src/metrics/exposition-writer.js';

describe('labelSet', () => {
  it.each([
    [{}, ''],
    [{ worker: 'music-render' }, '{worker="music-render"}'],
    [{ worker: 'a', state: 'idle' }, '{worker="a",state="idle"}'],
    [{ worker: 'say "hi"' }, '{worker="say \\"hi\\""}'],
    [{ worker: 'back\\slash' }, '{worker="back\\\\slash"}'],
    [{ worker: 'two\nlines' }, '{worker="two\\nlines"}'],
    [{ worker: '한글 ✓' }, '{worker="한글 ✓"}'],
  ])('%j → %s', (labels, expected) => {
    expect(labelSet(labels)).toBe(expected);
  });
});

describe('ExpositionWriter', () => {
  it('writes families as prom-client does: HELP, TYPE, samples, a blank line between', () => {
    const text = new ExpositionWriter()
      .family('a_up', 'gauge', 'Help with a \\ and a\nnewline.')
      .sample('', 1)
      .family('b_total', 'counter', 'Counts.')
      .sample('{worker="x"}', 2.5)
      .sample('{worker="y"}', 0)
      .bytes()
      .toString();
    expect(text).toBe(
      [
        '# HELP a_up Help with a \\\\ and a\\nnewline.',
        '# TYPE a_up gauge',
        'a_up 1',
        '',
        '# HELP b_total Counts.',
        '# TYPE b_total counter',
        'b_total{worker="x"} 2.5',
        'b_total{worker="y"} 0',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [1_764_150_000.123, '1764150000.123'],
    [-0.5, '-0.5'],
  ])('writes the value %d as %s', (value, expected) => {
    expect(
      new ExpositionWriter().family('v', 'gauge', 'v').sample('', value).bytes().toString(),
    ).toContain(`\nv ${expected}\n`);
  });

  it('keeps every byte over many flushes and buffer growths, multi-byte characters included', () => {
    const out = new ExpositionWriter().family('fleet_worker_up', 'gauge', 'Up.');
    const expected = ['# HELP fleet_worker_up Up.', '# TYPE fleet_worker_up gauge'];
    for (let i = 0; i < 20_000; i += 1) {
      out.sample(labelSet({ worker: `렌더-${i}` }), i % 2);
      expected.push(`fleet_worker_up{worker="렌더-${i}"} ${i % 2}`);
    }
    const bytes = out.bytes();
    expect(bytes.length).toBeGreaterThan(500_000);
    expect(bytes.toString('utf8')).toBe(`${expected.join('\n')}\n`);
  });

  it('writes nothing without families, and refuses a sample before its family', () => {
    expect(new ExpositionWriter().bytes().toString()).toBe('');
    expect(() => new ExpositionWriter().sample('', 1)).toThrow('sample() before family()');
  });

  it('writes what promtool accepts, hostile label values included', () => {
    requireBinary('promtool', 'prometheus');
    const out = new ExpositionWriter().family('fleet_worker_up', 'gauge', 'Up.');
    for (const worker of ['plain', 'say "hi"', 'back\\slash', 'two\nlines', '{}=,'])
      out.sample(labelSet({ worker }), 1);
    const result = spawnSync('promtool', ['check', 'metrics'], {
      input: out.bytes(),
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});
