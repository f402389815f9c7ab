import { z } from 'zod';
import { WORKER_KINDS } from './worker-kinds.js';

/**
 * A worker's state as the history records it, first match wins: `down` (no heartbeat key),
 * `stale` (heartbeat_stale), `stuck` (job_stuck), the heartbeat `state`, else `unknown`; and
 * `unread` while the exporter could not read Redis.
 */
export const HISTORY_STATES = ['down', 'stale', 'stuck', 'unread', 'unknown'] as const;

export const StateChangeSchema = z
  .object({
    at: z.string().describe('When the exporter first saw this state (its own clock).'),
    state: z
      .string()
      .describe(
        '`down`, `stale`, `stuck`, `unread` (Redis could not be read), the heartbeat `state`, or `unknown`.',
      ),
  })
  .meta({ id: 'StateChange' });

export type StateChange = z.infer<typeof StateChangeSchema>;

export const DownPeriodSchema = z
  .object({
    from: z.string(),
    to: z.string().nullable().describe('null while the worker is still down.'),
    duration_s: z.number().int().nonnegative().describe('Up to `to`, or up to generated_at.'),
  })
  .meta({ id: 'DownPeriod' });

export type DownPeriod = z.infer<typeof DownPeriodSchema>;

/** The heartbeat fields the status document already validates; nothing else of the payload. */
export const HeartbeatFieldsSchema = z
  .object({
    name: z.string().nullable(),
    kind: z.enum(WORKER_KINDS).nullable(),
    state: z.string().nullable(),
    ts: z.string().nullable(),
    last_job_at: z.string().nullable(),
    jobs_done: z.number().int().nonnegative().nullable(),
    jobs_failed: z.number().int().nonnegative().nullable(),
    mode: z.string().nullable(),
  })
  .describe(
    'Each valid field of the heartbeat (docs/spec.md §1); an invalid or missing one is null.',
  )
  .meta({ id: 'HeartbeatFields' });

export type HeartbeatFieldsView = z.infer<typeof HeartbeatFieldsSchema>;

/**
 * `GET /api/agent-office/nodes/<name>/history` (docs/spec.md §3.3): what the exporter's own
 * collections saw of one worker over the retention window, from memory.
 */
export const WorkerHistorySchema = z
  .object({
    worker: z.string(),
    generated_at: z.string(),
    retention_s: z.number().int().positive().describe('How far back the history reaches.'),
    state_changes: z
      .array(StateChangeSchema)
      .describe(
        'Oldest first. The first entry is the state at the start of the window, and may be older than it.',
      ),
    down_periods: z.array(DownPeriodSchema).describe('Runs of state `down`, oldest first.'),
    series: z
      .object({
        at_ms: z.array(z.number().int()).describe('Collection times, epoch milliseconds.'),
        queue_depth: z.array(z.number().int().nonnegative()),
        dead_letter: z.array(z.number().int().nonnegative()),
        processing: z.array(z.number().int().nonnegative()),
      })
      .describe(
        'One sample per collection (at most one a second), parallel arrays; none while Redis could not be read.',
      ),
    last_heartbeat: HeartbeatFieldsSchema.nullable().describe(
      'The last readable heartbeat, kept after the key expires.',
    ),
    last_heartbeat_read_at: z
      .string()
      .nullable()
      .describe('When the exporter read last_heartbeat.'),
    last_job_at: z.string().nullable(),
    dead_letters: z
      .object({
        count: z.number().int().nonnegative(),
        oldest_seen_at: z
          .string()
          .nullable()
          .describe(
            'When the exporter first saw the current oldest item at the oldest end of the list (LINDEX -1). The item has been dead at least since then; its real enqueue time is not knowable. null when the list is empty or the item not yet read.',
          ),
        oldest_age_s: z
          .number()
          .int()
          .nonnegative()
          .nullable()
          .describe('Seconds since oldest_seen_at: a lower bound of the oldest item’s age.'),
      })
      .describe('Counts and ages only: item contents never leave the exporter.'),
  })
  .meta({
    id: 'WorkerHistory',
    title: 'A worker’s recent history',
    description: 'GET /api/agent-office/nodes/<name>/history',
  });

export type WorkerHistory = z.infer<typeof WorkerHistorySchema>;
