import { DEFAULT_MAINTENANCE_TZ } from '@fleet/core/contracts';
import type { AlertState, Incident, IncidentKind, PressRecord } from './alert-state.js';
import { formatClock, formatDuration } from './duration.js';
import type { AlertEvent } from './evaluate-check.js';
import { clip, escapeHtml, htmlToPlain, splitLines, wrapList } from './html.js';
import type { Keyboard } from './inline-keyboard.js';
import type { Lang } from './lang.js';

/** A message ready for Telegram: the HTML form, the plain form to fall back on, its buttons. */
export interface RenderedMessage {
  html: string;
  plain: string;
  keyboard?: Keyboard;
}

const MAX_ERROR_CHARS = 300;
/** A worker name longer than this is clipped in messages, so that every line fits one message. */
const MAX_NAME_CHARS = 200;

/** Texts by language. Names and errors arrive already escaped; the rest is literal. */
const TEXTS = {
  ko: {
    workerDown: (name: string) => `🔴 [${name}] 워커 다운`,
    lastBeat: (ago: string) => `마지막 하트비트 ${ago} 전`,
    noBeatSinceBoot: (grace: string) => `모니터 시작 후 ${grace} 동안 하트비트 없음`,
    workerRecovered: (name: string) => `🟢 [${name}] 워커 복구`,
    downFor: (duration: string) => `다운 ${duration}`,
    stillDown: (name: string, duration: string) => `🔁 [${name}] 여전히 다운 (${duration}째)`,
    silenceOver: (name: string) => `🔔 [${name}] 무음 중 변화:`,
    maintenanceChanges: (name: string) => `🛠 [${name}] 점검 중 변화:`,
    maintenanceStarted: (target: string, until: string) =>
      `🛠 [${target}] 점검 시작: ${until}까지 알림 없음`,
    maintenanceOver: (target: string, duration: string) => `🛠 [${target}] 점검 끝 (${duration})`,
    nothingChanged: '변화 없음',
    stillDownSince: (duration: string) => `다운 (${duration}째)`,
    downAndRecovered: (duration: string) => `다운됐다가 복구됨 (다운 ${duration})`,
    deadLettersNow: (count: number) => `실패 누적 ${count}건 (dead-letter)`,
    deadLetter: (name: string, count: number) => `❌ [${name}] 실패 누적 ${count}건 (dead-letter)`,
    queueStuck: (name: string, depth: number, duration: string) =>
      `⏳ [${name}] 큐 정체: 대기 ${depth}건, ${duration}째 줄지 않음`,
    queueMoving: (name: string, depth: number) => `▶️ [${name}] 큐 처리 재개 (대기 ${depth}건)`,
    heartbeatStale: (name: string, duration: string) =>
      `⚠️ [${name}] 하트비트 멈춤: 키는 남아 있지만 ${duration}째 갱신 없음`,
    heartbeatFresh: (name: string) => `✅ [${name}] 하트비트 다시 갱신됨`,
    jobStuck: (name: string, duration: string) => `🧊 [${name}] 작업 멈춤: ${duration}째 진행 없음`,
    jobMoving: (name: string) => `▶️ [${name}] 작업 다시 진행`,
    redisEvicting: (policy: string) =>
      `⚠️ Redis가 키를 내보내는 중 (maxmemory, ${policy}): 사라진 하트비트를 워커 다운으로 알리지 않음`,
    redisEvictingOver: (duration: string) => `✅ Redis 키 내보내기 멈춤 (${duration} 동안)`,
    redisDown: '🚨 모니터가 Redis를 읽을 수 없음',
    redisError: (error: string) => `오류: ${error}`,
    redisStillDown: (duration: string) => `🔁 Redis 여전히 연결 안 됨 (${duration}째)`,
    redisRestored: (duration: string) => `✅ Redis 연결 복구 (${duration} 동안 끊김)`,
    stillDownList: '아직 다운:',
    hostDown: (host: string, down: number, total: number) =>
      `🔴 [${host}] 호스트 다운: 워커 ${down}/${total}개`,
    hostRecovered: (host: string, up: number, total: number) =>
      `🟢 [${host}] 호스트 복구: 워커 ${up}/${total}개`,
    escalated: (duration: string) => `⏫ 에스컬레이션: ${duration} 동안 아무도 확인하지 않음`,
    incidentDown: (name: string) => `🔴 [${name}] 워커 다운`,
    incidentQueueStuck: (name: string) => `⏳ [${name}] 큐 정체`,
    incidentJobStuck: (name: string) => `🧊 [${name}] 작업 멈춤`,
    openFor: (duration: string) => `${duration}째`,
    acknowledged: (name: string, who: string, when: string) =>
      `✅ [${name}] ${who} 님이 확인 (${when})`,
  },
  en: {
    workerDown: (name: string) => `🔴 [${name}] worker down`,
    lastBeat: (ago: string) => `last heartbeat ${ago} ago`,
    noBeatSinceBoot: (grace: string) => `no heartbeat in the ${grace} since the monitor started`,
    workerRecovered: (name: string) => `🟢 [${name}] worker recovered`,
    downFor: (duration: string) => `down ${duration}`,
    stillDown: (name: string, duration: string) => `🔁 [${name}] still down (${duration})`,
    silenceOver: (name: string) => `🔔 [${name}] while silenced:`,
    maintenanceChanges: (name: string) => `🛠 [${name}] during maintenance:`,
    maintenanceStarted: (target: string, until: string) =>
      `🛠 [${target}] maintenance started: no alerts until ${until}`,
    maintenanceOver: (target: string, duration: string) =>
      `🛠 [${target}] maintenance over (${duration})`,
    nothingChanged: 'nothing changed',
    stillDownSince: (duration: string) => `went down, still down (${duration})`,
    downAndRecovered: (duration: string) => `went down and recovered (down ${duration})`,
    deadLettersNow: (count: number) => `${count} failed jobs (dead-letter)`,
    deadLetter: (name: string, count: number) => `❌ [${name}] ${count} failed jobs (dead-letter)`,
    queueStuck: (name: string, depth: number, duration: string) =>
      `⏳ [${name}] queue stuck: ${depth} waiting, not falling for ${duration}`,
    queueMoving: (name: string, depth: number) =>
      `▶️ [${name}] queue moving again (${depth} waiting)`,
    heartbeatStale: (name: string, duration: string) =>
      `⚠️ [${name}] heartbeat stale: the key is there but has not changed for ${duration}`,
    heartbeatFresh: (name: string) => `✅ [${name}] heartbeat moving again`,
    jobStuck: (name: string, duration: string) =>
      `🧊 [${name}] job stuck: no progress for ${duration}`,
    jobMoving: (name: string) => `▶️ [${name}] job moving again`,
    redisEvicting: (policy: string) =>
      `⚠️ Redis is evicting keys (maxmemory, ${policy}): vanished heartbeats are not announced as dead workers`,
    redisEvictingOver: (duration: string) => `✅ Redis stopped evicting keys (after ${duration})`,
    redisDown: '🚨 The monitor cannot read Redis',
    redisError: (error: string) => `error: ${error}`,
    redisStillDown: (duration: string) => `🔁 Redis still unreachable (${duration})`,
    redisRestored: (duration: string) => `✅ Redis reachable again (was down ${duration})`,
    stillDownList: 'Still down:',
    hostDown: (host: string, down: number, total: number) =>
      `🔴 [${host}] host down: ${down} of ${total} workers`,
    hostRecovered: (host: string, up: number, total: number) =>
      `🟢 [${host}] host recovered: ${up} of ${total} workers`,
    escalated: (duration: string) => `⏫ Escalated: nobody acknowledged in ${duration}`,
    incidentDown: (name: string) => `🔴 [${name}] worker down`,
    incidentQueueStuck: (name: string) => `⏳ [${name}] queue stuck`,
    incidentJobStuck: (name: string) => `🧊 [${name}] job stuck`,
    openFor: (duration: string) => `for ${duration}`,
    acknowledged: (name: string, who: string, when: string) =>
      `✅ [${name}] acknowledged by ${who} (${when})`,
  },
} as const;

