import {
  alertingKeys,
  Collector,
  DEFAULT_ALERT_KEY_PREFIX,
  parseFleet,
  StatusDocumentSchema,
  type StoredMaintenance,
} from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { NOW, seedHealthyFleet, useCollectorRedis } from './fixtures.js';

const db = useCollectorRedis(seedHealthyFleet);
const KEY = alertingKeys.maintenance(DEFAULT_ALERT_KEY_PREFIX);

// NOW is 2026-11-26 15:00:30 in Seoul: the NAS schedule below runs 15:00–15:30 KST.
const fleet = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render', host: 'nas' },
    { name: 'video-render', kind: 'render' },
    { name: 'ai_trade', kind: 'trader' },
  ],
  maintenance: [
    { target: 'nas', schedule: '0 15 * * *', duration: '30m', reason: 'NAS backup' },
    { target: 'all', schedule: '0 4 * * *', duration: '1h' },
  ],
});

function stored(overrides: Partial<StoredMaintenance>): StoredMaintenance {
  return {
    id: '1',
    target: 'video-render',
    start: NOW - 60_000,
    until: NOW + 3_600_000,
    reason: 'driver update',
    by: 'kim (42)',
    ...overrides,
  };
}

describe('maintenance windows in the status document', () => {
  it('puts the schedules and the /maintenance windows on the workers they cover', async () => {
    await db.seeder.hset(KEY, '1', JSON.stringify(stored({})));
    await db.seeder.hset(KEY, '2', JSON.stringify(stored({ id: '2', until: NOW - 1 })));
    const collector = new Collector({
      redis: db.redis,
      fleet,
      now: () => NOW,
      maintenanceKey: KEY,
    });
    const document = await collector.collect();
    await collector.close();
    expect(StatusDocumentSchema.parse(document)).toEqual(document);
    const nas = {
      id: 'schedule:0',
      source: 'schedule',
      target: 'nas',
      started_at: '2026-11-26T06:00:00.000Z',
      until: '2026-11-26T06:30:00.000Z',
      reason: 'NAS backup',
    };
    const video = {
      id: '1',
      source: 'command',
      target: 'video-render',
      started_at: new Date(NOW - 60_000).toISOString(),
      until: new Date(NOW + 3_600_000).toISOString(),
      reason: 'driver update',
    };
    // The expired command window (2) is not running; nothing else wrote to Redis.
    expect(document.maintenance_windows).toEqual([nas, video]);
    // Unlisted workers are covered too: by host (they are on windows) or `all`.
    expect(document.workers.map((w) => [w.name, w.maintenance?.id ?? null])).toEqual([
      ['music-render', 'schedule:0'],
      ['video-render', '1'],
      ['ai_trade', null],
      ['image-render', null],
      ['insta-render', null],
      ['task-watcher', null],
    ]);
    expect(await db.seeder.hlen(KEY)).toBe(2);
  });

  it('reads no hash without a key, and skips an entry that does not parse', async () => {
    await db.seeder.hset(KEY, '1', JSON.stringify(stored({})), '9', 'not json');
    const without = new Collector({ redis: db.redis, fleet, now: () => NOW });
    expect((await without.collect()).maintenance_windows.map((w) => w.id)).toEqual(['schedule:0']);
    await without.close();
    const withKey = new Collector({ redis: db.redis, fleet, now: () => NOW, maintenanceKey: KEY });
    expect((await withKey.collect()).maintenance_windows.map((w) => w.id)).toEqual([
      'schedule:0',
      '1',
    ]);
    await withKey.close();
  });

  it('follows the clock: the schedule ends, the command window goes on', async () => {
    await db.seeder.hset(KEY, '1', JSON.stringify(stored({})));
    let now = NOW;
    const collector = new Collector({
      redis: db.redis,
      fleet,
      now: () => now,
      maintenanceKey: KEY,
    });
    expect((await collector.collect()).maintenance_windows).toHaveLength(2);
    now = NOW + 30 * 60_000;
    const later = await collector.collect();
    await collector.close();
    expect(later.maintenance_windows.map((w) => w.id)).toEqual(['1']);
    expect(later.workers.find((w) => w.name === 'music-render')?.maintenance).toBeNull();
  });
});
