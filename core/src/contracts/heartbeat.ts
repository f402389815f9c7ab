import { z } from 'zod';
import { ISO_UTC_PATTERN, parseIsoUtc } from './iso-utc.js';
import { STATES_BY_KIND, WORKER_KINDS, type WorkerKind } from './worker-kinds.js';

const counter = z
  .number()
  .int('not a whole number at most 2^53 - 1 (a safe integer)')
  .nonnegative('negative');

/** Each heartbeat field on its own: one bad field never costs the others (docs/spec.md §1). */
const FIELD_SCHEMAS = {
  name: z.string().min(1),
  kind: z.enum(WORKER_KINDS),
  state: z.string().min(1),
  ts: z
    .string()
    .regex(new RegExp(ISO_UTC_PATTERN), 'not a UTC ISO-8601 time ending in Z')
    .describe('UTC ISO-8601 ending in Z: extended or basic format, hour to fraction precision.'),
  last_job_at: z.string().nullable(),
  jobs_done: counter,
  jobs_failed: counter,
  mode: z.string().optional(),
} as const;

export type HeartbeatField = keyof typeof FIELD_SCHEMAS;

/** The fields of the heartbeat contract, in contract order (the `field` label of the metrics). */
export const HEARTBEAT_FIELDS = Object.keys(FIELD_SCHEMAS) as HeartbeatField[];

/**
 * The heartbeat a worker writes with `SET worker:<name>:heartbeat <json> EX 45` (docs/spec.md §1, LOCKED).
 * Unknown extra fields are kept: workers may add fields, never remove them.
 */
export const HeartbeatSchema = z
  .looseObject(FIELD_SCHEMAS)
  .superRefine((beat, ctx) => {
    const problem = stateProblem(beat.state, beat.kind);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['state'], message: problem });
  })
  .meta({
    id: 'Heartbeat',
    title: 'Worker heartbeat',
    description: 'Value of worker:<name>:heartbeat, written every 15 s with EX 45.',
  });

export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** Heartbeats larger than this are rejected unread: a buggy worker must not stall the monitor. */
export const MAX_HEARTBEAT_BYTES = 64 * 1024;

/** The heartbeat fields that were valid; an invalid or missing one is null. */
export interface HeartbeatFields {
  name: string | null;
  kind: WorkerKind | null;
  state: string | null;
  ts: string | null;
  /** `ts` as milliseconds since the epoch. */
  tsMs: number | null;
  last_job_at: string | null;
  jobs_done: number | null;
  jobs_failed: number | null;
  mode: string | null;
}

export interface HeartbeatFieldError {
  field: HeartbeatField;
  error: string;
}

export type HeartbeatParse =
  | { ok: true; fields: HeartbeatFields; errors: HeartbeatFieldError[] }
  | { ok: false; error: string };

/** What the monitor already knows about the worker whose key held the heartbeat. */
export interface HeartbeatExpectation {
  /** The worker named by the key. */
  name: string;
  /** The fleet file's kind; null for a worker not in the fleet (its heartbeat decides). */
  kind: WorkerKind | null;
}

function stateProblem(state: string, kind: WorkerKind): string | null {
  const states: readonly string[] = STATES_BY_KIND[kind];
  return states.includes(state)
    ? null
    : `${JSON.stringify(state)} is not one of ${states.join(', ')} for kind ${kind}`;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Parses a raw heartbeat value field by field. Never throws. A value that is not a JSON object
 * is unreadable as a whole; otherwise every valid field is kept and each invalid one is reported
 * (which field, why). A UTF-8 byte order mark before the JSON is ignored, as RFC 8259 allows.
 */
export function parseHeartbeat(raw: string, expected?: HeartbeatExpectation): HeartbeatParse {
  if (raw.length > MAX_HEARTBEAT_BYTES) {
    return {
      ok: false,
      error: `value too large (${raw.length} bytes, limit ${MAX_HEARTBEAT_BYTES})`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.startsWith('\uFEFF') ? raw.slice(1) : raw);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: 'wrong shape: not a JSON object' };
  }
  const input = json as Record<string, unknown>;
  const errors: HeartbeatFieldError[] = [];
  const field = <F extends HeartbeatField>(name: F): z.infer<(typeof FIELD_SCHEMAS)[F]> | null => {
    if (!(name in input) && name !== 'mode') {
      errors.push({ field: name, error: 'missing' });
      return null;
    }
    const result = FIELD_SCHEMAS[name].safeParse(input[name]);
    if (result.success) return result.data as z.infer<(typeof FIELD_SCHEMAS)[F]>;
    const message = result.error.issues[0]?.message ?? 'invalid';
    errors.push({ field: name, error: `${describe(input[name])}: ${message}` });
    return null;
  };
  const fields: HeartbeatFields = {
    name: field('name'),
    kind: field('kind'),
    state: field('state'),
    ts: field('ts'),
    tsMs: null,
    last_job_at: field('last_job_at'),
    jobs_done: field('jobs_done'),
    jobs_failed: field('jobs_failed'),
    mode: field('mode') ?? null,
  };
  const reject = (name: HeartbeatField, error: string) => {
    (fields as unknown as Record<string, unknown>)[name] = null;
    errors.push({ field: name, error });
  };
  if (expected && fields.name !== null && fields.name !== expected.name) {
    reject('name', `${describe(fields.name)} does not match its key (worker ${expected.name})`);
  }
  if (expected?.kind && fields.kind !== null && fields.kind !== expected.kind) {
    reject('kind', `${describe(fields.kind)} but the fleet file says ${expected.kind}`);
  }
  // A state is judged against the fleet file's kind, else the heartbeat's own.
  const kind = expected?.kind ?? fields.kind;
  if (fields.state !== null && kind !== null) {
    const problem = stateProblem(fields.state, kind);
    if (problem !== null) reject('state', problem);
  }
  if (fields.ts !== null) {
    fields.tsMs = parseIsoUtc(fields.ts);
    if (fields.tsMs === null) reject('ts', `${describe(fields.ts)}: not a date`);
  }
  errors.sort((a, b) => HEARTBEAT_FIELDS.indexOf(a.field) - HEARTBEAT_FIELDS.indexOf(b.field));
  return { ok: true, fields, errors };
}

/** One line for `heartbeat_error`: each bad field and why, in contract order. */
export function describeFieldErrors(errors: readonly HeartbeatFieldError[]): string | null {
  return errors.length === 0 ? null : errors.map((e) => `${e.field}: ${e.error}`).join('; ');
}
