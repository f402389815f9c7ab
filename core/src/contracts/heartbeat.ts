import { z } from 'zod';
import { STATES_BY_KIND, WORKER_KINDS } from './worker-kinds.js';

/**
 * The heartbeat a worker writes with `SET worker:<name>:heartbeat <json> EX 45` (SPEC §1, LOCKED).
 * Unknown extra fields are kept: workers may add fields, never remove them.
 */
export const HeartbeatSchema = z
  .looseObject({
    name: z.string().min(1),
    kind: z.enum(WORKER_KINDS),
    state: z.string().min(1),
    ts: z.iso.datetime({ offset: false }),
    last_job_at: z.string().nullable(),
    jobs_done: z.number().int().nonnegative(),
    jobs_failed: z.number().int().nonnegative(),
    mode: z.string().optional(),
  })
  .superRefine((beat, ctx) => {
    const states: readonly string[] = STATES_BY_KIND[beat.kind];
    if (!states.includes(beat.state)) {
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message: `state "${beat.state}" is not one of ${states.join(', ')} for kind ${beat.kind}`,
      });
    }
  })
  .meta({
    id: 'Heartbeat',
    title: 'Worker heartbeat',
    description: 'Value of worker:<name>:heartbeat, written every 15 s with EX 45.',
  });

export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** Heartbeats larger than this are rejected unread: a buggy worker must not stall the monitor. */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

export type HeartbeatParse = { ok: true; heartbeat: Heartbeat } | { ok: false; error: string };

/** Parses a raw heartbeat value. Never throws: every failure comes back as a short reason. */
export function parseHeartbeat(raw: string): HeartbeatParse {
  if (raw.length > MAX_HEARTBEAT_BYTES) {
    return {
      ok: false,
      error: `value too large (${raw.length} bytes, limit ${MAX_HEARTBEAT_BYTES})`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const result = HeartbeatSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: `wrong shape: ${where}${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, heartbeat: result.data };
}
