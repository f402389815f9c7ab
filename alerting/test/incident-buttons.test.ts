import { alertingKeys, DEFAULT_ALERT_KEY_PREFIX } from '@fleet/core/contracts';
import { CHAT, eventually, FakeTelegramServer, type SentMessage, TEST_TOKEN } from '@fleet/testing';
import { CapturedLog, fastOptions, quietPeriod, useAlertingRedis } from '@fleet/testing/alerting';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertState, Incident, PressRecord, WorkerAlertState } from '../src/alert-state.js';
import {
  type AlertingOptions,
  type AlertingService,
  startAlerting,
} from '../src/alerting-service.js';
import type { AlertEvent } from '../src/evaluate-check.js';
import type { HistoryEvent } from '../src/history/history-event.js';
import { trackIncidents } from '../src/incidents.js';

const T0 = Date.parse('2026-12-02T00:00:00Z');

function entry(status: WorkerAlertState['status']): WorkerAlertState {
  return {
    status,
    firstSeenAt: T0,
    changingSince: null,
    downSince: status === 'down' ? T0 : null,
    lastBeatAt: null,
    lastBeatSeenAt: null,
    notifiedAt: null,
    downAnnounced: status === 'down',
    silence: null,
    graceUntil: null,
    staleNotified: false,
    jobStuckNotified: false,
    deadLetterReported: 0,
    deadLetterNotifiedAt: null,
    stuck: null,
    checkedAt: T0,
  };
}

function state(status: WorkerAlertState['status']): AlertState {
  return {
    rev: 1,
    redis: {
      status: 'up',
      failingSince: null,
      notifiedAt: null,
      lastError: null,
      evictingSince: null,
      checkedAt: T0,
    },
    workers: { w: entry(status) },
  };
}

const down: AlertEvent = {
  type: 'worker_down',
  worker: 'w',
  atBoot: false,
  downSince: T0,
  lastBeatSeenAt: T0,
};
const open: Record<string, Incident> = {
  'd0.x': { kind: 'down', worker: 'w', openedAt: T0, escalatedAt: null },
};
const ack: PressRecord = { userId: 1, userName: 'op', at: T0 };

describe('trackIncidents', () => {
  const rules = { escalateAfterMs: 60_000, workerIndex: () => 0, silenced: () => false };
  it.each<
    [
      string,
      Record<string, Incident>,
      AlertEvent[],
      AlertState,
      Record<string, PressRecord>,
      number,
      boolean,
      { open: number; escalated: number; closedEscalated: number },
    ]
  >([
    [
      'a "down" opens one',
      {},
      [down],
      state('down'),
      {},
      T0,
      false,
      { open: 1, escalated: 0, closedEscalated: 0 },
    ],
    [
      'a recovery closes it',
      open,
      [],
      state('up'),
      {},
      T0,
      false,
      { open: 0, escalated: 0, closedEscalated: 0 },
    ],
    [
      'unacknowledged past the time: escalated',
      open,
      [],
      state('down'),
      {},
      T0 + 60_000,
      false,
      { open: 1, escalated: 1, closedEscalated: 0 },
    ],
    [
      'not yet past the time: not escalated',
      open,
      [],
      state('down'),
      {},
      T0 + 59_999,
      false,
      { open: 1, escalated: 0, closedEscalated: 0 },
    ],
    [
      'acknowledged in time: never escalated',
      open,
      [],
      state('down'),
      { 'd0.x': ack },
      T0 + 600_000,
      false,
      { open: 1, escalated: 0, closedEscalated: 0 },
    ],
    [
      'silenced: not escalated',
      open,
      [],
      state('down'),
      {},
      T0 + 600_000,
      true,
      { open: 1, escalated: 0, closedEscalated: 0 },
    ],
    [
      'escalated once only',
      { 'd0.x': { ...(open['d0.x'] as Incident), escalatedAt: T0 + 60_000 } },
      [],
      state('down'),
      {},
      T0 + 600_000,
      false,
      { open: 1, escalated: 0, closedEscalated: 0 },
    ],
    [
      'an escalated one that ends is told to the escalation chat',
      { 'd0.x': { ...(open['d0.x'] as Incident), escalatedAt: T0 } },
      [],
      state('up'),
      {},
      T0,
      false,
      { open: 0, escalated: 0, closedEscalated: 1 },
    ],
  ])('%s', (_case, previous, announce, next, acks, now, silenced, expected) => {
    const tracked = trackIncidents(previous, announce, next, acks, now, {
      ...rules,
      silenced: () => silenced,
    });
    expect({
      open: Object.keys(tracked.incidents).length,
      escalated: tracked.escalated.length,
      closedEscalated: tracked.closedEscalated.length,
    }).toEqual(expected);
  });

  it('escalation off: never escalated', () => {
    const tracked = trackIncidents(open, [], state('down'), {}, T0 + 86_400_000, {
      ...rules,
      escalateAfterMs: null,
    });
    expect(tracked.escalated).toEqual([]);
  });
});

