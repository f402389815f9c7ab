import {
  activeMaintenance,
  FleetConfigError,
  type MaintenanceSpec,
  maintenanceOf,
  maintenancePeriods,
  parseFleet,
  parseStoredMaintenance,
  type StoredMaintenance,
} from '@fleet/core';
import { describe, expect, it } from 'vitest';

const at = (iso: string) => Date.parse(iso);

function spec(overrides: Partial<MaintenanceSpec>): MaintenanceSpec {
  return {
    target: 'nas',
    schedule: '0 3 * * *',
    durationMs: 30 * 60_000,
    tz: 'Asia/Seoul',
    reason: null,
    ...overrides,
  };
}

/** The running window of `window` at `now`, as [started_at, until], or null. */
function running(window: MaintenanceSpec, now: string): [string, string] | null {
  const [active] = activeMaintenance([window], [], at(now));
  return active ? [active.started_at, active.until] : null;
}

describe('recurring maintenance windows (croner, time zones)', () => {
  const seoulNight = spec({ schedule: '30 23 * * *', durationMs: 60 * 60_000 });
  // 2026-11-01: New York falls back at 02:00 EDT → 01:00 EST (01:xx happens twice).
  const newYork = spec({
    schedule: '0 1 * * *',
    durationMs: 2 * 3_600_000,
    tz: 'America/New_York',
  });
  // 2026-03-29: Berlin springs forward at 02:00 CET → 03:00 CEST (02:30 never happens).
  const berlin = spec({ schedule: '30 2 * * *', tz: 'Europe/Berlin' });

  it.each<[string, MaintenanceSpec, string, [string, string] | null]>([
    [
      'Seoul 03:00 backup, at 03:10 KST',
      spec({}),
      '2026-12-01T18:10:00Z',
      ['2026-12-01T18:00:00.000Z', '2026-12-01T18:30:00.000Z'],
    ],
    ['Seoul 03:00 backup, at its end (03:30 KST)', spec({}), '2026-12-01T18:30:00Z', null],
    [
      'Seoul 03:00 backup, at its start',
      spec({}),
      '2026-12-01T18:00:00Z',
      ['2026-12-01T18:00:00.000Z', '2026-12-01T18:30:00.000Z'],
    ],
    [
      'Seoul 23:30 for 1h, before midnight (23:59 KST)',
      seoulNight,
      '2026-12-01T14:59:00Z',
      ['2026-12-01T14:30:00.000Z', '2026-12-01T15:30:00.000Z'],
    ],
    [
      'Seoul 23:30 for 1h, after midnight (00:10 KST the next day)',
      seoulNight,
      '2026-12-01T15:10:00Z',
      ['2026-12-01T14:30:00.000Z', '2026-12-01T15:30:00.000Z'],
    ],
    ['Seoul 23:30 for 1h, 00:31 KST', seoulNight, '2026-12-01T15:31:00Z', null],
    [
      'New York 01:00 EDT for 2h, at 01:30 EST (after the fall back)',
      newYork,
      '2026-11-01T06:30:00Z',
      ['2026-11-01T05:00:00.000Z', '2026-11-01T07:00:00.000Z'],
    ],
    ['New York, 2 h of real time: over at 02:00 EST', newYork, '2026-11-01T07:00:00Z', null],
    [
      'New York, the next day (EST): 01:00 EST',
      newYork,
      '2026-11-02T06:10:00Z',
      ['2026-11-02T06:00:00.000Z', '2026-11-02T08:00:00.000Z'],
    ],
    [
      'Berlin 02:30, the night 02:30 is skipped: not at 01:45 CET',
      berlin,
      '2026-03-29T00:45:00Z',
      null,
    ],
    [
      'Berlin 02:30 skipped: starts when the clock jumps to 03:00 CEST',
      berlin,
      '2026-03-29T01:10:00Z',
      ['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'],
    ],
    [
      'Berlin the night before (CET)',
      berlin,
      '2026-03-28T01:40:00Z',
      ['2026-03-28T01:30:00.000Z', '2026-03-28T02:00:00.000Z'],
    ],
    [
      'Windows updates on Sundays 04:00 KST, on a Sunday',
      spec({ target: 'windows', schedule: '0 4 * * 0', durationMs: 2 * 3_600_000 }),
      '2026-12-05T20:30:00Z',
      ['2026-12-05T19:00:00.000Z', '2026-12-05T21:00:00.000Z'],
    ],
    [
      'Windows updates on Sundays, on a Monday',
      spec({ target: 'windows', schedule: '0 4 * * 0', durationMs: 2 * 3_600_000 }),
      '2026-12-06T20:30:00Z',
      null,
    ],
    [
      'a window longer than its period never ends between occurrences',
      spec({ schedule: '0 * * * *', durationMs: 90 * 60_000 }),
      '2026-12-01T18:10:00Z',
      ['2026-12-01T17:00:00.000Z', '2026-12-01T19:30:00.000Z'],
    ],
  ])('%s', (_name, window, now, expected) => {
    expect(running(window, now)).toEqual(expected);
  });

  it('names scheduled windows by their place in the fleet file, and lists command windows', () => {
    const command: StoredMaintenance = {
      id: '7',
      target: 'video-render',
      start: at('2026-12-01T18:05:00Z'),
      until: at('2026-12-01T19:00:00Z'),
      reason: null,
      by: 'kim (42)',
    };
    const windows = activeMaintenance(
      [spec({ schedule: '0 12 * * *' }), spec({ reason: 'NAS backup' })],
      [
        command,
        {
          ...command,
          id: '8',
          start: at('2026-12-01T19:00:00Z'),
          until: at('2026-12-01T20:00:00Z'),
        },
      ],
      at('2026-12-01T18:10:00Z'),
    );
    expect(windows).toEqual([
      {
        id: 'schedule:1',
        source: 'schedule',
        target: 'nas',
        started_at: '2026-12-01T18:00:00.000Z',
        until: '2026-12-01T18:30:00.000Z',
        reason: 'NAS backup',
      },
      {
        id: '7',
        source: 'command',
        target: 'video-render',
        started_at: '2026-12-01T18:05:00.000Z',
        until: '2026-12-01T19:00:00.000Z',
        reason: null,
      },
    ]);
    // A worker under two windows shows the one that ends last; by name, host or `all`.
    expect(maintenanceOf({ name: 'video-render', host: 'nas' }, windows)?.id).toBe('7');
    expect(maintenanceOf({ name: 'music-render', host: 'nas' }, windows)?.id).toBe('schedule:1');
    expect(maintenanceOf({ name: 'music-render', host: 'windows' }, windows)).toBeNull();
  });
});

