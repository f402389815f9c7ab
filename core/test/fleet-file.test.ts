import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET, FleetConfigError, loadFleet } from '@fleet/core';
import { tempDir } from '@fleet/testing/vitest';
import { describe, expect, it } from 'vitest';

const dir = tempDir('fleet-file-');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadFleet', () => {
  it('is the default fleet when FLEET_CONFIG is unset', () => {
    expect(loadFleet(undefined)).toBe(DEFAULT_FLEET);
  });

  it('reads YAML and fills defaults', () => {
    const path = file(
      'fleet.yml',
      'workers:\n  - name: gpu-render\n    kind: render\n    stuck_after_s: 7200\n  - name: bot\n    kind: trader\n    host: nas\n',
    );
    expect(loadFleet(path).workers).toEqual([
      {
        name: 'gpu-render',
        kind: 'render',
        host: 'windows',
        queue: 'queue:gpu-render',
        link: { from: 'nas', to: 'gpu-render', type: 'redis-queue' },
        stuckAfterS: 7200,
        takeFrom: 'right',
        retryTo: 'front',
      },
      {
        name: 'bot',
        kind: 'trader',
        host: 'nas',
        queue: null,
        link: { from: 'bot', to: 'nas-stock', type: 'http-pull' },
        stuckAfterS: null,
        takeFrom: 'right',
        retryTo: 'front',
      },
    ]);
  });

  it('reads which end workers take from and where retries go', () => {
    const path = file(
      'fleet.yml',
      'workers:\n  - name: r\n    kind: render\n    take_from: left\n    retry_to: back\n',
    );
    expect(loadFleet(path).workers[0]).toMatchObject({ takeFrom: 'left', retryTo: 'back' });
    expect(() =>
      loadFleet(
        file('bad-end.yml', 'workers:\n  - name: r\n    kind: render\n    retry_to: middle\n'),
      ),
    ).toThrow(/retry_to/);
  });

  it('reads JSON', () => {
    const path = file('fleet.json', '{"workers":[{"name":"w","kind":"watcher"}]}');
    expect(loadFleet(path).workers.map((w) => w.name)).toEqual(['w']);
  });

  it.each([
    ['a missing file', join(dir, 'absent.yml'), /FLEET_CONFIG: cannot read .*absent\.yml/],
    ['a file that does not parse', file('broken.json', '{"workers": ['), /does not parse/],
    ['an invalid fleet', file('bad.yml', 'workers:\n  - name: x\n'), /workers\.0\.kind/],
  ])('rejects %s with a message naming FLEET_CONFIG', (_case, path, message) => {
    expect(() => loadFleet(path)).toThrow(FleetConfigError);
    expect(() => loadFleet(path)).toThrow(message);
  });
});