export type MessageTexts = (typeof TEXTS)[Lang];

const INCIDENT_TEXTS = {
  down: 'incidentDown',
  queue_stuck: 'incidentQueueStuck',
  job_stuck: 'incidentJobStuck',
} as const satisfies Record<IncidentKind, keyof MessageTexts>;

/** An incident's short line: `🔴 [<name>] 워커 다운` (the name arrives escaped). */
export function incidentText(kind: IncidentKind, name: string, lang: Lang): string {
  return TEXTS[lang][INCIDENT_TEXTS[kind]](name);
}

export function textsFor(lang: Lang): MessageTexts {
  return TEXTS[lang];
}

function eventLines(event: AlertEvent, now: number, lang: Lang, timeZone: string): string[] {
  const t = TEXTS[lang];
  const duration = (ms: number) => formatDuration(ms, lang);
  const name = 'worker' in event ? workerName(event.worker) : '';
  switch (event.type) {
    case 'worker_down': {
      const detail = event.atBoot
        ? t.noBeatSinceBoot(duration(now - event.downSince))
        : event.lastBeatSeenAt !== null
          ? t.lastBeat(duration(now - event.lastBeatSeenAt))
          : null;
      return [`<b>${t.workerDown(name)}</b>`, ...(detail ? [`   ${detail}`] : [])];
    }
    case 'worker_recovered':
      return [`<b>${t.workerRecovered(name)}</b> (${t.downFor(duration(event.downForMs))})`];
    case 'worker_still_down':
      return [t.stillDown(name, duration(event.downForMs))];
    case 'silence_over': {
      const parts = [
        ...(event.downSince !== null ? [t.stillDownSince(duration(now - event.downSince))] : []),
        ...(event.recoveredAfterMs !== null
          ? [t.downAndRecovered(duration(event.recoveredAfterMs))]
          : []),
        ...(event.deadLetters !== null ? [t.deadLettersNow(event.deadLetters)] : []),
      ];
      const title = event.maintenance ? t.maintenanceChanges(name) : t.silenceOver(name);
      return [`<b>${title}</b> ${parts.join(', ')}`];
    }
    case 'maintenance_started': {
      const target = escapeHtml(clip(event.target, MAX_NAME_CHARS));
      const reason = event.reason ? ` (${escapeHtml(clip(event.reason, MAX_ERROR_CHARS))})` : '';
      return [
        `<b>${t.maintenanceStarted(target, formatClock(event.until, now, timeZone))}</b>${reason}`,
      ];
    }
    case 'maintenance_over': {
      const target = escapeHtml(clip(event.target, MAX_NAME_CHARS));
      const over = t.maintenanceOver(target, duration(event.lastedMs));
      return [`<b>${over}</b>${event.quiet ? `: ${t.nothingChanged}` : ''}`];
    }
    case 'dead_letter':
      return [`<b>${t.deadLetter(name, event.count)}</b>`];
    case 'queue_stuck':
      return [`<b>${t.queueStuck(name, event.depth, duration(event.stuckForMs))}</b>`];
    case 'queue_moving':
      return [t.queueMoving(name, event.depth)];
    case 'heartbeat_stale':
      return [
        `<b>${t.heartbeatStale(name, duration(event.lastBeatSeenAt === null ? 0 : now - event.lastBeatSeenAt))}</b>`,
      ];
    case 'heartbeat_fresh':
      return [t.heartbeatFresh(name)];
    case 'job_stuck':
      return [
        `<b>${t.jobStuck(name, duration(event.stuckSince === null ? 0 : now - event.stuckSince))}</b>`,
      ];
    case 'job_moving':
      return [t.jobMoving(name)];
    case 'redis_evicting':
      return [`<b>${t.redisEvicting(escapeHtml(clip(event.policy ?? '?', MAX_NAME_CHARS)))}</b>`];
    case 'redis_evicting_over':
      return [`<b>${t.redisEvictingOver(duration(event.evictingForMs))}</b>`];
    case 'redis_down':
      return [
        `<b>${t.redisDown}</b>`,
        ...(event.error
          ? [`   ${t.redisError(escapeHtml(clip(event.error, MAX_ERROR_CHARS)))}`]
          : []),
      ];
    case 'redis_still_down':
      return [t.redisStillDown(duration(event.downForMs))];
    case 'redis_restored':
      return [`<b>${t.redisRestored(duration(event.downForMs))}</b>`];
  }
}