describe('maintenancePeriods (for reports that leave maintenance out)', () => {
  it('lists, clips and merges the periods a worker was covered in a span', () => {
    const nightly = spec({ reason: 'backup' });
    const command: StoredMaintenance = {
      id: '1',
      target: 'all',
      start: at('2026-12-02T18:20:00Z'),
      until: at('2026-12-02T19:00:00Z'),
      reason: null,
      by: null,
    };
    const periods = maintenancePeriods(
      { name: 'music-render', host: 'nas' },
      [nightly, spec({ target: 'windows', schedule: '0 5 * * *' })],
      [command],
      at('2026-12-01T18:15:00Z'),
      at('2026-12-03T18:10:00Z'),
    );
    expect(
      periods.map((p) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()]),
    ).toEqual([
      ['2026-12-01T18:15:00.000Z', '2026-12-01T18:30:00.000Z'],
      ['2026-12-02T18:00:00.000Z', '2026-12-02T19:00:00.000Z'],
      ['2026-12-03T18:00:00.000Z', '2026-12-03T18:10:00.000Z'],
    ]);
  });
});

describe('the fleet file `maintenance` list', () => {
  const workers = [{ name: 'video-render', kind: 'render' }];

  it('fills in the time zone and parses the duration', () => {
    const fleet = parseFleet({
      workers,
      maintenance: [
        { target: 'nas', schedule: '0 3 * * *', duration: '30m', reason: 'NAS backup' },
        { target: 'video-render', schedule: '0 4 * * 0', duration: '1h30m', tz: 'Europe/Berlin' },
      ],
    });
    expect(fleet.maintenance).toEqual([
      {
        target: 'nas',
        schedule: '0 3 * * *',
        durationMs: 1_800_000,
        tz: 'Asia/Seoul',
        reason: 'NAS backup',
      },
      {
        target: 'video-render',
        schedule: '0 4 * * 0',
        durationMs: 5_400_000,
        tz: 'Europe/Berlin',
        reason: null,
      },
    ]);
    expect(parseFleet({ workers }).maintenance).toEqual([]);
  });

  it.each([
    [
      'an unknown target',
      { target: 'gpu', schedule: '0 3 * * *', duration: '30m' },
      /maintenance\.0\.target: "gpu" is not a worker of this file, a host \(nas, windows\) or "all"/,
    ],
    [
      'a bad cron pattern',
      { target: 'all', schedule: '0 25 * * *', duration: '30m' },
      /maintenance\.0\.schedule: /,
    ],
    [
      'a bad duration',
      { target: 'all', schedule: '0 3 * * *', duration: '30 minutes' },
      /maintenance\.0\.duration: a duration such as 30m/,
    ],
    [
      'a bad time zone',
      { target: 'all', schedule: '0 3 * * *', duration: '30m', tz: 'Mars/Olympus' },
      /maintenance\.0\.tz: an IANA time zone/,
    ],
  ])('refuses %s, naming the field', (_name, window, message) => {
    expect(() => parseFleet({ workers, maintenance: [window] })).toThrow(FleetConfigError);
    expect(() => parseFleet({ workers, maintenance: [window] })).toThrow(message);
  });
});

describe('parseStoredMaintenance', () => {
  it('keeps the valid entries of the alerting hash and names the others', () => {
    const good: StoredMaintenance = {
      id: '3',
      target: 'nas',
      start: 1,
      until: 2,
      reason: null,
      by: null,
    };
    expect(parseStoredMaintenance({ 3: JSON.stringify(good), 4: '{', 5: '{"id":"5"}' })).toEqual({
      windows: [good],
      invalid: ['4', '5'],
    });
  });
});
