import { useEffect, useRef, useState } from 'react';
import { describeChanges } from './state-announcements.js';
import type { StatusStore } from './status-store.js';

export interface LiveAnnouncerProps {
  store: StatusStore;
}

/** A polite live region that says what changed (a worker went down, Redis came back, ...). */
export function LiveAnnouncer({ store }: LiveAnnouncerProps) {
  const [message, setMessage] = useState('');
  const previous = useRef(store.getSnapshot());
  useEffect(
    () =>
      store.subscribe(() => {
        const next = store.getSnapshot();
        const messages = describeChanges(previous.current, next);
        previous.current = next;
        if (messages.length) setMessage(messages.join(' '));
      }),
    [store],
  );
  return (
    <div className="fp-sr-only" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {message}
    </div>
  );
}
