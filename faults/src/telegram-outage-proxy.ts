import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy answers a `sendMessage` with while the outage lasts, in turn; `hang` never
 * answers (a send in flight when the sender is killed), until the client gives up or the proxy
 * stops, and delivers nothing.
 */
export type OutageAnswer =
  | { status: 429; retryAfterS: number }
  | { status: 500 }
  | { status: 'hang' };

export interface TelegramOutageProxyOptions {
  /** The Bot API server behind the proxy (the alerting tests' fake Telegram). */
  upstream: string;
  /** @defaultValue 429 (retry after 1 s), then 500, in turn */
  answers?: readonly OutageAnswer[];
}

/**
 * Sits between the alerting service and a Bot API server and, while an outage is on, answers
 * every `sendMessage` itself with Telegram's 429 / 500 envelopes, in turn; everything else, and
 * everything outside an outage, passes through. Only what reaches the upstream was delivered.
 */
export class TelegramOutageProxy {
  /** `sendMessage` calls answered with a failure, by status. */
  readonly refused = { 429: 0, 500: 0, hang: 0 };
  private outage = false;
  private turn = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: TelegramOutageProxyOptions,
  ) {}

  static async start(options: TelegramOutageProxyOptions): Promise<TelegramOutageProxy> {
    let proxy: TelegramOutageProxy | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const owner = proxy as TelegramOutageProxy;
        if (owner.outage && /\/sendMessage$/.test(request.url ?? '')) {
          const answer = owner.nextAnswer();
          owner.refused[answer.status] += 1;
          if (answer.status === 'hang') return;
          const body =
            answer.status === 429
              ? {
                  ok: false,
                  error_code: 429,
                  description: `Too Many Requests: retry after ${answer.retryAfterS}`,
                  parameters: { retry_after: answer.retryAfterS },
                }
              : { ok: false, error_code: 500, description: 'Internal Server Error' };
          response
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(body));
          return;
        }
        const upstream = new URL(request.url ?? '/', owner.options.upstream);
        const forwarded = httpRequest(
          upstream,
          { method: request.method, headers: request.headers },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        forwarded.on('error', () => response.destroy());
        // A client that gives up (a long poll aborted) must not leave the upstream call behind.
        response.on('close', () => forwarded.destroy());
        forwarded.end(Buffer.concat(chunks));
      });
    });
    proxy = new TelegramOutageProxy(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The `TELEGRAM_API_URL` that goes through the proxy. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Starts or ends the outage. */
  setOutage(on: boolean): void {
    this.outage = on;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private nextAnswer(): OutageAnswer {
    const answers = this.options.answers ?? [{ status: 429, retryAfterS: 1 }, { status: 500 }];
    const answer = answers[this.turn % answers.length] as OutageAnswer;
    this.turn += 1;
    return answer;
  }
}