const db = useAlertingRedis();
const ALLOWED = { id: 4242, username: 'operator' };
const STRANGER = { id: 31337, username: 'stranger' };
const ESCALATION = '-100777';
let telegram: FakeTelegramServer;
let service: AlertingService | undefined;
let log: CapturedLog;

beforeEach(async () => {
  telegram = await FakeTelegramServer.start({ token: TEST_TOKEN, chats: [CHAT, ESCALATION] });
  log = new CapturedLog();
  await db.workers.beatAll();
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  await telegram.stop();
  expect(log.text).not.toContain(TEST_TOKEN);
});

async function start(overrides: AlertingOptions = {}): Promise<AlertingService> {
  service = await startAlerting(
    fastOptions(db.redis, telegram, log, { telegramAllowedUserIds: [ALLOWED.id], ...overrides }),
  );
  await eventually(
    () => telegram.requests.some((request) => request.method === 'getUpdates'),
    5000,
    'the first getUpdates',
  );
  // Every worker seen alive once, so that a kill is a "down".
  await eventually(
    async () => (await service?.metrics.checks.get())?.values.some((v) => v.value >= 2) ?? false,
    5000,
    'two checks',
  );
  return service;
}

/** Kills video-render and returns its "down" alert in the main chat. */
async function downAlert(): Promise<SentMessage> {
  await db.workers.kill('video-render');
  const [alert] = await telegram.waitFor(
    (sent) =>
      sent.some((m) => m.chatId === CHAT && /video-render\] (워커 다운|worker down)/.test(m.text)),
    10_000,
    'the down alert',
  );
  return (
    telegram.sent.find((m) => m.chatId === CHAT && m.text.includes('video-render')) ??
    (alert as SentMessage)
  );
}

function buttonData(message: SentMessage, label: string): string {
  const found = message.replyMarkup?.inline_keyboard.flat().find((b) => b.text.includes(label));
  if (!found) throw new Error(`no button ${label} in ${JSON.stringify(message.replyMarkup)}`);
  return found.callback_data;
}

async function press(id: number, data: string, user = ALLOWED) {
  return telegram.waitForAnswer(telegram.pushCallback(id, data, user));
}

async function presses(action: string, result: string): Promise<number> {
  const metric = await (service as AlertingService).metrics.alertButtons.get();
  return (
    metric.values.find((v) => v.labels.action === action && v.labels.result === result)?.value ?? -1
  );
}

async function audited(): Promise<string[]> {
  const entries = await db.client.xrange(
    alertingKeys.deadLetterAudit(DEFAULT_ALERT_KEY_PREFIX),
    '-',
    '+',
  );
  return entries.map(([, fields]) => {
    const record = Object.fromEntries(
      fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])),
    ) as Record<string, string>;
    return `${record.user_name} ${record.action} ${record.result}`;
  });
}

