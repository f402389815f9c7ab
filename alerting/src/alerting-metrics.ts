import { Counter, Gauge, Registry } from 'prom-client';
import { ALERT_BUTTON_ACTIONS, ALERT_BUTTON_RESULTS } from './alert-buttons.js';
import type { BotCommand } from './bot-commands.js';
import { DEAD_LETTER_ACTIONS, DEAD_LETTER_RESULTS } from './dead-letters/dead-letter-view.js';
import { ALERT_EVENT_TYPES, type AlertEventType } from './evaluate-check.js';
import { PUSH_RESULTS } from './push-pinger.js';
import { SEND_FAILURE_REASONS, type SendFailureReason } from './telegram-sender.js';

/** Every `command` label: a record, so a new command cannot be left out. */
const COMMAND_LABELS: Record<BotCommand['name'] | 'ignored', true> = {
  status: true,
  help: true,
  silence: true,
  unsilence: true,
  usage: true,
  dl: true,
  maintenance: true,
  history: true,
  report: true,
  ignored: true,
};
const CHECK_RESULTS = ['ok', 'redis_down', 'error'] as const;

/** The service's own metrics (`fleet_alerting_*`), on a registry of its own. */
export class AlertingMetrics {
  readonly registry = new Registry();

  readonly checks = new Counter({
    name: 'fleet_alerting_checks_total',
    help: 'Checks run, by result: ok (Redis read), redis_down (Redis unreadable), error (the check failed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly lastSuccessfulCheck = new Gauge({
    name: 'fleet_alerting_last_successful_check_timestamp_seconds',
    help: 'When a check last read Redis and settled its alerts.',
    registers: [this.registry],
  });

  /** Set once at start; rules compare the last successful check against it. */
  readonly checkInterval = new Gauge({
    name: 'fleet_alerting_check_interval_seconds',
    help: 'Time between checks (ALERT_INTERVAL_S).',
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'fleet_alerting_events_total',
    help: 'Alert events found, by type (silenced ones included).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly silencedEvents = new Counter({
    name: 'fleet_alerting_silenced_events_total',
    help: 'Alert events a silence kept from being announced.',
    registers: [this.registry],
  });

  readonly messagesQueued = new Counter({
    name: 'fleet_alerting_messages_queued_total',
    help: 'Messages put into the outbox (one per chat).',
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'fleet_alerting_messages_sent_total',
    help: 'Messages Telegram accepted (or logged, without a bot token).',
    registers: [this.registry],
  });

  readonly messagesFailed = new Counter({
    name: 'fleet_alerting_messages_failed_total',
    help: 'Failed send attempts, by reason; only "rejected" drops the message.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly outboxSize: Gauge;

  readonly leader = new Gauge({
    name: 'fleet_alerting_leader',
    help: '1 while this replica holds the lease and runs the checks.',
    registers: [this.registry],
  });

  readonly evictionRisk = new Gauge({
    name: 'fleet_alerting_redis_eviction_risk',
    help: "1 when Redis's maxmemory-policy can evict heartbeats (allkeys-*, or volatile-*: heartbeats have a TTL); 0 with noeviction.",
    registers: [this.registry],
  });

  readonly workersDown = new Gauge({
    name: 'fleet_alerting_workers_down',
    help: 'Workers announced as down and not yet recovered.',
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'fleet_alerting_commands_total',
    help: 'Bot commands handled, by command; "ignored" counts messages from chats not configured.',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  readonly deadLetterActions = new Counter({
    name: 'fleet_alerting_deadletter_actions_total',
    help: 'Dead-letter button actions (requeue, requeue_all, delete, purge), by result: done, already_done (a second press), already_gone (the item was removed meanwhile), refused (user not allowed), error.',
    labelNames: ['action', 'result'] as const,
    registers: [this.registry],
  });

  readonly pushes = new Counter({
    name: 'fleet_alerting_push_total',
    help: "Dead man's switch pushes (ALERT_PUSH_URL) after successful checks, by result: ok, error (no answer in time, or not 2xx), skipped (the previous push was still waiting).",
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly telegramAuthFailed = new Gauge({
    name: 'fleet_alerting_telegram_auth_failed',
    help: 'Telegram refuses the bot (401 Unauthorized: token revoked or wrong; 403 Forbidden: the bot may not write to a chat); 0 once a call succeeds again.',
    registers: [this.registry],
  });

  readonly alertButtons = new Counter({
    name: 'fleet_alerting_alert_button_presses_total',
    help: 'Presses of the buttons under alerts (ack, silence, details), by result: done, already_done (a second press), refused (user not allowed), expired (the incident is over, or the button unknown), error.',
    labelNames: ['action', 'result'] as const,
    registers: [this.registry],
  });

  readonly escalations = new Counter({
    name: 'fleet_alerting_escalations_total',
    help: 'Incidents sent to the escalation chat because nobody acknowledged them in time (ALERT_ESCALATION_AFTER_S).',
    registers: [this.registry],
  });

  /** @param outboxSize - counts the waiting messages when Prometheus scrapes. */
  constructor(outboxSize: () => Promise<number>) {
    this.outboxSize = new Gauge({
      name: 'fleet_alerting_outbox_messages',
      help: 'Messages waiting in the outbox (in Redis, plus any held in memory while Redis is unreachable).',
      registers: [this.registry],
      async collect() {
        this.set(await outboxSize());
      },
    });
    // Every label value from 0, so that increase() sees the first of each and a rate is never
    // "no data".
    for (const reason of SEND_FAILURE_REASONS) this.messagesFailed.inc({ reason }, 0);
    for (const type of ALERT_EVENT_TYPES) this.events.inc({ type }, 0);
    for (const command of Object.keys(COMMAND_LABELS)) this.commands.inc({ command }, 0);
    for (const result of CHECK_RESULTS) this.checks.inc({ result }, 0);
    for (const result of PUSH_RESULTS) this.pushes.inc({ result }, 0);
    for (const action of ALERT_BUTTON_ACTIONS) {
      for (const result of ALERT_BUTTON_RESULTS) this.alertButtons.inc({ action, result }, 0);
    }
    for (const action of DEAD_LETTER_ACTIONS) {
      for (const result of DEAD_LETTER_RESULTS) this.deadLetterActions.inc({ action, result }, 0);
    }
  }

  countEvent(type: AlertEventType): void {
    this.events.inc({ type });
  }

  countFailure(reason: SendFailureReason): void {
    this.messagesFailed.inc({ reason });
  }
}
