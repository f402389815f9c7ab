/** One alert a message announced, read back from its text. */
export interface LedgerEvent {
  /** `worker:<name>`, `deadletter:<name>` or `redis`. */
  subject: string;
  kind: 'down' | 'up' | 'dead_letter';
  /** For dead letters, the count announced. */
  count?: number;
}

// Korean and English texts of alerting/src/messages.ts (what a reader of the chat sees).
const PATTERNS: { pattern: RegExp; event: (match: RegExpExecArray) => LedgerEvent }[] = [
  {
    pattern: /🔴 \[([^\]]+)\] (?:워커 다운|worker down)/gu,
    event: (m) => ({ subject: `worker:${m[1]}`, kind: 'down' }),
  },
  {
    pattern: /🟢 \[([^\]]+)\] (?:워커 복구|worker recovered)/gu,
    event: (m) => ({ subject: `worker:${m[1]}`, kind: 'up' }),
  },
  {
    pattern: /❌ \[([^\]]+)\] (?:실패 누적 (\d+)건|(\d+) failed jobs)/gu,
    event: (m) => ({
      subject: `deadletter:${m[1]}`,
      kind: 'dead_letter',
      count: Number(m[2] ?? m[3]),
    }),
  },
  {
    pattern: /🚨 (?:모니터가 Redis를 읽을 수 없음|The monitor cannot read Redis)/gu,
    event: () => ({ subject: 'redis', kind: 'down' }),
  },
  {
    pattern: /✅ (?:Redis 연결 복구|Redis reachable again)/gu,
    event: () => ({ subject: 'redis', kind: 'up' }),
  },
];

// A host rollup: one line for most of a host's workers going down (or back) at once, the names
// comma-separated, wrapped onto indented lines.
const HOST_ROLLUPS: { pattern: RegExp; kind: 'down' | 'up' }[] = [
  {
    pattern:
      /🔴 \[[^\]]+\] (?:호스트 다운: 워커 \d+\/\d+개|host down: \d+ of \d+ workers)(?:<\/b>)?: ([^,\n]+(?:,\s+[^,\n]+)*)/gu,
    kind: 'down',
  },
  {
    pattern:
      /🟢 \[[^\]]+\] (?:호스트 복구: 워커 \d+\/\d+개|host recovered: \d+ of \d+ workers)(?:<\/b>)?(?: \([^)]*\))?: ([^,\n]+(?:,\s+[^,\n]+)*)/gu,
    kind: 'up',
  },
];

/** The alerts of a message, in the order its lines give them. */
export function eventsOfMessage(text: string): LedgerEvent[] {
  const found: { at: number; event: LedgerEvent }[] = [];
  for (const { pattern, event } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({ at: match.index, event: event(match) });
    }
  }
  for (const { pattern, kind } of HOST_ROLLUPS) {
    for (const match of text.matchAll(pattern)) {
      const names = (match[1] as string).split(',').map((name) => name.trim());
      for (const [offset, name] of names.entries()) {
        found.push({
          at: match.index + offset / names.length,
          event: { subject: `worker:${name}`, kind },
        });
      }
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ event }) => event);
}

/** The alerts of every message, in delivery order. */
export function eventsOfMessages(texts: readonly string[]): LedgerEvent[] {
  return texts.flatMap(eventsOfMessage);
}

/**
 * What is wrong with a sequence of alerts, as sentences (empty = nothing): a "down" twice in a
 * row for one subject is a doubled alert; an "up" without a "down" before it means the "down"
 * was lost. Dead-letter counts must change from one alert to the next (the same count twice is
 * a doubled alert).
 */
export function ledgerProblems(events: readonly LedgerEvent[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, LedgerEvent>();
  events.forEach((event, index) => {
    const previous = last.get(event.subject);
    if (event.kind === 'down' && previous?.kind === 'down') {
      problems.push(`#${index}: ${event.subject} down announced twice in a row`);
    }
    if (event.kind === 'up' && previous?.kind !== 'down') {
      problems.push(`#${index}: ${event.subject} up announced without a down before it`);
    }
    if (event.kind === 'dead_letter' && previous?.count === event.count) {
      problems.push(`#${index}: ${event.subject} count ${event.count} announced twice`);
    }
    last.set(event.subject, event);
  });
  return problems;
}

/** Subjects whose last alert is "down": still down as far as the chat knows. */
export function downAtEnd(events: readonly LedgerEvent[]): string[] {
  const last = new Map<string, LedgerEvent['kind']>();
  for (const event of events) last.set(event.subject, event.kind);
  return [...last].filter(([, kind]) => kind === 'down').map(([subject]) => subject);
}