describe('buttons under a "down" alert (real Redis, the fake Bot API over HTTP)', () => {
  it('acknowledge: refused for a stranger; once for an allowed user, who is written into the alert; reminders stop', async () => {
    await start({ repeatS: 1 });
    const alert = await downAlert();
    expect(alert.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['✅ 확인', '🔕 무음 1시간', 'ℹ️ 상세'],
    ]);
    const ackData = buttonData(alert, '확인');
    expect(Buffer.byteLength(ackData)).toBeLessThanOrEqual(64);

    const refused = await press(alert.messageId, ackData, STRANGER);
    expect(refused).toMatchObject({ text: '이 작업을 할 권한이 없습니다.', showAlert: true });
    expect(telegram.edits).toEqual([]);

    // A double press: both reach the bot before the first edit removes the button.
    const first = telegram.pushCallback(alert.messageId, ackData, ALLOWED);
    const second = telegram.pushCallback(alert.messageId, ackData, { id: ALLOWED.id });
    expect((await telegram.waitForAnswer(first)).text).toBe(
      '확인했습니다. 이 장애의 반복 알림을 멈춥니다.',
    );
    expect((await telegram.waitForAnswer(second)).text).toMatch(
      /^이미 @operator 님이 확인했습니다 \(\d\d:\d\d KST\)\.$/,
    );
    expect(telegram.edits).toHaveLength(1);
    const edited = telegram.live.get(alert.messageId);
    expect(edited?.text.startsWith(alert.text)).toBe(true);
    expect(edited?.text.split('\n').at(-1)).toMatch(
      /^<b>✅ \[video-render\] @operator 님이 확인 \(\d\d:\d\d KST\)<\/b>$/,
    );
    expect(edited?.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['🔕 무음 1시간', 'ℹ️ 상세'],
    ]);

    // No reminder after the acknowledgement (ALERT_REPEAT_S=1 would send one a second).
    const reminders = () => telegram.matching('여전히 다운').length;
    const before = reminders();
    await quietPeriod(2500);
    expect(reminders()).toBe(before);

    expect(await presses('ack', 'refused')).toBe(1);
    expect(await presses('ack', 'done')).toBe(1);
    expect(await presses('ack', 'already_done')).toBe(1);
    expect(await audited()).toEqual([
      'stranger ack refused',
      'operator ack done',
      ' ack already_done',
    ]);
    expect(log.messages()).toContain(
      'refused an alert button press from a user who is not allowed',
    );
    const history = await db.client.xrange(
      alertingKeys.history(DEFAULT_ALERT_KEY_PREFIX),
      '-',
      '+',
    );
    const recorded = history.map(([, fields]) => JSON.parse(fields[1] as string) as HistoryEvent);
    expect(recorded.filter((event) => event.type === 'acknowledged')).toEqual([
      expect.objectContaining({ worker: 'video-render', by: { id: ALLOWED.id, name: 'operator' } }),
    ]);
  });

  it('the acknowledgement survives a restart: the new replica still sends no reminder', async () => {
    await start({ repeatS: 1 });
    const alert = await downAlert();
    await press(alert.messageId, buttonData(alert, '확인'));
    await service?.close();
    service = undefined;
    const sentBefore = telegram.matching('여전히 다운').length;
    await start({ repeatS: 1 });
    await quietPeriod(2500);
    expect(telegram.matching('여전히 다운').length).toBe(sentBefore);
  });

  it('silence 1h: silences that worker through the silences store, once', async () => {
    await start();
    const alert = await downAlert();
    const data = buttonData(alert, '무음');
    expect((await press(alert.messageId, data, STRANGER)).text).toBe(
      '이 작업을 할 권한이 없습니다.',
    );
    expect(
      await db.client.hget(alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX), 'video-render'),
    ).toBeNull();
    const pressedAt = Date.now();
    expect((await press(alert.messageId, data)).text).toMatch(
      /^🔕 video-render: \d\d:\d\d KST까지 알림 끔$/,
    );
    const until = Number(
      await db.client.hget(alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX), 'video-render'),
    );
    expect(until).toBeGreaterThanOrEqual(pressedAt + 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await press(alert.messageId, data)).text).toMatch(
      /^이미 @operator 님이 \d\d:\d\d KST까지 무음으로 설정했습니다\.$/,
    );
    expect(
      Number(await db.client.hget(alertingKeys.silences(DEFAULT_ALERT_KEY_PREFIX), 'video-render')),
    ).toBe(until);
    expect(await presses('silence', 'done')).toBe(1);
    expect(await presses('silence', 'already_done')).toBe(1);
    expect(await presses('silence', 'refused')).toBe(1);
  });

  it('details: read-only, so anyone in the chat may press; answers the state and the incident', async () => {
    await start();
    const alert = await downAlert();
    const count = telegram.sent.length;
    const answer = await press(alert.messageId, buttonData(alert, '상세'), STRANGER);
    expect(answer.text).toBeNull();
    const [, details] = await telegram
      .waitFor((sent) => sent.length > count, 5000, 'details')
      .then((sent) => [null, sent.at(-1)]);
    const lines = details?.text.split('\n') ?? [];
    expect(lines[0]).toBe('<b>ℹ️ [video-render] 상세</b>');
    expect(lines).toContain('상태: 🔴 다운');
    expect(lines.some((l) => /^다운 시작: \d\d:\d\d KST/.test(l))).toBe(true);
    expect(
      lines.some((l) =>
        /^장애: 🔴 \[video-render\] 워커 다운 · \d\d:\d\d KST부터 · 확인 안 됨$/.test(l),
      ),
    ).toBe(true);
    expect(lines).toContain('대기 0 · 처리 중 0 · dead-letter 0');
    // The last transitions, from the history stream, as /history shows them.
    expect(lines.slice(lines.indexOf('최근 기록:') + 1)).toEqual([
      expect.stringMatching(/^\d\d\/\d\d \d\d:\d\d 🔴 다운$/),
    ]);
    expect(await presses('details', 'done')).toBe(1);
  });

  it('details: says silenced and under maintenance, with the same history lines as /history', async () => {
    await start();
    const alert = await downAlert();
    await press(alert.messageId, buttonData(alert, '무음'));
    await db.client.hset(
      'fleet-alerting:maintenance',
      '7',
      JSON.stringify({
        id: '7',
        target: 'video-render',
        start: Date.now() - 1000,
        until: Date.now() + 3_600_000,
        reason: null,
        by: 'operator (4242)',
        startedBy: { id: ALLOWED.id, name: 'operator' },
      }),
    );
    await telegram.waitFor((sent) => sent.some((m) => m.text.includes('점검 시작')), 5000, 'start');
    const count = telegram.sent.length;
    await press(alert.messageId, buttonData(alert, '상세'), STRANGER);
    const details = (await telegram.waitFor((sent) => sent.length > count, 5000, 'details')).at(-1);
    const lines = details?.text.split('\n') ?? [];
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^🔕 무음: \d\d:\d\d KST까지$/),
        expect.stringMatching(/^🛠 점검 중: #7 video-render · \d\d:\d\d KST까지$/),
      ]),
    );
    const shown = lines.slice(lines.indexOf('최근 기록:') + 1);
    expect(shown.map((line) => line.replace(/^[\d/ :]+/, ''))).toEqual([
      '🛠 점검 시작 (video-render) · operator',
      '🔕 무음 (video-render) · operator',
      '🔴 다운',
    ]);
    telegram.pushMessage(CHAT, '/history video-render');
    const history = await telegram.waitFor(
      (sent) => sent.some((m) => m.text.includes('최근 기록 3건')),
      5000,
      'the /history answer',
    );
    const reply = history.find((m) => m.text.includes('최근 기록 3건'))?.text ?? '';
    expect(reply.split('\n').slice(1)).toEqual(shown);
  });

  it('in English, with ALERT_LANG=en', async () => {
    await start({ lang: 'en' });
    const alert = await downAlert();
    expect(alert.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['✅ Acknowledge', '🔕 Silence 1h', 'ℹ️ Details'],
    ]);
    expect((await press(alert.messageId, buttonData(alert, 'Acknowledge'))).text).toBe(
      'Acknowledged. Reminders for this incident stop.',
    );
    expect(telegram.live.get(alert.messageId)?.text.split('\n').at(-1)).toMatch(
      /^<b>✅ \[video-render\] acknowledged by @operator \(\d\d:\d\d KST\)<\/b>$/,
    );
  });
});

