import { Cron } from 'croner';
import { z } from 'zod';

/** The maintenance target that covers every worker (and Redis, for the alerts). */
export const MAINTENANCE_ALL = 'all';

/** Time zone of a recurring window that names none: the team's. */
export const DEFAULT_MAINTENANCE_TZ = 'Asia/Seoul';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+[smhdw])+$/;

/**
 * `90s`, `30m`, `2h`, `1d`, `1h30m` → milliseconds; null when the text is not such a duration.
 * Used by `/silence`, `/maintenance` and the fleet file, where a typo must be refused, not guessed.
 */
export function parseDuration(text: string): number | null {
  const lower = text.trim().toLowerCase();
  if (!DURATION.test(lower)) return null;
  let total = 0;
  for (const match of lower.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total > 0 ? total : null;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why croner refuses a pattern, or null when it takes it. */
function cronProblem(schedule: string, tz: string): string | null {
  try {
    new Cron(schedule, { timezone: tz, paused: true });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A recurring maintenance window in the fleet file. */
export const MaintenanceSpecSchema = z
  .strictObject({
    target: z
      .string()
      .min(1)
      .describe('A worker name, a host name (the workers with that `host`), or `all`.'),
    schedule: z
      .string()
      .min(1)
      .describe(
        'When each window starts: a cron pattern (5 fields, or 6 with seconds), read in `tz`, e.g. "0 3 * * *" (every day at 03:00) or "0 4 * * 0" (Sundays at 04:00).',
      ),
    duration: z
      .string()
      .refine((text) => parseDuration(text) !== null, 'a duration such as 30m, 2h or 1h30m')
      .describe('How long each window lasts: 30m, 2h, 1h30m …'),
    tz: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as Asia/Seoul or Europe/Berlin')
      .default(DEFAULT_MAINTENANCE_TZ)
      .describe('IANA time zone of the schedule (daylight saving time is followed).'),
    reason: z.string().max(200).optional().describe('Shown with the window, e.g. "NAS backup".'),
  })
  .superRefine((spec, ctx) => {
    const problem = cronProblem(spec.schedule, spec.tz ?? DEFAULT_MAINTENANCE_TZ);
    if (problem) ctx.addIssue({ code: 'custom', path: ['schedule'], message: problem });
  })
  .meta({ id: 'MaintenanceSpec' });

/** A recurring window with its defaults filled in. */
export interface MaintenanceSpec {
  target: string;
  schedule: string;
  durationMs: number;
  tz: string;
  reason: string | null;
}

/** Where a window comes from: the fleet file's schedule, or a `/maintenance` command. */
export const MAINTENANCE_SOURCES = ['schedule', 'command'] as const;
export type MaintenanceSource = (typeof MAINTENANCE_SOURCES)[number];

/** The id of a fleet file window: `schedule:<index in the fleet file>`. */
export function scheduleWindowId(index: number): string {
  return `schedule:${index}`;
}

/** Where the window with this id comes from (command windows are numbered). */
export function maintenanceSourceOf(id: string): MaintenanceSource {
  return id.startsWith('schedule:') ? 'schedule' : 'command';
}

/** A Telegram user who started or ended a window. */
export const MaintenanceActorSchema = z.object({ id: z.number(), name: z.string() });

/**
 * A one-off window as the alerting service stores it (JSON in the hash
 * `<ALERT_KEY_PREFIX>maintenance`, one field per id); the exporter reads it, read-only.
 */
export const StoredMaintenanceSchema = z.object({
  id: z.string().min(1),
  target: z.string().min(1),
  /** Epoch ms. */
  start: z.number(),
  /** Epoch ms: the window covers [start, until). */
  until: z.number(),
  reason: z.string().nullable(),
  /** Who started it (a Telegram user, as "name (id)"). */
  by: z.string().nullable(),
  /** Who started it, as the history records people; absent in windows stored before. */
  startedBy: MaintenanceActorSchema.nullable().optional(),
  /**
   * Who ended it early (`/maintenance end`): `until` is then when. Absent while it runs and when
   * it ran to its end. An ended window is kept a day, so the check that sees it end can say who.
   */
  endedBy: MaintenanceActorSchema.nullable().optional(),
});

export type StoredMaintenance = z.infer<typeof StoredMaintenanceSchema>;

/** An active window, as the status document lists it. */
export const MaintenanceWindowSchema = z
  .object({
    id: z
      .string()
      .describe(
        'A command window: its number; a scheduled one: "schedule:<index in the fleet file>".',
      ),
    source: z.enum(MAINTENANCE_SOURCES),
    target: z.string().describe('A worker name, a host name, or `all`.'),
    started_at: z.string().describe('When this window began (UTC).'),
    until: z.string().describe('When it ends (UTC).'),
    reason: z.string().nullable(),
  })
  .meta({ id: 'MaintenanceWindow' });

export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

/** Whether a window on `target` covers this worker: by its name, its host, or `all`. */
export function maintenanceCovers(target: string, worker: { name: string; host: string }): boolean {
  return target === MAINTENANCE_ALL || target === worker.name || target === worker.host;
}
