import { useEffect, useState } from 'react';
import { type MockState, mockDocument, mockHistory } from './mock-documents.js';
import { StatusPoller } from './status-poller.js';
import { StatusStore } from './status-store.js';

export interface StatusSourceOptions {
  /** URL of the status document. */
  endpoint: string;
  /** Fixture data instead of the network. */
  mock: MockState | null;
  /** Milliseconds between polls. @defaultValue 3000 */
  intervalMs?: number;
}

/** A store fed by polling `endpoint` (or by a fixture); polling stops on unmount. */
export function useStatusSource({
  endpoint,
  mock,
  intervalMs = 3000,
}: StatusSourceOptions): StatusStore {
  const [store] = useState(() => new StatusStore());
  useEffect(() => {
    if (mock) {
      const now = Date.now();
      for (const doc of mockHistory(mock, new Date(now)))
        store.acceptDocument(doc, Date.parse(doc.generated_at));
      store.acceptDocument(mockDocument(mock, new Date(now)), now);
      return;
    }
    const poller = new StatusPoller({ endpoint, store, intervalMs });
    poller.start();
    return () => poller.close();
  }, [endpoint, mock, intervalMs, store]);
  return store;
}
