import { z } from 'zod';
import { DEFAULT_HOST, DEFAULT_HOSTS, HOST_NAME, type HostSpec } from './hosts.js';
import {
  MAINTENANCE_ALL,
  type MaintenanceSpec,
  MaintenanceSpecSchema,
  parseDuration,
} from './maintenance.js';
import { redisKeys } from './redis-keys.js';
import { defaultLinkOf, LINK_TYPES, WORKER_KIND_TABLE, WORKER_KINDS } from './worker-kinds.js';

const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const LinkSpecSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  type: z.enum(LINK_TYPES),
});

const WorkerSpecInputSchema = z.strictObject({
  name: z.string().regex(WORKER_NAME, 'letters, digits, "_", "." and "-" only (max 64)'),
  kind: z.enum(WORKER_KINDS),
  /** The name of a host in `hosts` (the default two: `nas`, `windows`). */
  host: z
    .string()
    .regex(HOST_NAME, 'letters, digits, "_", "." and "-" only (max 64)')
    .default(DEFAULT_HOST),
  /** Pending-job list. Default by kind (`WORKER_KIND_TABLE`): `queue:<name>` for render workers. */
  queue: z.string().min(1).nullable().optional(),
  /** The pipe drawn for this worker. Default by kind (`WORKER_KIND_TABLE`); `null` draws none. */
  link: LinkSpecSchema.nullable().optional(),
  /** Busy this long without progress (or an in-flight list unchanged this long) = job stuck. */
  stuck_after_s: z.number().int().positive().optional(),
  /** The end of the queue the workers take jobs from (`BLMOVE queue … RIGHT …`). */
  take_from: z.enum(['left', 'right']).default('right'),
  /** Where a requeued dead letter goes: `front` = the end workers take from (next), `back` = last. */
  retry_to: z.enum(['front', 'back']).default('front'),
});

const HostSpecInputSchema = z.strictObject({
  name: z.string().regex(HOST_NAME, 'letters, digits, "_", "." and "-" only (max 64)'),
  /** Shown over the host's box in the panel; default its name. */
  label: z.string().min(1).max(64).optional(),
  /** What runs there, in a few words, shown under the label. */
  role: z.string().min(1).max(120).optional(),
});

/** A fleet file: which hosts and workers exist and how the panel draws them. */
export const FleetFileSchema = z
  .strictObject({
    /** Where workers run; default `nas` and `windows` (docs/spec.md §1). */
    hosts: z.array(HostSpecInputSchema).min(1, 'at least one host').optional(),
    workers: z.array(WorkerSpecInputSchema).min(1, 'at least one worker'),
    /** Recurring maintenance windows: nothing is alerted for what they cover while they run. */
    maintenance: z.array(MaintenanceSpecSchema).default([]),
  })
  .superRefine((fleet, ctx) => {
    const hosts = new Set<string>();
    fleet.hosts?.forEach((host, index) => {
      if (hosts.has(host.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', index, 'name'],
          message: `duplicate host "${host.name}"`,
        });
      }
      hosts.add(host.name);
    });
    const declared = fleet.hosts ? hosts : new Set(DEFAULT_HOSTS.map((host) => host.name));
    fleet.workers.forEach((worker, index) => {
      if (declared.has(worker.host)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['workers', index, 'host'],
        message: `host "${worker.host}" is not in hosts (${[...declared].join(', ')})${
          worker.host === DEFAULT_HOST
            ? `; "${DEFAULT_HOST}" is the default when a worker names none`
            : ''
        }`,
      });
    });
    const seen = new Set<string>();
    fleet.workers.forEach((worker, index) => {
      if (seen.has(worker.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workers', index, 'name'],
          message: `duplicate worker "${worker.name}"`,
        });
      }
      seen.add(worker.name);
    });
    const targets = new Set<string>([MAINTENANCE_ALL, ...declared, ...seen]);
    fleet.maintenance.forEach((window, index) => {
      if (targets.has(window.target)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['maintenance', index, 'target'],
        message: `"${window.target}" is not a worker of this file, a host (${[...declared].join(', ')}) or "${MAINTENANCE_ALL}"`,
      });
    });
  })
  .meta({ id: 'FleetFile', title: 'Fleet file' });