function workerName(name: string): string {
  return escapeHtml(clip(name, MAX_NAME_CHARS));
}

/** Where each worker of the fleet runs: host rollups need it. */
export type FleetHosts = Readonly<Record<string, string>>;

type LivenessEvent = Extract<AlertEvent, { type: 'worker_down' | 'worker_recovered' }>;

/** How many workers of the fleet run on each host. */
function hostSizes(hosts: FleetHosts): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const host of Object.values(hosts)) sizes.set(host, (sizes.get(host) ?? 0) + 1);
  return sizes;
}

/**
 * The workers of one host that went down (or came back) in this check, when they are most of
 * that host (at least two): a host that reboots is one line, not one per worker.
 */
function hostGroups(
  events: readonly AlertEvent[],
  type: LivenessEvent['type'],
  hosts: FleetHosts,
): Map<string, LivenessEvent[]> {
  const byHost = new Map<string, LivenessEvent[]>();
  for (const event of events) {
    if (event.type !== type || (event.type !== 'worker_down' && event.type !== 'worker_recovered'))
      continue;
    const host = hosts[event.worker];
    if (host !== undefined) byHost.set(host, [...(byHost.get(host) ?? []), event]);
  }
  const sizes = hostSizes(hosts);
  for (const [host, group] of byHost) {
    if (group.length < 2 || group.length * 2 <= (sizes.get(host) ?? 0)) byHost.delete(host);
  }
  return byHost;
}

