/** The silence target that covers every worker and Redis. */
export const SILENCE_ALL = 'all';

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