describe('escalation (ALERT_ESCALATION_CHAT_ID, ALERT_ESCALATION_AFTER_S)', () => {
  const inEscalation = () => telegram.sent.filter((m) => m.chatId === ESCALATION);

  it('fires once for an incident nobody acknowledged; its recovery goes to both chats; an ack there edits both', async () => {
    await start({ escalationChatId: ESCALATION, escalationAfterS: 1 });
    const alert = await downAlert();
    expect(inEscalation()).toEqual([]);
    await telegram.waitFor(() => inEscalation().length === 1, 10_000, 'the escalation');
    const [escalated] = inEscalation();
    expect(escalated?.text.split('\n')).toEqual([
      '<b>⏫ 에스컬레이션: 1초 동안 아무도 확인하지 않음</b>',
      expect.stringMatching(/^<b>🔴 \[video-render\] 워커 다운<\/b> \(\d+초째\)$/),
    ]);
    await quietPeriod(1500);
    expect(inEscalation()).toHaveLength(1);
    const history = await db.client.xrange(
      alertingKeys.history(DEFAULT_ALERT_KEY_PREFIX),
      '-',
      '+',
    );
    expect(
      history.filter(([, fields]) => (fields[1] as string).includes('"escalated"')),
    ).toHaveLength(1);
    // Acknowledged from the escalation chat: the alert is edited in both chats.
    await press(escalated?.messageId as number, buttonData(escalated as SentMessage, '확인'));
    await eventually(() => telegram.edits.length === 2, 5000, 'both edits');
    for (const id of [alert.messageId, escalated?.messageId as number]) {
      expect(telegram.live.get(id)?.text).toContain('@operator 님이 확인');
    }
    await db.workers.beat('video-render');
    await telegram.waitFor(() => inEscalation().length === 2, 10_000, 'the recovery there');
    expect(inEscalation()[1]?.text).toMatch(/워커 복구/);
    expect(
      telegram.sent.filter((m) => m.chatId === CHAT && m.text.includes('워커 복구')),
    ).toHaveLength(1);
    expect(await (service as AlertingService).metrics.escalations.get()).toMatchObject({
      values: [{ value: 1 }],
    });
  });

  it('does not fire for an incident acknowledged in time, nor for its recovery', async () => {
    await start({ escalationChatId: ESCALATION, escalationAfterS: 2 });
    const alert = await downAlert();
    await press(alert.messageId, buttonData(alert, '확인'));
    await quietPeriod(3000);
    await db.workers.beat('video-render');
    await telegram.waitFor(
      (sent) => sent.some((m) => m.chatId === CHAT && m.text.includes('워커 복구')),
      10_000,
      'the recovery',
    );
    await quietPeriod(500);
    expect(inEscalation()).toEqual([]);
  });
});