function hostLines(
  host: string,
  group: readonly LivenessEvent[],
  total: number,
  now: number,
  lang: Lang,
): string[] {
  const t = TEXTS[lang];
  const duration = (ms: number) => formatDuration(ms, lang);
  const names = group.map((event) => workerName(event.worker));
  const hostName = escapeHtml(clip(host, MAX_NAME_CHARS));
  if (group[0]?.type === 'worker_recovered') {
    const longest = Math.max(
      ...group.map((event) => (event.type === 'worker_recovered' ? event.downForMs : 0)),
    );
    return wrapList(
      `<b>${t.hostRecovered(hostName, group.length, total)}</b> (${t.downFor(duration(longest))}):`,
      names,
    );
  }
  const seen = group.flatMap((event) =>
    event.type === 'worker_down' && event.lastBeatSeenAt !== null ? [event.lastBeatSeenAt] : [],
  );
  return [
    ...wrapList(`<b>${t.hostDown(hostName, group.length, total)}</b>:`, names),
    ...(seen.length > 0 ? [`   ${t.lastBeat(duration(now - Math.max(...seen)))}`] : []),
  ];
}

/**
 * The messages for the events of one check, followed by what is still down that the events did
 * not just mention (and no silence or maintenance window keeps quiet): whoever reads only the latest message still sees the whole picture. Usually
 * one message; a big outage is split across several (each at most 4096 characters), so that no
 * worker is left out. Most of a host going down (or back) at once is one line for the host.
 */
