import type { AlertEvent } from './evaluate-check.js';

/** The silence target that covers every worker and Redis. */
export const SILENCE_ALL = 'all';

/** Active silences: target (a worker name or `all`) → until when (epoch ms). */
export type Silences = Readonly<Record<string, number>>;

function isSilenced(target: string, silences: Silences, now: number): boolean {
  const until = silences[target];
  return until !== undefined && until > now;
}

/** Splits events into those to announce and those a silence swallows (they are only logged). */
export function applySilences(
  events: readonly AlertEvent[],
  silences: Silences,
  now: number,
): { announce: AlertEvent[]; silenced: AlertEvent[] } {
  const announce: AlertEvent[] = [];
  const silenced: AlertEvent[] = [];
  const everything = isSilenced(SILENCE_ALL, silences, now);
  for (const event of events) {
    const byWorker = 'worker' in event && isSilenced(event.worker, silences, now);
    (everything || byWorker ? silenced : announce).push(event);
  }
  return { announce, silenced };
}
