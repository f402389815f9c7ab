import { describe, expect, it } from 'vitest';
import { mockDocument, mockHistory } from '../src/mock-documents.js';
import { beatAgeAt, StatusStore } from '../src/status-store.js';

const NOW = new Date('2026-03-02T01:00:00Z');
const T = NOW.getTime();

describe('StatusStore', () => {
  it('notifies subscribers with a new snapshot on every change, and stops after unsubscribe', () => {
    const store = new StatusStore();
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.getSnapshot()));
    store.acceptDocument(mockDocument('healthy', NOW), T);
    store.acceptError('HTTP 502');
    unsubscribe();
    store.acceptError('again');
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('keeps the last good document on an error, marked stale, and clears it on the next success', () => {
    const store = new StatusStore();
    const doc = mockDocument('healthy', NOW);
    store.acceptDocument(doc, T);
    store.acceptError('Failed to fetch');
    expect(store.getSnapshot()).toMatchObject({
      doc,
      stale: true,
      error: 'Failed to fetch',
      receivedAt: T,
    });
    store.acceptDocument(doc, T + 3000);
    expect(store.getSnapshot()).toMatchObject({ stale: false, error: null, receivedAt: T + 3000 });
  });

  it('marks data stale when the collector itself serves old data', () => {
    const store = new StatusStore();
    store.acceptDocument(mockDocument('redis-down', NOW), T);
    expect(store.getSnapshot()).toMatchObject({ stale: true, error: null });
  });

  it('remembers the last beat of a worker whose heartbeat key has since vanished', () => {
    const store = new StatusStore();
    for (const doc of mockHistory('down', NOW))
      store.acceptDocument(doc, Date.parse(doc.generated_at));
    store.acceptDocument(mockDocument('down', NOW), T);
    const snapshot = store.getSnapshot();
    // video-render beat 4 s before a document received 10 s ago.
    expect(beatAgeAt(snapshot, 'video-render', T)).toBe(14);
    expect(beatAgeAt(snapshot, 'video-render', T + 10_000)).toBe(24);
    expect(beatAgeAt(snapshot, 'ai_trade', T)).toBe(27);
    expect(beatAgeAt(snapshot, 'music-render', T)).toBe(4);
    expect(beatAgeAt(snapshot, 'nobody', T)).toBeNull();
  });

  it('measures a last_beat_at against the document clock, not the browser clock', () => {
    const store = new StatusStore();
    const doc = mockDocument('healthy', NOW);
    const first = doc.workers[0];
    if (!first) throw new Error('fixture has workers');
    // Server clock 1 h ahead of the browser; the beat is 20 s before generated_at.
    const skewed = {
      ...doc,
      generated_at: new Date(T + 3_600_000).toISOString(),
      workers: [
        {
          ...first,
          alive: false,
          last_beat_age_s: null,
          last_beat_at: new Date(T + 3_580_000).toISOString(),
        },
      ],
    };
    store.acceptDocument(skewed, T);
    expect(beatAgeAt(store.getSnapshot(), first.name, T)).toBe(20);
  });
});
