import { type WorkerHistory, workerHistoryUrl } from '@fleet/core/contracts/data';
import { useEffect, useState } from 'react';
import type { MockState } from '../mock-documents.js';
import type { StatusStore } from '../status-store.js';
import { mockWorkerHistory } from './mock-worker-history.js';

export interface WorkerHistoryState {
  history: WorkerHistory | null;
  /** Why the history could not be had (e.g. an exporter without the endpoint). */
  error: string | null;
}

/** Enough of the shape to draw; the exporter's answer is its contract (WorkerHistorySchema). */
function isHistory(value: unknown): value is WorkerHistory {
  const body = value as Partial<WorkerHistory> | null;
  return (
    typeof body?.worker === 'string' &&
    Array.isArray(body.state_changes) &&
    Array.isArray(body.series?.at_ms) &&
    typeof body.dead_letters?.count === 'number'
  );
}

/**
 * A worker's history while its detail is open: fetched next to the status document, again every
 * `intervalMs`; in mock mode, made from the fixture.
 */
export function useWorkerHistory(
  worker: string,
  endpoint: string,
  mock: MockState | null,
  store: StatusStore,
  intervalMs = 3000,
): WorkerHistoryState {
  const [state, setState] = useState<WorkerHistoryState>({ history: null, error: null });
  useEffect(() => {
    if (mock) {
      const doc = store.getSnapshot().doc;
      setState({ history: doc ? mockWorkerHistory(doc, worker, Date.now()) : null, error: null });
      return;
    }
    const controller = new AbortController();
    const url = workerHistoryUrl(endpoint, worker);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body: unknown = await response.json();
        if (!isHistory(body)) throw new Error('not a worker history');
        setState({ history: body, error: null });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ ...previous, error: (error as Error).message }));
      }
      if (!controller.signal.aborted) timer = setTimeout(load, intervalMs);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [worker, endpoint, mock, store, intervalMs]);
  return state;
}
