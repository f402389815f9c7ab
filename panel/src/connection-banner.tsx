import type { StatusStore } from './status-store.js';
import { useNow } from './use-now.js';
import { usePanelSnapshot } from './use-panel-snapshot.js';

export interface ConnectionBannerProps {
  store: StatusStore;
  /** Why the panel shows cards instead of 3D on its own, if it does. */
  fallbackReason: string | null;
}

/**
 * Says, over either view, when the data cannot be trusted: the collector lost Redis (docs/spec.md §7
 * overlay), the status endpoint is failing, or 3D had to be turned off.
 */
export function ConnectionBanner({ store, fallbackReason }: ConnectionBannerProps) {
  const snapshot = usePanelSnapshot(store);
  const now = useNow();
  const doc = snapshot.doc;
  const lastOk = doc?.last_ok_at ? Date.parse(doc.last_ok_at) : Number.NaN;
  const generated = doc ? Date.parse(doc.generated_at) : Number.NaN;
  const lostFor =
    Number.isNaN(lastOk) || Number.isNaN(generated)
      ? null
      : Math.round((generated - lastOk) / 1000);
  return (
    <div className="fp-banners">
      {doc && !doc.redis_ok && (
        <div className="fp-banner fp-banner-lost" role="alert" data-banner="redis-lost">
          <strong>⚠ Collector/Redis connection lost</strong>
          <span>
            {lostFor === null
              ? 'No reading of Redis yet.'
              : `Showing the last known state, ${lostFor}s old.`}
            {doc.redis_error ? ` (${doc.redis_error})` : ''}
          </span>
        </div>
      )}
      {snapshot.error && (
        <div className="fp-banner fp-banner-stale" role="status" data-banner="poll-failing">
          <strong>⚠ Status updates failing</strong>
          <span>
            {snapshot.error}
            {snapshot.receivedAt !== null
              ? ` · last good data ${Math.round((now - snapshot.receivedAt) / 1000)}s old`
              : ' · no data yet'}
          </span>
        </div>
      )}
      {fallbackReason && (
        <div className="fp-banner fp-banner-info" role="status" data-banner="no-3d">
          <span>ℹ {fallbackReason}: showing the cards.</span>
        </div>
      )}
    </div>
  );
}
