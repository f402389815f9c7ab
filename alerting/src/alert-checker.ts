import type { Logger } from '@fleet/core';
import type { StatusDocument, WorkerSpec } from '@fleet/core/contracts';
import { alertButtonRows, attachButtons, incidentRow, namedRows } from './alert-buttons.js';
import { type AlertState, mergeAlertStates, type PressRecord } from './alert-state.js';
import { type AlertStore, type OutboxMessage, outboxMessage } from './alert-store.js';
import type { AlertingMetrics } from './alerting-metrics.js';
import {
  type AlertEvent,
  type CheckOutcome,
  type CheckRules,
  evaluateCheck,
} from './evaluate-check.js';
import {
  commandWindowsOf,
  type HistoryEvent,
  historyOfCheck,
  type MaintenanceActors,
} from './history/history-event.js';
import type { HistoryStream } from './history/history-stream.js';
import { acknowledgedDown, trackIncidents } from './incidents.js';
import type { Lang } from './lang.js';
import type { MaintenanceStore } from './maintenance-store.js';
import { type RenderedMessage, renderAlertMessages, renderEscalation } from './messages.js';
import { isSilenced, type Silences } from './silences.js';

/** Where status documents come from: the core `Collector` (its `collect` never throws). */
export interface StatusSource {
  collect(): Promise<StatusDocument>;
}

/** Where the messages of a check go when Redis cannot take them. */
export interface MessageHolder {
  hold(messages: readonly OutboxMessage[]): void;
  wake(): void;
}

export interface AlertCheckerOptions {
  source: StatusSource;
  store: AlertStore;
  outbox: MessageHolder;
  rules: CheckRules;
  /** Where each check's transitions are recorded, in the same commit as its state. */
  history: HistoryStream;
  /** Who started and ended command windows, for the history. @defaultValue nobody known */
  maintenance?: Pick<MaintenanceStore, 'actors'>;
  lang: Lang;
  /** Each message goes to every one of these chats. */
  chatIds: readonly string[];
  /** Clock times in messages are in this zone. @defaultValue `'Asia/Seoul'` */
  timeZone?: string;
  /** The fleet's workers, in fleet-file order: a button names a worker by its index. */
  workers: readonly WorkerSpec[];
  /**
   * The second chat that also gets an incident nobody acknowledged within `afterMs`, and its
   * end; null = no escalation.
   */
  escalation: { chatId: string; afterMs: number } | null;
  now: () => number;
  logger: Logger;
  metrics: AlertingMetrics;
  /** Called after each successful check: Redis read and the alert state saved. */
  onSuccess?: () => void;
}

export class AlertStateUnavailableError extends Error {
  override name = 'AlertStateUnavailableError';
}

/** Another writer changed the state this many times in a row: give up this check. */
const MAX_CONFLICTS = 3;
/** Transitions kept in memory while Redis cannot take them (a long outage keeps the newest). */
const MAX_PENDING_HISTORY = 1000;

/**
 * One check: collect a status document, evaluate it against the stored alert state, and commit
 * the next state together with its messages in one atomic step. When Redis is unreachable the
 * state is carried in memory and the messages are held by the dispatcher, so the outage itself is
 * still announced and the recovery is announced once Redis is back.
 */
export class AlertChecker {
  private ownState: AlertState | null = null;
  private silences: Silences = {};
  private latestDocument: StatusDocument | null = null;
  private knownPolicy: string | null = null;
  /** Transitions decided while the state could not be committed: they go with the next commit. */
  private pendingHistory: HistoryEvent[] = [];

  constructor(private readonly options: AlertCheckerOptions) {}

  /** The latest document and alert state, for `/status`. */
  snapshot(): { document: StatusDocument | null; state: AlertState | null } {
    return { document: this.latestDocument, state: this.ownState };
  }

