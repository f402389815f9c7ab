import type { StatusDocument } from '@fleet/core/contracts/data';
import type { PanelSnapshot } from './status-store.js';
import { linkOfWorker, STATUS_VISUALS, workerStateLabel } from './status-visuals.js';

function workerSummary(doc: StatusDocument, name: string): string | null {
  const worker = doc.workers.find((w) => w.name === name);
  if (!worker) return null;
  const link = linkOfWorker(doc.links, name);
  const label = workerStateLabel(worker);
  return link && link.status !== 'healthy'
    ? `${label}, ${STATUS_VISUALS[link.status].text}`
    : label;
}

/**
 * What a screen reader hears when the panel changes: one sentence per worker whose state or
 * link changed, and the connection going or coming back. Nothing on the first document.
 */
export function describeChanges(previous: PanelSnapshot, next: PanelSnapshot): string[] {
  const messages: string[] = [];
  const before = previous.doc;
  const after = next.doc;
  if (before && after) {
    if (before.redis_ok && !after.redis_ok) messages.push('Collector lost its Redis connection.');
    if (!before.redis_ok && after.redis_ok) messages.push('Collector reconnected to Redis.');
    if (before.paused !== after.paused)
      messages.push(
        after.paused
          ? `Render queues paused (${after.paused_reason ?? 'trading'}).`
          : 'Render queues resumed.',
      );
    for (const worker of after.workers) {
      const was = workerSummary(before, worker.name);
      const now = workerSummary(after, worker.name);
      if (was === null) messages.push(`${worker.name} appeared: ${now}.`);
      else if (was !== now) messages.push(`${worker.name}: ${now} (was ${was}).`);
    }
    for (const worker of before.workers)
      if (!after.workers.some((w) => w.name === worker.name))
        messages.push(`${worker.name} left the fleet.`);
  }
  if (!previous.error && next.error)
    messages.push(`Status updates failing (${next.error}); showing last known data.`);
  if (previous.error && !next.error) messages.push('Status updates resumed.');
  return messages;
}