export function renderAlertMessages(
  events: readonly AlertEvent[],
  state: AlertState,
  now: number,
  lang: Lang,
  hosts: FleetHosts = {},
  /** Clock times (a maintenance window's end) are told in this zone. */
  timeZone: string = DEFAULT_MAINTENANCE_TZ,
): RenderedMessage[] {
  const t = TEXTS[lang];
  const sizes = hostSizes(hosts);
  const rolledUp = new Map<AlertEvent, string[]>();
  for (const type of ['worker_down', 'worker_recovered'] as const) {
    for (const [host, group] of hostGroups(events, type, hosts)) {
      const [first, ...rest] = group;
      if (!first) continue;
      rolledUp.set(first, hostLines(host, group, sizes.get(host) ?? group.length, now, lang));
      for (const event of rest) rolledUp.set(event, []);
    }
  }
  const lines = events.flatMap(
    (event) => rolledUp.get(event) ?? eventLines(event, now, lang, timeZone),
  );
  const mentioned = new Set(
    events.flatMap((event) =>
      event.type === 'worker_down' ||
      event.type === 'worker_still_down' ||
      (event.type === 'silence_over' && event.downSince !== null)
        ? [event.worker]
        : [],
    ),
  );
  // A worker kept quiet (silence, maintenance) is not named again: that is what was asked for.
  const stillDown = Object.entries(state.workers)
    .filter(([name, entry]) => entry.status === 'down' && !entry.silence && !mentioned.has(name))
    .map(
      ([name, entry]) =>
        `${workerName(name)} (${formatDuration(now - (entry.downSince ?? now), lang)})`,
    );
  if (stillDown.length > 0) lines.push('', ...wrapList(`<i>${t.stillDownList}</i>`, stillDown));
  return splitLines(lines).map((html) => ({ html, plain: htmlToPlain(html) }));
}

/**
 * The message for the escalation chat: the incidents nobody acknowledged within `afterMs`, one
 * line each, since when.
 */
export function renderEscalation(
  incidents: readonly Incident[],
  afterMs: number,
  now: number,
  lang: Lang,
): RenderedMessage[] {
  const t = TEXTS[lang];
  const lines = [
    `<b>${t.escalated(formatDuration(afterMs, lang))}</b>`,
    ...incidents.map(
      (incident) =>
        `<b>${incidentText(incident.kind, workerName(incident.worker), lang)}</b> (${t.openFor(formatDuration(now - incident.openedAt, lang))})`,
    ),
  ];
  return splitLines(lines).map((html) => ({ html, plain: htmlToPlain(html) }));
}

/**
 * Zone names for the team's clock that Intl spells only as an offset (it says `GMT+9` for Seoul):
 * the names people there read.
 */
const ZONE_NAMES: Readonly<Record<string, string>> = { 'Asia/Seoul': 'KST', 'Asia/Tokyo': 'JST' };

/** `14:03 KST` / `01:03 EST`: who pressed what when, on the clock of `ALERT_TIME_ZONE`. */
export function clockTime(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('hour')}:${part('minute')} ${ZONE_NAMES[timeZone] ?? part('timeZoneName')}`;
}

/** Who pressed: `@name`, or the user id when the user has no username (plain text). */
export function pressedBy(record: Pick<PressRecord, 'userId' | 'userName'>): string {
  return record.userName ? `@${record.userName}` : `id ${record.userId}`;
}

/** Who pressed, for an HTML message. */
export function presser(record: Pick<PressRecord, 'userId' | 'userName'>): string {
  return escapeHtml(pressedBy(record));
}

/** The line an acknowledgement adds to its alert (HTML). */
export function acknowledgedLine(
  worker: string,
  record: PressRecord,
  lang: Lang,
  timeZone: string,
): string {
  return `<b>${TEXTS[lang].acknowledged(workerName(worker), presser(record), clockTime(record.at, timeZone))}</b>`;
}
