import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A realistic-looking token: the tests check it never reaches a log line. */
export const TEST_TOKEN = '123456789:AAHfake-token_for-tests-0123456789abcdef';
export const CHAT = '424242';
export const OTHER_CHAT = '999';

/** A canned failure the next call of a method answers with (Bot API shapes). */
export type ScriptedFailure =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 }
  | { status: 400 | 403; description: string };

export interface SentMessage {
  chatId: string;
  text: string;
  parseMode: string | null;
  at: number;
  messageId: number;
  /** The inline keyboard, when the message had one. */
  replyMarkup: InlineKeyboard | null;
}

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

/** A message as it is now (after its edits). */
export interface LiveMessage {
  chatId: string;
  text: string;
  replyMarkup: InlineKeyboard | null;
}

export interface CallbackAnswer {
  callbackQueryId: string;
  text: string | null;
  showAlert: boolean;
}

export interface RecordedRequest {
  method: string;
  params: Record<string, string>;
  status: number;
  at: number;
}

interface PendingPoll {
  offset: number;
  /** The client gave up on this poll (aborted it): it conflicts with nobody. */
  abandoned: () => boolean;
  respond: (status: number, body: unknown) => void;
  timer: NodeJS.Timeout;
}

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'a',
  'tg-spoiler',
  'span',
  'blockquote',
]);

/** Telegram's HTML check, enough to catch what a wrong escaping produces. */
function htmlProblem(text: string): string | null {
  const open: string[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(text.slice(index));
      if (!entity) return `Can't find end of the entity starting at byte offset ${index}`;
    } else if (char === '<') {
      const tag = /^<(\/?)([a-z-]+)(\s[^>]*)?>/i.exec(text.slice(index));
      if (!tag) return `Unexpected end of name token at byte offset ${index}`;
      const [, closing, rawName] = tag;
      const name = (rawName as string).toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return `Unsupported start tag "${name}" at byte offset ${index}`;
      if (closing) {
        if (open.pop() !== name)
          return `Unmatched end tag at byte offset ${index}, expected "</${open.at(-1) ?? ''}>"`;
      } else {
        open.push(name);
      }
      index += tag[0].length - 1;
    }
  }
  return open.length > 0 ? `Can't find end tag corresponding to start tag "${open.at(-1)}"` : null;
}

/**
 * A local stand-in for the Telegram Bot API: real HTTP on a free loopback port, the real
 * `{ ok, result }` / `{ ok: false, error_code, description, parameters }` envelopes, HTML parse
 * checks, 429/5xx/400 on demand, and `getUpdates` long polling fed by `pushMessage`.
 */
