import type { StatusDocument } from '@fleet/core/contracts';
import { describe, expect, it } from 'vitest';
import { mockDocument } from '../src/mock-documents.js';
import { describeChanges } from '../src/state-announcements.js';
import { EMPTY_SNAPSHOT, type PanelSnapshot } from '../src/status-store.js';

const NOW = new Date('2026-03-02T01:00:00Z');

function snap(doc: StatusDocument | null, error: string | null = null): PanelSnapshot {
  return { ...EMPTY_SNAPSHOT, doc, error, stale: error !== null };
}

describe('live region announcements', () => {
  it('says nothing for the first document', () => {
    expect(describeChanges(snap(null), snap(mockDocument('healthy', NOW)))).toEqual([]);
  });

  it.each([
    [
      'healthy',
      'down',
      ['video-render: 🔴 다운, down (was ⚙️ 처리 중).', 'ai_trade: 🔴 다운, down (was 🌙 휴장).'],
    ],
    [
      'down',
      'healthy',
      ['video-render: ⚙️ 처리 중 (was 🔴 다운, down).', 'ai_trade: 🌙 휴장 (was 🔴 다운, down).'],
    ],
    [
      'healthy',
      'degraded',
      [
        'image-render: 🟢 대기, degraded (was 🟢 대기).',
        'insta-render: ⚙️ 처리 중, degraded (was 🟢 대기).',
      ],
    ],
    ['healthy', 'redis-down', ['Collector lost its Redis connection.']],
    ['redis-down', 'healthy', ['Collector reconnected to Redis.']],
  ] as const)('%s → %s', (from, to, expected) => {
    const messages = describeChanges(snap(mockDocument(from, NOW)), snap(mockDocument(to, NOW)));
    expect(messages).toEqual(expected);
  });

  it('announces the pause and every paused queue', () => {
    const messages = describeChanges(
      snap(mockDocument('healthy', NOW)),
      snap(mockDocument('paused', NOW)),
    );
    expect(messages[0]).toBe('Render queues paused (trading).');
    expect(messages).toContain('music-render: ⏸ 작업중(트레이딩), paused (was ⚙️ 처리 중).');
    expect(messages).toContain('ai_trade: 📈 장중 (was 🌙 휴장).');
  });

  it('announces failing and resuming status updates once each', () => {
    const doc = mockDocument('healthy', NOW);
    expect(describeChanges(snap(doc), snap(doc, 'HTTP 502'))).toEqual([
      'Status updates failing (HTTP 502); showing last known data.',
    ]);
    expect(describeChanges(snap(doc, 'HTTP 502'), snap(doc, 'HTTP 503'))).toEqual([]);
    expect(describeChanges(snap(doc, 'HTTP 502'), snap(doc))).toEqual(['Status updates resumed.']);
  });

  it('announces workers joining and leaving the fleet', () => {
    const doc = mockDocument('healthy', NOW);
    const fewer = { ...doc, workers: doc.workers.filter((w) => w.name !== 'task-watcher') };
    expect(describeChanges(snap(doc), snap(fewer))).toEqual(['task-watcher left the fleet.']);
    expect(describeChanges(snap(fewer), snap(doc))).toEqual([
      'task-watcher appeared: 🟢 대기 · free.',
    ]);
  });
});
