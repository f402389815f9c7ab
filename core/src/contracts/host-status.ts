import { z } from 'zod';

/** One host in the status document (additive `hosts`). */
export const HostStatusSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    role: z.string().nullable(),
    declared: z
      .boolean()
      .describe(
        'False for a host only an unlisted worker names (it lands on the default host, windows, when the fleet file does not declare it).',
      ),
  })
  .meta({ id: 'HostStatus' });

export type HostStatus = z.infer<typeof HostStatusSchema>;