export class FakeTelegramServer {
  readonly sent: SentMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  /** `getUpdates` calls cut short by a newer one (Telegram's 409 Conflict). */
  conflicts = 0;
  private readonly failures = new Map<string, ScriptedFailure[]>();
  /** Every message by id, as edited since. */
  readonly live = new Map<number, LiveMessage>();
  /** Accepted `editMessageText` calls, in order. */
  readonly edits: (LiveMessage & { messageId: number })[] = [];
  /** Accepted `answerCallbackQuery` calls, in order. */
  readonly answers: CallbackAnswer[] = [];
  /** Callback queries pushed and not answered yet (Telegram accepts one answer each). */
  private readonly openQueries = new Set<string>();
  private nextQueryId = 1;
  private readonly updates: ({ update_id: number } & Record<string, unknown>)[] = [];
  private readonly confirmed: ({ update_id: number } & Record<string, unknown>)[] = [];
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private poll: PendingPoll | undefined;
  private readonly waiters = new Set<() => void>();
  /** While true every call answers 401, as when the token is revoked in BotFather. */
  private tokenRevoked = false;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    private readonly knownChats: ReadonlySet<string>,
  ) {}

  /**
   * Starts the server; `chats` are the chat ids it knows (others: "chat not found"). `host` is
   * where it listens: 127.0.0.1 unless containers must reach it (the deploy test).
   */
  static async start(options: {
    token: string;
    chats: string[];
    host?: string;
  }): Promise<FakeTelegramServer> {
    let fake: FakeTelegramServer | undefined;
    const server = createServer((request, response) => {
      fake?.handle(request, response);
    });
    fake = new FakeTelegramServer(server, options.token, new Set(options.chats));
    await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
    return fake;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The `TELEGRAM_API_URL` that reaches this server from this machine. */
  get url(): string {
    const { address } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${this.port}`;
  }

  /** The next calls of `method` fail like this, in order. */
  failNext(method: string, ...failures: ScriptedFailure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /** Revokes the token (every call answers 401 Unauthorized) or, with false, accepts it again. */
  revokeToken(revoked = true): void {
    this.tokenRevoked = revoked;
  }

  /**
   * A user writes `text` in chat `chatId`; the bot sees it through getUpdates. The sender is
   * user 4242 unless `userId` says otherwise.
   */
  pushMessage(chatId: string, text: string, username = 'operator', userId = 4242): void {
    const id = this.nextUpdateId++;
    this.updates.push({
      update_id: id,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private', username },
        from: { id: userId, is_bot: false, first_name: 'Op', username },
        text,
        entities: text.startsWith('/')
          ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]?.length ?? 0 }]
          : undefined,
      },
    });
    this.answerPoll();
  }

  /**
   * A user presses the inline button with `data` under message `messageId`; the bot sees a
   * callback_query through getUpdates. Returns the query id its answer must name.
   */
  pushCallback(
    messageId: number,
    data: string,
    user: { id: number; username?: string } = { id: 4242, username: 'operator' },
  ): string {
    const message = this.live.get(messageId);
    if (!message) throw new Error(`no message ${messageId} to press a button under`);
    const buttons = message.replyMarkup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((button) => button.callback_data === data)) {
      throw new Error(`message ${messageId} has no button ${data}`);
    }
    const id = String(this.nextQueryId++);
    this.openQueries.add(id);
    this.updates.push({
      update_id: this.nextUpdateId++,
      callback_query: {
        id,
        from: {
          id: user.id,
          is_bot: false,
          first_name: 'User',
          ...(user.username ? { username: user.username } : {}),
        },
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(message.chatId), type: 'private' },
          text: message.text,
        },
        chat_instance: 'test',
        data,
      },
    });
    this.answerPoll();
    return id;
  }

  /** Resolves once `predicate` holds over the callback answers, or fails after `timeoutMs`. */
  async waitForAnswer(queryId: string, timeoutMs = 5000): Promise<CallbackAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = this.answers.find((a) => a.callbackQueryId === queryId);
      if (answer) return answer;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for the answer to query ${queryId}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Offers the confirmed updates again, as Telegram does when the bot stopped before its next
   * `getUpdates` confirmed them: only an offset the bot kept itself prevents a second handling.
   */
  unconfirmAll(): void {
    this.updates.unshift(...this.confirmed.splice(0));
  }

  /** Resolves once `predicate` holds over the accepted messages, or fails after `timeoutMs`. */
  async waitFor(
    predicate: (sent: readonly SentMessage[]) => boolean,
    timeoutMs: number,
    what = 'messages',
  ): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.sent)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; sent so far:\n${this.sent.map((m) => `  [${m.chatId}] ${m.text}`).join('\n')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 200));
        const waiters = this.waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
    return [...this.sent];
  }

  /** Accepted messages whose text contains `fragment`. */
  matching(fragment: string): SentMessage[] {
    return this.sent.filter((message) => message.text.includes(fragment));
  }

  async stop(): Promise<void> {
    if (this.poll) {
      clearTimeout(this.poll.timer);
      this.poll.respond(200, { ok: true, result: [] });
      this.poll = undefined;
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(
        new URL(request.url ?? '/', this.url).pathname,
      );
      const method = match?.[2] ?? '';
      const params = this.parseBody(request.headers['content-type'] ?? '', body);
      const respond = (status: number, payload: unknown) => {
        this.requests.push({ method, params, status, at: Date.now() });
        response
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(payload));
      };
      if (!match) return respond(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== this.token || this.tokenRevoked)
        return respond(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const failure = this.failures.get(method)?.shift();
      if (failure) return respond(failure.status, this.failureBody(failure));
      switch (method) {
        case 'getMe':
          return respond(200, {
            ok: true,
            result: {
              id: 777,
              is_bot: true,
              first_name: 'Fleet test bot',
              username: 'fleet_test_bot',
            },
          });
        case 'sendMessage':
          return this.sendMessage(params, respond);
        case 'editMessageText':
          return this.editMessageText(params, respond);
        case 'answerCallbackQuery':
          return this.answerCallbackQuery(params, respond);
        case 'getUpdates':
          return this.getUpdates(params, respond, () => response.destroyed);
        default:
          return respond(404, { ok: false, error_code: 404, description: 'Not Found' });
      }
    });
  }

  private parseBody(contentType: string, body: string): Record<string, string> {
    if (contentType.includes('application/json')) {
      return Object.fromEntries(
        Object.entries(JSON.parse(body || '{}') as Record<string, unknown>).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
    }
    return Object.fromEntries(new URLSearchParams(body));
  }

  private failureBody(failure: ScriptedFailure): unknown {
    switch (failure.status) {
      case 429:
        return {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${failure.retryAfter}`,
          parameters: { retry_after: failure.retryAfter },
        };
      case 500:
      case 502:
        return { ok: false, error_code: failure.status, description: 'Internal Server Error' };
      default:
        return { ok: false, error_code: failure.status, description: failure.description };
    }
  }

  private sendMessage(
    params: Record<string, string>,
    respond: (status: number, body: unknown) => void,
  ) {
    const chatId = params.chat_id ?? '';
    const text = params.text ?? '';
    const bad = (description: string) => respond(400, { ok: false, error_code: 400, description });
    if (!this.knownChats.has(chatId)) return bad('Bad Request: chat not found');
    if (text.trim() === '') return bad('Bad Request: message text is empty');
    if (text.length > 4096) return bad('Bad Request: message is too long');
    const parseMode = params.parse_mode ?? null;
    if (parseMode === 'HTML') {
      const problem = htmlProblem(text);
      if (problem) return bad(`Bad Request: can't parse entities: ${problem}`);
    }
    const replyMarkup = this.keyboard(params.reply_markup);
    if (replyMarkup && 'invalid' in replyMarkup) return bad(replyMarkup.invalid);
    const messageId = this.nextMessageId++;
    this.sent.push({ chatId, text, parseMode, at: Date.now(), messageId, replyMarkup });
    this.live.set(messageId, { chatId, text, replyMarkup });
    for (const wake of [...this.waiters]) wake();
    respond(200, {
      ok: true,
      result: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private' },
        text,
      },
    });
  }

  /**
   * An inline keyboard from its JSON, checked as strictly as Telegram does: the JSON parses into
   * rows of buttons, each with a non-empty text and a callback_data of 1 to 64 bytes. Otherwise
   * the Bot API's error description.
   */
  private keyboard(json: string | undefined): InlineKeyboard | null | { invalid: string } {
    if (json === undefined || json === '') return null;
    let markup: unknown;
    try {
      markup = JSON.parse(json);
    } catch {
      return { invalid: "Bad Request: can't parse reply keyboard markup JSON object" };
    }
    const rows = (markup as { inline_keyboard?: unknown } | null)?.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      return { invalid: 'Bad Request: field "inline_keyboard" must be an Array of Arrays' };
    }
    const buttons = (rows as unknown[][]).flat() as Partial<Record<string, unknown>>[];
    if (buttons.some((b) => typeof b?.text !== 'string' || b.text.trim() === '')) {
      return { invalid: 'Bad Request: BUTTON_TEXT_EMPTY' };
    }
    if (
      buttons.some(
        (b) =>
          typeof b.callback_data !== 'string' ||
          b.callback_data === '' ||
          Buffer.byteLength(b.callback_data) > 64,
      )
    ) {
      return { invalid: 'Bad Request: BUTTON_DATA_INVALID' };
    }
    return markup as InlineKeyboard;
  }

  /** Strict like Telegram: the same text and keyboard again is a 400 "message is not modified". */
  private editMessageText(
    params: Record<string, string>,
    respond: (status: number, body: unknown) => void,
  ) {
    const bad = (description: string) => respond(400, { ok: false, error_code: 400, description });
    const messageId = Number(params.message_id);
    const message = this.live.get(messageId);
    if (!message || message.chatId !== params.chat_id) {
      return bad('Bad Request: message to edit not found');
    }
    const text = params.text ?? '';
    if (text.trim() === '') return bad('Bad Request: message text is empty');
    if (text.length > 4096) return bad('Bad Request: MESSAGE_TOO_LONG');
    if (params.parse_mode === 'HTML') {
      const problem = htmlProblem(text);
      if (problem) return bad(`Bad Request: can't parse entities: ${problem}`);
    }
    const replyMarkup = this.keyboard(params.reply_markup);
    if (replyMarkup && 'invalid' in replyMarkup) return bad(replyMarkup.invalid);
    if (
      message.text === text &&
      JSON.stringify(message.replyMarkup) === JSON.stringify(replyMarkup)
    ) {
      return bad(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    const edited = { chatId: message.chatId, text, replyMarkup };
    this.live.set(messageId, edited);
    this.edits.push({ ...edited, messageId });
    for (const wake of [...this.waiters]) wake();
    respond(200, {
      ok: true,
      result: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(message.chatId), type: 'private' },
        text,
      },
    });
  }

  private answerCallbackQuery(
    params: Record<string, string>,
    respond: (status: number, body: unknown) => void,
  ) {
    const id = params.callback_query_id ?? '';
    if (!this.openQueries.delete(id)) {
      return respond(400, {
        ok: false,
        error_code: 400,
        description:
          'Bad Request: query is too old and response timeout expired or query ID is invalid',
      });
    }
    this.answers.push({
      callbackQueryId: id,
      text: params.text ?? null,
      showAlert: params.show_alert === 'true',
    });
    respond(200, { ok: true, result: true });
  }

  private getUpdates(
    params: Record<string, string>,
    respond: (status: number, body: unknown) => void,
    abandoned: () => boolean,
  ) {
    const offset = Number(params.offset ?? 0);
    // Passing an offset confirms every earlier update: Telegram forgets them.
    if (offset > 0) {
      while (this.updates[0] && this.updates[0].update_id < offset) {
        this.confirmed.push(this.updates.shift() as (typeof this.updates)[number]);
      }
    }
    if (this.poll) {
      if (!this.poll.abandoned()) this.conflicts += 1;
      clearTimeout(this.poll.timer);
      this.poll.respond(409, {
        ok: false,
        error_code: 409,
        description:
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      });
      this.poll = undefined;
    }
    const ready = this.updates.filter((update) => update.update_id >= offset);
    const timeoutS = Number(params.timeout ?? 0);
    if (ready.length > 0 || timeoutS <= 0) return respond(200, { ok: true, result: ready });
    const poll: PendingPoll = {
      offset,
      abandoned,
      respond,
      timer: setTimeout(() => {
        if (this.poll === poll) this.poll = undefined;
        respond(200, { ok: true, result: [] });
      }, timeoutS * 1000),
    };
    this.poll = poll;
  }

  private answerPoll(): void {
    const poll = this.poll;
    if (!poll) return;
    this.poll = undefined;
    clearTimeout(poll.timer);
    poll.respond(200, {
      ok: true,
      result: this.updates.filter((update) => update.update_id >= poll.offset),
    });
  }
}
