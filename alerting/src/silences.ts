import { SILENCE_ALL } from '@fleet/core/contracts';

// The target name is shared with the exporter, which shows silences read-only.
export { SILENCE_ALL };

/** Active silences: target (a worker name or `all`) → until when (epoch ms). */
export type Silences = Readonly<Record<string, number>>;

/** True while a silence on `target` itself, or on `all`, is running. */
export function isSilenced(target: string, silences: Silences, now: number): boolean {
  return isActive(SILENCE_ALL, silences, now) || isActive(target, silences, now);
}

function isActive(target: string, silences: Silences, now: number): boolean {
  const until = silences[target];
  return until !== undefined && until > now;
}
