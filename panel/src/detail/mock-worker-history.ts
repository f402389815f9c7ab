import type { StatusDocument, WorkerHistory } from '@fleet/core/contracts/data';

const HOUR_MS = 3_600_000;
const STEP_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A plausible last hour for a fixture worker, ending in what the mock document says now: a
 * dead worker went down a few minutes ago, a live one had a short outage half an hour ago, the
 * queue rose and fell, dead letters grew to today's count.
 */
export function mockWorkerHistory(
  doc: StatusDocument,
  name: string,
  nowMs: number,
): WorkerHistory | null {
  const worker = doc.workers.find((w) => w.name === name);
  if (!worker) return null;
  const start = nowMs - HOUR_MS;
  const current = !worker.alive ? 'down' : (worker.state ?? 'unknown');
  const changes = worker.alive
    ? [
        { at: iso(start - 20 * STEP_MS), state: 'idle' },
        { at: iso(nowMs - 34 * STEP_MS), state: 'down' },
        { at: iso(nowMs - 31 * STEP_MS), state: 'idle' },
        ...(current === 'idle' ? [] : [{ at: iso(nowMs - 9 * STEP_MS), state: current }]),
      ]
    : [
        { at: iso(start - 20 * STEP_MS), state: 'busy' },
        { at: iso(nowMs - 25 * STEP_MS), state: 'idle' },
        { at: iso(nowMs - 4 * STEP_MS), state: 'down' },
      ];
  const downs = changes.flatMap((change, index) => {
    if (change.state !== 'down') return [];
    const to = changes[index + 1]?.at ?? null;
    const endMs = to === null ? nowMs : Date.parse(to);
    return [
      { from: change.at, to, duration_s: Math.round((endMs - Date.parse(change.at)) / 1000) },
    ];
  });
  const at_ms: number[] = [];
  const queue_depth: number[] = [];
  const dead_letter: number[] = [];
  const processing: number[] = [];
  for (let i = 0; i <= 60; i += 1) {
    const t = start + i * STEP_MS;
    const f = i / 60;
    at_ms.push(t);
    queue_depth.push(
      worker.queue === null
        ? 0
        : Math.round(worker.queue_depth * f + 4 * Math.abs(Math.sin(i / 5))),
    );
    dead_letter.push(Math.round(worker.dead_letter * Math.min(1, Math.max(0, (f - 0.3) / 0.6))));
    processing.push(worker.queue === null || !worker.alive ? 0 : i % 7 < 3 ? 1 : 0);
  }
  queue_depth[60] = worker.queue_depth;
  processing[60] = worker.processing;
  const oldestSeen = worker.dead_letter > 0 ? nowMs - 24 * STEP_MS : null;
  // A dead worker's last beat came just before it went down.
  const beatAt = worker.last_beat_at ?? iso(nowMs - 4 * STEP_MS - 15_000);
  return {
    worker: name,
    generated_at: iso(nowMs),
    retention_s: HOUR_MS / 1000,
    state_changes: changes,
    down_periods: downs,
    series: { at_ms, queue_depth, dead_letter, processing },
    last_heartbeat: {
      name,
      kind: worker.kind,
      state: worker.alive ? worker.state : 'idle',
      ts: beatAt,
      last_job_at: worker.last_job_at,
      jobs_done: worker.jobs_done,
      jobs_failed: worker.jobs_failed,
      mode: worker.mode,
    },
    last_heartbeat_read_at: beatAt,
    last_job_at: worker.last_job_at,
    dead_letters: {
      count: worker.dead_letter,
      oldest_seen_at: oldestSeen === null ? null : iso(oldestSeen),
      oldest_age_s: oldestSeen === null ? null : Math.round((nowMs - oldestSeen) / 1000),
    },
  };
}
