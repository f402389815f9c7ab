import type { StatusDocument } from '@fleet/core/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockDocument } from '../src/mock-documents.js';
import {
  backoffDelay,
  isStatusDocument,
  StatusPoller,
  type VisibilitySource,
} from '../src/status-poller.js';
import { StatusStore } from '../src/status-store.js';

class FakeVisibility implements VisibilitySource {
  hidden = false;
  private readonly target = new EventTarget();
  addEventListener(type: 'visibilitychange', listener: () => void): void {
    this.target.addEventListener(type, listener);
  }
  removeEventListener(type: 'visibilitychange', listener: () => void): void {
    this.target.removeEventListener(type, listener);
  }
  set(hidden: boolean): void {
    this.hidden = hidden;
    this.target.dispatchEvent(new Event('visibilitychange'));
  }
}

const NOW = new Date('2026-03-02T01:00:00Z');

function ok(doc: StatusDocument): Response {
  return new Response(JSON.stringify(doc), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** A fetch whose answers the test scripts, recording every call and its abort signal. */
function scriptedFetch(answer: (call: number) => Promise<Response>) {
  const calls: { url: string; signal: AbortSignal }[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const signal = init?.signal ?? new AbortController().signal;
    calls.push({ url: String(url), signal });
    return answer(calls.length);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

/** Lets the poller's promise chain (fetch → json → store) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
}

describe('StatusPoller', () => {
  let visibility: FakeVisibility;
  let store: StatusStore;
  let poller: StatusPoller | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    visibility = new FakeVisibility();
    store = new StatusStore();
  });

  afterEach(() => {
    poller?.close();
    vi.useRealTimers();
  });

  function start(
    fetch: typeof globalThis.fetch,
    options: { intervalMs?: number; timeoutMs?: number } = {},
  ) {
    poller = new StatusPoller({
      endpoint: '/api/agent-office/nodes',
      store,
      fetch,
      visibility,
      ...options,
    });
    poller.start();
    return poller;
  }

  it('polls at once, then every 3 s', async () => {
    const { fetch, calls } = scriptedFetch(async () => ok(mockDocument('healthy', NOW)));
    start(fetch);
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('/api/agent-office/nodes');
    expect(store.getSnapshot().doc?.workers).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(3);
  });

  it('keeps the last good document, marked stale, while polls fail, and backs off', async () => {
    let failing = false;
    const { fetch, calls } = scriptedFetch(async () => {
      if (failing) throw new TypeError('Failed to fetch');
      return ok(mockDocument('healthy', NOW));
    });
    start(fetch);
    await settle();
    const good = store.getSnapshot().doc;
    expect(store.getSnapshot().stale).toBe(false);

    failing = true;
    await vi.advanceTimersByTimeAsync(3000); // poll 2 fails
    expect(calls).toHaveLength(2);
    expect(store.getSnapshot()).toMatchObject({ doc: good, stale: true, error: 'Failed to fetch' });

    // Delays double: 6 s, 12 s, 24 s, then the 30 s cap.
    const times: number[] = [];
    for (const delay of [6000, 12_000, 24_000, 30_000, 30_000]) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      times.push(calls.length);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(times).toEqual([2, 3, 4, 5, 6]);
    expect(calls).toHaveLength(7);
    expect(store.getSnapshot().doc).toBe(good);

    failing = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(store.getSnapshot()).toMatchObject({ stale: false, error: null });
    // Back to the normal interval after a success.
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(9);
  });

  it.each([
    ['an HTTP error', async () => new Response('nope', { status: 502 }), 'HTTP 502'],
    [
      'a body that is not a status document',
      async () => ok({ hello: 1 } as unknown as StatusDocument),
      'not a status document',
    ],
    ['a body that is not JSON', async () => new Response('<html>', { status: 200 }), 'JSON'],
  ])('treats %s as a failed poll', async (_, answer, message) => {
    const { fetch } = scriptedFetch(answer);
    start(fetch);
    await settle();
    expect(store.getSnapshot().stale).toBe(true);
    expect(store.getSnapshot().error).toContain(message);
  });

  it('aborts a poll that takes too long', async () => {
    const { fetch, calls } = scriptedFetch(
      () =>
        new Promise<Response>((_, reject) => {
          const signal = calls.at(-1)?.signal;
          signal?.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError')),
          );
        }),
    );
    start(fetch, { timeoutMs: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(store.getSnapshot().error).toBe('no answer within 2s');
  });

  it('aborts the poll in flight on close and never polls again', async () => {
    const { fetch, calls } = scriptedFetch(
      () =>
        new Promise<Response>((_, reject) => {
          calls
            .at(-1)
            ?.signal.addEventListener('abort', () =>
              reject(new DOMException('aborted', 'AbortError')),
            );
        }),
    );
    const started = start(fetch);
    await settle();
    started.close();
    started.close();
    await settle();
    expect(calls[0]?.signal.aborted).toBe(true);
    // An abort on close is not a failure of the exporter.
    expect(store.getSnapshot()).toMatchObject({ error: null, stale: false });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
  });

  it('stops while the tab is hidden and polls at once when it is shown again', async () => {
    const { fetch, calls } = scriptedFetch(async () => ok(mockDocument('healthy', NOW)));
    start(fetch);
    await settle();
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    visibility.set(false);
    await settle();
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(3);
  });

  it('does not poll when started in a hidden tab', async () => {
    visibility.hidden = true;
    const { fetch, calls } = scriptedFetch(async () => ok(mockDocument('healthy', NOW)));
    start(fetch);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(0);
  });

  it.each([
    [0, 3000],
    [1, 6000],
    [2, 12_000],
    [3, 24_000],
    [4, 30_000],
    [20, 30_000],
  ])('backoffDelay after %i failures is %i ms', (failures, delay) => {
    expect(backoffDelay(3000, failures, 30_000)).toBe(delay);
  });

  it.each([
    [mockDocument('healthy', NOW), true],
    [mockDocument('redis-down', NOW), true],
    [null, false],
    [[], false],
    [
      { redis_ok: true, paused: false, generated_at: 'x', links: [], workers: [{ name: 1 }] },
      false,
    ],
    [{ redis_ok: 'yes', paused: false, generated_at: 'x', links: [], workers: [] }, false],
  ])('isStatusDocument(%#) is %s', (value, expected) => {
    expect(isStatusDocument(value)).toBe(expected);
  });
});