  /**
   * Forgets the state carried in memory, once another replica is the one checking. Transitions
   * still waiting for a commit are recorded on their own: the other replica never saw them.
   */
  forgetOwnState(): void {
    this.ownState = null;
    const pending = this.pendingHistory;
    this.pendingHistory = [];
    if (pending.length === 0) return;
    this.options.history.append(pending).catch((error: Error) => {
      this.options.logger.warn({ error: error.message, lost: pending.length }, 'history lost');
    });
  }

  async check(): Promise<CheckOutcome | null> {
    const { source, metrics, logger } = this.options;
    const document = await source.collect();
    this.latestDocument = document;
    this.watchEvictionPolicy(document);
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt += 1) {
      const outcome = await this.settle(document);
      if (!outcome) continue;
      metrics.checks.inc({ result: document.redis_ok ? 'ok' : 'redis_down' });
      metrics.workersDown.set(
        Object.values(outcome.next.workers).filter((entry) => entry.status === 'down').length,
      );
      return outcome;
    }
    metrics.checks.inc({ result: 'error' });
    logger.warn('alert state kept changing under this check; skipped it');
    return null;
  }

  /** Who started and ended the command windows of these events; unknown when Redis fails. */
  private async actors(events: readonly AlertEvent[]): Promise<MaintenanceActors> {
    const ids = commandWindowsOf(events);
    if (ids.length === 0 || !this.options.maintenance) return {};
    return this.options.maintenance.actors(ids).catch((error: Error) => {
      this.options.logger.warn({ error: error.message }, 'could not read who started maintenance');
      return {};
    });
  }

  /**
   * Says at start (the first check), and whenever it changes, whether Redis may evict heartbeats:
   * under allkeys-* any key goes, under volatile-* keys with a TTL, which heartbeats all have.
   */
  private watchEvictionPolicy(document: StatusDocument): void {
    const policy = document.redis_maxmemory_policy;
    if (policy === null || policy === this.knownPolicy) return;
    this.knownPolicy = policy;
    const risky = /^(allkeys|volatile)-/.test(policy);
    this.options.metrics.evictionRisk.set(risky ? 1 : 0);
    const context = { policy, maxmemoryBytes: document.redis_maxmemory_bytes };
    if (risky) {
      this.options.logger.warn(
        context,
        'Redis may evict heartbeats under memory pressure (maxmemory-policy); evicted heartbeats are told as one "Redis is evicting keys" problem, but use noeviction for the fleet Redis',
      );
    } else {
      this.options.logger.info(context, 'Redis does not evict keys (maxmemory-policy)');
    }
  }

  /** Evaluates and commits once; null when another writer got there first. */
  private async settle(document: StatusDocument): Promise<CheckOutcome | null> {
    const { store, outbox, rules, lang, chatIds, logger, metrics, history } = this.options;
    const now = this.options.now();
    let stored: Awaited<ReturnType<AlertStore['loadState']>> | null = null;
    let acks: Record<string, PressRecord> = {};
    try {
      stored = await store.loadState();
      this.silences = await store.loadSilences(now);
      acks = await store.loadAcks();
    } catch (error) {
      // The collector read Redis but this could not: a passing hiccup. Judging the workers
      // without the stored state could announce something twice, so this check is skipped.
      if (document.redis_ok) {
        throw new AlertStateUnavailableError(
          `cannot read the alert state: ${(error as Error).message}`,
        );
      }
      // Redis is down: carry on from memory; the outage itself is what gets announced.
      stored = null;
    }
    const previous = mergeAlertStates(stored?.state ?? null, this.ownState, now);
    const incidentsBefore = previous.incidents ?? {};
    const outcome = evaluateCheck(
      previous,
      document,
      now,
      rules,
      this.silences,
      acknowledgedDown(incidentsBefore, acks),
    );
    const workerIndex = (name: string) =>
      this.options.workers.findIndex((worker) => worker.name === name);
    const escalation = this.options.escalation;
    const tracked = trackIncidents(incidentsBefore, outcome.announce, outcome.next, acks, now, {
      escalateAfterMs: escalation?.afterMs ?? null,
      workerIndex,
      silenced: (name) => isSilenced(name, this.silences, now),
    });
    outcome.next.incidents = tracked.incidents;
    const { announce } = outcome;
    const silenced = outcome.events.filter((event) => !announce.includes(event));
    const messages: OutboxMessage[] = [];
    const hosts = Object.fromEntries(
      document.workers
        .filter((worker) => worker.in_fleet)
        .map((worker) => [worker.name, worker.host]),
    );
    if (announce.length > 0) {
      const rows = alertButtonRows(
        announce,
        tracked.opened,
        workerIndex,
        (name) => this.options.workers.some((worker) => worker.name === name && worker.queue),
        lang,
      );
      const rendered = renderAlertMessages(
        announce,
        outcome.next,
        now,
        lang,
        hosts,
        this.options.timeZone,
      );
      for (const text of attachButtons(rendered, rows)) {
        for (const chatId of chatIds) messages.push(outboxMessage(chatId, text, now));
      }
    }
    const transitions = [
      ...this.pendingHistory,
      ...historyOfCheck(outcome.events, announce, now, await this.actors(outcome.events)),
    ];
    if (escalation) {
      const texts: RenderedMessage[] = [];
      const due = tracked.escalated.flatMap((id) => {
        const incident = tracked.incidents[id];
        return incident ? [{ id, incident }] : [];
      });
      if (due.length > 0) {
        const rows = namedRows(
          due.map(({ id, incident }) =>
            incidentRow(id, incident.worker, workerIndex(incident.worker), lang),
          ),
        );
        const rendered = renderEscalation(
          due.map(({ incident }) => incident),
          escalation.afterMs,
          now,
          lang,
        );
        texts.push(...attachButtons(rendered, rows));
      }
      // The end of an escalated incident goes to the escalation chat as well.
      const ended = new Set(tracked.closedEscalated.map((incident) => incident.worker));
      const endings = announce.filter(
        (event) =>
          'worker' in event &&
          ended.has(event.worker) &&
          ['worker_recovered', 'queue_moving', 'job_moving'].includes(event.type),
      );
      if (endings.length > 0) {
        texts.push(
          ...renderAlertMessages(endings, { ...outcome.next, workers: {} }, now, lang, hosts),
        );
      }
      for (const text of texts) messages.push(outboxMessage(escalation.chatId, text, now));
      transitions.push(
        ...due.map(({ incident }) => ({
          type: 'escalated' as const,
          at: now,
          worker: incident.worker,
          chatId: escalation.chatId,
        })),
      );
      metrics.escalations.inc(due.length);
    }
    let committed = false;
    if (stored) {
      try {
        const batch = transitions.length > 0 ? history.batch(transitions) : undefined;
        if (!(await store.commitCheck(stored.rev, outcome.next, messages, batch))) return null;
        committed = true;
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'could not save the alert state');
      }
    }
    this.pendingHistory = committed ? [] : transitions.slice(-MAX_PENDING_HISTORY);
    if (committed) {
      // Presses under incidents that are over are not needed any more.
      await store.forgetPresses(new Set(Object.keys(tracked.incidents))).catch((error: Error) => {
        logger.warn({ error: error.message }, 'could not drop the presses of ended incidents');
      });
    }
    if (!committed && messages.length > 0) outbox.hold(messages);
    this.ownState = outcome.next;
    if (messages.length > 0) outbox.wake();
    for (const event of outcome.events) metrics.countEvent(event.type);
    metrics.silencedEvents.inc(silenced.length);
    metrics.messagesQueued.inc(messages.length);
    if (document.redis_ok && committed) {
      metrics.lastSuccessfulCheck.set(now / 1000);
      this.options.onSuccess?.();
    }
    if (outcome.events.length > 0) {
      logger.info({ events: announce, silenced, persisted: committed }, 'alert events');
    }
    return outcome;
  }
}
