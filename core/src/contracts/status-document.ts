import { z } from 'zod';
import { HOSTS, LINK_STATUSES, LINK_TYPES, WORKER_KINDS } from './worker-kinds.js';

/**
 * One worker in the status document (SPEC §2, LOCKED). The fields after `last_job_at`
 * are additive: consumers that only know the LOCKED ones keep working.
 */
export const WorkerStatusSchema = z
  .object({
    name: z.string(),
    kind: z.enum(WORKER_KINDS),
    alive: z.boolean(),
    state: z.string().nullable(),
    last_beat_age_s: z.number().int().nonnegative().nullable(),
    queue_depth: z.number().int().nonnegative(),
    dead_letter: z.number().int().nonnegative(),
    processing: z.number().int().nonnegative(),
    jobs_done: z.number().int().nonnegative(),
    jobs_failed: z.number().int().nonnegative(),
    last_job_at: z.string().nullable(),
    // Additive fields.
    host: z.enum(HOSTS).describe('Where the worker runs; unknown workers are placed on windows.'),
    queue: z
      .string()
      .nullable()
      .describe('Pending-job list key, null for workers without a queue.'),
    in_fleet: z.boolean().describe('False for a worker that beats but is not in the fleet file.'),
    last_beat_at: z.string().nullable().describe('The heartbeat `ts`, when readable.'),
    mode: z.string().nullable().describe('The heartbeat `mode` (task-watcher only).'),
    heartbeat_error: z
      .string()
      .nullable()
      .describe(
        'Why a present heartbeat could not be read (bad JSON, wrong shape, WRONGTYPE, too large).',
      ),
    queue_error: z
      .string()
      .nullable()
      .describe('Why a queue figure could not be read (e.g. WRONGTYPE).'),
    clock_skew_s: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .describe('Seconds the heartbeat `ts` lies in the future, when it does.'),
  })
  .meta({ id: 'WorkerStatus' });

export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export const LinkSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    type: z.enum(LINK_TYPES),
    status: z.enum(LINK_STATUSES),
    // Additive.
    worker: z.string().describe('The worker whose state decides this link.'),
  })
  .meta({ id: 'Link' });

export type Link = z.infer<typeof LinkSchema>;

/** The background SCAN pass that counts in-flight lists and finds unknown workers. */
export const ScanInfoSchema = z
  .object({
    complete: z.boolean().describe('False when the pass stopped at its deadline or key cap.'),
    stopped_by: z.enum(['deadline', 'key_cap']).nullable(),
    keys_scanned: z.number().int().nonnegative(),
    duration_ms: z.number().nonnegative(),
    finished_at: z.string().nullable(),
    age_s: z.number().int().nonnegative().nullable().describe('Seconds since the pass finished.'),
  })
  .meta({ id: 'ScanInfo' });

export type ScanInfo = z.infer<typeof ScanInfoSchema>;

/** `GET /api/agent-office/nodes` (SPEC §2, LOCKED; fields after `links` are additive). */
export const StatusDocumentSchema = z
  .object({
    redis_ok: z.boolean(),
    paused: z.boolean(),
    paused_reason: z.string().nullable(),
    generated_at: z.string(),
    workers: z.array(WorkerStatusSchema),
    links: z.array(LinkSchema),
    // Additive.
    redis_error: z
      .string()
      .nullable()
      .describe('Why Redis could not be read, when redis_ok is false.'),
    stale: z
      .boolean()
      .describe('True when workers/links are the last good data because Redis cannot be read now.'),
    last_ok_at: z.string().nullable().describe('When Redis was last read successfully.'),
    collect_duration_ms: z.number().nonnegative(),
    scan: ScanInfoSchema.nullable(),
  })
  .meta({
    id: 'StatusDocument',
    title: 'Fleet status document',
    description: 'GET /api/agent-office/nodes',
  });

export type StatusDocument = z.infer<typeof StatusDocumentSchema>;
