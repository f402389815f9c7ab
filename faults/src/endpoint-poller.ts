import { StatusDocumentSchema } from '@fleet/core/contracts';

/** One answer (or the lack of one) of the exporter. */
export interface PollRecord {
  path: string;
  /** HTTP status; null when no answer came (refused, reset, or aborted at the client timeout). */
  status: number | null;
  ms: number;
  /** `redis_ok` of a status document; null for other paths and failures. */
  redisOk: boolean | null;
  /** Why the answer is not acceptable, or null. */
  problem: string | null;
}

export interface EndpointPollerOptions {
  /** e.g. `http://127.0.0.1:8790` */
  url: string;
  /** Each path gets `clientsPerPath` clients polling it back to back. */
  paths: readonly string[];
  /** @defaultValue 1 */
  clientsPerPath?: number;
  /** A request not answered after this long is aborted and recorded as a hang. */
  hangAfterMs: number;
  /** Pause between a client's requests. @defaultValue 0 */
  pauseMs?: number;
}

export interface PollSummary {
  requests: number;
  /** Requests answered with something unacceptable (not 200, invalid document, refused). */
  problems: PollRecord[];
  /** Requests aborted at `hangAfterMs`. */
  hangs: number;
  maxMs: number;
  redisDownAnswers: number;
}

/**
 * Judges one answer: every endpoint answers 200 (`/readyz` also 503, meaning Redis is
 * unreachable), `/metrics` carries `fleet_redis_up`, and the status document is always valid.
 */
export function judgeAnswer(path: string, status: number, body: string): Omit<PollRecord, 'ms'> {
  if (path === '/readyz' && (status === 200 || status === 503)) {
    return { path, status, redisOk: status === 200, problem: null };
  }
  if (status !== 200) return { path, status, redisOk: null, problem: `HTTP ${status}` };
  if (path === '/metrics') {
    return {
      path,
      status,
      redisOk: null,
      problem: /^fleet_redis_up [01]$/m.test(body) ? null : 'no fleet_redis_up sample',
    };
  }
  if (path === '/api/agent-office/nodes') {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { path, status, redisOk: null, problem: 'not JSON' };
    }
    const parsed = StatusDocumentSchema.safeParse(json);
    if (!parsed.success) {
      return { path, status, redisOk: null, problem: `invalid document: ${parsed.error.message}` };
    }
    return { path, status, redisOk: parsed.data.redis_ok, problem: null };
  }
  return { path, status, redisOk: null, problem: null };
}

/**
 * Clients polling exporter endpoints back to back until stopped, recording every answer, how
 * long it took, and any that did not come within `hangAfterMs`.
 */
export class EndpointPoller {
  readonly records: PollRecord[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: EndpointPollerOptions) {}

  start(): this {
    const clients = this.options.clientsPerPath ?? 1;
    this.loops = this.options.paths.flatMap((path) =>
      Array.from({ length: clients }, () => this.loop(path)),
    );
    return this;
  }

  /** Stops after the requests in flight; resolves to the summary of everything recorded. */
  async stop(): Promise<PollSummary> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.summary();
  }

  summary(): PollSummary {
    const problems = this.records.filter((record) => record.problem !== null);
    return {
      requests: this.records.length,
      problems,
      hangs: problems.filter((record) => record.problem === 'hang').length,
      // A loop, not Math.max(...spread): a long soak records more answers than the stack holds.
      maxMs: this.records.reduce((max, record) => Math.max(max, record.ms), 0),
      redisDownAnswers: this.records.filter((record) => record.redisOk === false).length,
    };
  }

  private async loop(path: string): Promise<void> {
    while (!this.stopped) {
      this.records.push(await this.request(path));
      if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private async request(path: string): Promise<PollRecord> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const response = await fetch(`${this.options.url}${path}`, {
        signal: AbortSignal.timeout(this.options.hangAfterMs),
      });
      const body = await response.text();
      return { ...judgeAnswer(path, response.status, body), ms: elapsed() };
    } catch (error) {
      const hang = (error as Error).name === 'TimeoutError';
      return {
        path,
        status: null,
        ms: elapsed(),
        redisOk: null,
        problem: hang ? 'hang' : `no answer: ${(error as Error).message}`,
      };
    }
  }
}