export type FleetFileInput = z.input<typeof FleetFileSchema>;

export interface LinkSpec {
  from: string;
  to: string;
  type: z.infer<typeof LinkSpecSchema>['type'];
}

/** A worker of the fleet with every default filled in. */
export interface WorkerSpec {
  name: string;
  kind: z.infer<typeof WorkerSpecInputSchema>['kind'];
  /** The name of one of the fleet's hosts (an unlisted worker: `DEFAULT_HOST`). */
  host: string;
  queue: string | null;
  link: LinkSpec | null;
  /** Its stuck threshold; null = the collector's default. */
  stuckAfterS: number | null;
  /** The end of its queue the worker takes jobs from. @defaultValue `'right'` */
  takeFrom: 'left' | 'right';
  /** Where a requeued dead letter goes. @defaultValue `'front'` (taken next) */
  retryTo: 'front' | 'back';
}

export interface Fleet {
  /** Where workers run, in the order the panel lays them out. @defaultValue `DEFAULT_HOSTS` */
  hosts: readonly HostSpec[];
  workers: WorkerSpec[];
  /** Recurring maintenance windows. @defaultValue none */
  maintenance: MaintenanceSpec[];
}

/**
 * A worker that beats but is not in the fleet file: on the default host (windows), no pipe, its
 * queue where its kind keeps one by default (`queue:<name>` for a render worker).
 */
export function unlistedWorker(name: string, kind: WorkerSpec['kind']): WorkerSpec {
  const queue = WORKER_KIND_TABLE[kind].queue ? redisKeys.defaultQueue(name) : null;
  return {
    name,
    kind,
    host: DEFAULT_HOST,
    queue,
    link: null,
    stuckAfterS: null,
    takeFrom: 'right',
    retryTo: 'front',
  };
}

export class FleetConfigError extends Error {
  override name = 'FleetConfigError';
}

/** Validates a parsed fleet file and fills in defaults; the error names every bad field. */
export function parseFleet(input: unknown, source = 'fleet file'): Fleet {
  const result = FleetFileSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    );
    throw new FleetConfigError(`${source} is invalid:\n${problems.join('\n')}`);
  }
  return {
    hosts: result.data.hosts
      ? result.data.hosts.map((host) => ({
          name: host.name,
          label: host.label ?? host.name,
          role: host.role ?? null,
        }))
      : DEFAULT_HOSTS,
    workers: result.data.workers.map((worker) => ({
      name: worker.name,
      kind: worker.kind,
      host: worker.host,
      queue:
        worker.queue === undefined
          ? WORKER_KIND_TABLE[worker.kind].queue
            ? redisKeys.defaultQueue(worker.name)
            : null
          : worker.queue,
      link: worker.link === undefined ? defaultLinkOf(worker.kind, worker.name) : worker.link,
      stuckAfterS: worker.stuck_after_s ?? null,
      takeFrom: worker.take_from,
      retryTo: worker.retry_to,
    })),
    maintenance: result.data.maintenance.map((window) => ({
      target: window.target,
      schedule: window.schedule,
      durationMs: parseDuration(window.duration) as number,
      tz: window.tz,
      reason: window.reason ?? null,
    })),
  };
}

/** The six workers of docs/spec.md §1. */
export const DEFAULT_FLEET: Fleet = parseFleet({
  workers: [
    { name: 'music-render', kind: 'render' },
    { name: 'video-render', kind: 'render' },
    { name: 'image-render', kind: 'render' },
    { name: 'insta-render', kind: 'render' },
    { name: 'task-watcher', kind: 'watcher' },
    { name: 'ai_trade', kind: 'trader' },
  ],
});
