/** Redis key names written by the workers (docs/spec.md §1–2, LOCKED). */
export const redisKeys = {
  heartbeat: (worker: string) => `worker:${worker}:heartbeat`,
  queuePaused: 'queue:paused',
  defaultQueue: (worker: string) => `queue:${worker}`,
  deadLetter: (queue: string) => `dead_letter:${queue}`,
  processingPrefix: (queue: string) => `processing:${queue}:`,
} as const;

/** Heartbeat TTL the workers set (docs/spec.md §1): a key older than this has vanished. */
export const HEARTBEAT_TTL_S = 45;
/** How often the workers beat (docs/spec.md §1). */
export const HEARTBEAT_INTERVAL_S = 15;

/** The alerting service's key prefix when ALERT_KEY_PREFIX is not set. */
export const DEFAULT_ALERT_KEY_PREFIX = 'fleet-alerting:';

/**
 * Every key of the alerting service, all under its prefix (so one ACL pattern `~<prefix>*`
 * covers them). `maintenance` and `silences` are also read by the exporter (read-only).
 */
export const alertingKeys = {
  /** Hash: the alert state (`rev`, `format`, `json`). */
  state: (prefix: string) => `${prefix}state`,
  /** Sorted set: outbox message ids by when they are due. */
  outboxQueue: (prefix: string) => `${prefix}outbox:queue`,
  /** Hash: outbox message id → the message (JSON). */
  outboxMessages: (prefix: string) => `${prefix}outbox:messages`,
  /** Hash: outbox message id → the replica sending it. */
  outboxClaims: (prefix: string) => `${prefix}outbox:claims`,
  /** Counter: the last outbox message id. */
  outboxSequence: (prefix: string) => `${prefix}outbox:seq`,
  /** Hash: outbox messages Telegram refused for good. */
  outboxFailed: (prefix: string) => `${prefix}outbox:failed`,
  /** String: the replica that holds the lease to check. */
  lease: (prefix: string) => `${prefix}lease`,
  /** Prefix of the per-replica presence keys (`<this><owner>`). */
  replicaPrefix: (prefix: string) => `${prefix}replica:`,
  /** String: the next Bot API update offset. */
  updateOffset: (prefix: string) => `${prefix}telegram:update-offset`,
  /** Hash: incident button presses (ack / silence records). */
  incidentPresses: (prefix: string) => `${prefix}incidents:presses`,
  /** String: the incident an alert message (chat, message id) is about. */
  incidentMessage: (prefix: string, chatId: string, messageId: number) =>
    `${prefix}incidents:message:${chatId}:${messageId}`,
  /** Set: the alert messages sent about an incident. */
  incidentMessages: (prefix: string, incidentId: string) =>
    `${prefix}incidents:messages:${incidentId}`,
  /** String: a scheduled message (e.g. a weekly report) was sent, by its mark. */
  sent: (prefix: string, mark: string) => `${prefix}sent:${mark}`,
  /** Stream: the history of transitions. */
  history: (prefix: string) => `${prefix}history`,
  /** Prefix of the keys that make a history append happen once (`<this><once id>`). */
  historyOncePrefix: (prefix: string) => `${prefix}history:once:`,
  /** Counter: the last maintenance window id. */
  maintenanceSequence: (prefix: string) => `${prefix}maintenance:seq`,
  /** Stream: who started and ended which maintenance window. */
  maintenanceAudit: (prefix: string) => `${prefix}maintenance:audit`,
  /** String: the window a `/maintenance` command (chat, message id) started. */
  maintenanceRequest: (prefix: string, chatId: string, messageId: number) =>
    `${prefix}maintenance:request:${chatId}:${messageId}`,
  /** String: a dead-letter item shown in a message, by its reference id. */
  deadLetterRef: (prefix: string, id: string) => `${prefix}dl:ref:${id}`,
  /** String: a dead-letter action already done, by its reference id. */
  deadLetterDone: (prefix: string, id: string) => `${prefix}dl:done:${id}`,
  /** Stream: who replayed or dropped which dead letter. */
  deadLetterAudit: (prefix: string) => `${prefix}dl:audit`,
  /** Hash: one-off maintenance window id → JSON (`StoredMaintenanceSchema`). */
  maintenance: (prefix: string) => `${prefix}maintenance`,
  /** Hash: silence target (a worker name or `SILENCE_ALL`) → until when (epoch ms, a decimal string). */
  silences: (prefix: string) => `${prefix}silences`,
} as const;

/** The silence target that covers every worker and Redis. */
export const SILENCE_ALL = 'all';
