import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLEET, FleetConfigError, loadFleet } from '@fleet/core';
import { DEFAULT_HOSTS, hostsOf, parseFleet } from '@fleet/core/contracts';
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

describe('hosts in the fleet file', () => {
  const worker = (name: string, host?: string) => ({
    name,
    kind: 'render',
    ...(host ? { host } : {}),
  });

  it('defaults to the NAS and the Windows box, workers on windows', () => {
    const fleet = parseFleet({ workers: [worker('a'), worker('b', 'nas')] });
    expect(fleet.hosts).toEqual(DEFAULT_HOSTS);
    expect(fleet.workers.map((w) => w.host)).toEqual(['windows', 'nas']);
    expect(DEFAULT_FLEET.hosts.map((h) => h.name)).toEqual(['nas', 'windows']);
  });

  it('reads declared hosts in order, label defaulting to the name and role to none', () => {
    const fleet = parseFleet({
      hosts: [
        { name: 'nas', label: 'NAS', role: 'Redis' },
        { name: 'gpu-1' },
        { name: 'gpu-2', label: 'GPU box 2' },
      ],
      workers: [worker('a', 'gpu-1'), worker('b', 'gpu-2'), worker('c', 'nas')],
    });
    expect(fleet.hosts).toEqual([
      { name: 'nas', label: 'NAS', role: 'Redis' },
      { name: 'gpu-1', label: 'gpu-1', role: null },
      { name: 'gpu-2', label: 'GPU box 2', role: null },
    ]);
    expect(fleet.workers.map((w) => w.host)).toEqual(['gpu-1', 'gpu-2', 'nas']);
  });

  it.each([
    [
      'a host that is not declared',
      { workers: [worker('a', 'mars')] },
      /workers\.0\.host: host "mars" is not in hosts \(nas, windows\)/,
    ],
    [
      'the default host when the file declares others',
      { hosts: [{ name: 'gpu-1' }], workers: [worker('a')] },
      /workers\.0\.host: host "windows" is not in hosts \(gpu-1\); "windows" is the default/,
    ],
    [
      'a duplicate host',
      { hosts: [{ name: 'x' }, { name: 'x' }], workers: [worker('a', 'x')] },
      /hosts\.1\.name: duplicate host "x"/,
    ],
    [
      'a bad host name',
      { hosts: [{ name: 'a b' }], workers: [worker('a', 'a b')] },
      /hosts\.0\.name/,
    ],
    ['no hosts at all', { hosts: [], workers: [worker('a')] }, /hosts: at least one host/],
  ])('rejects %s', (_case, input, message) => {
    expect(() => parseFleet(input)).toThrow(message);
  });

  it("lists the document's hosts: declared ones in order, then any other a worker names", () => {
    expect(
      hostsOf(DEFAULT_HOSTS.slice(0, 1), [
        { host: 'windows' },
        { host: 'nas' },
        { host: 'windows' },
      ]),
    ).toEqual([
      { ...DEFAULT_HOSTS[0], declared: true },
      { name: 'windows', label: 'windows', role: null, declared: false },
    ]);
    expect(hostsOf(DEFAULT_HOSTS, []).map((h) => h.name)).toEqual(['nas', 'windows']);
  });
});
