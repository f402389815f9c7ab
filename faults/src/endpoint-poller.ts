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
  /** Requests answered with something unacceptable (not 200, invalid document, refused, hung). */
  problemCount: number;
  /** The first of them (at most 100). */
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

/** Problems kept for the summary; the rest are only counted, so a long soak stays small. */
const KEPT_PROBLEMS = 100;

/**
 * Clients polling exporter endpoints back to back until stopped, tallying every answer, how long
 * it took, and any that did not come within `hangAfterMs`. Only totals and the first problems are
 * kept, so memory does not grow with the length of the run.
 */
export class EndpointPoller {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private requests = 0;
  private problemCount = 0;
  private readonly keptProblems: PollRecord[] = [];
  private hangs = 0;
  private maxMs = 0;
  private redisDownAnswers = 0;

  constructor(private readonly options: EndpointPollerOptions) {}

  start(): this {
    const clients = this.options.clientsPerPath ?? 1;
    this.loops = this.options.paths.flatMap((path) =>
      Array.from({ length: clients }, () => this.loop(path)),
    );
    return this;
  }

  /** Stops after the requests in flight; resolves to the summary of everything answered. */
  async stop(): Promise<PollSummary> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.summary();
  }

  summary(): PollSummary {
    return {
      requests: this.requests,
      problemCount: this.problemCount,
      problems: [...this.keptProblems],
      hangs: this.hangs,
      maxMs: this.maxMs,
      redisDownAnswers: this.redisDownAnswers,
    };
  }

  private tally(record: PollRecord): void {
    this.requests += 1;
    this.maxMs = Math.max(this.maxMs, record.ms);
    if (record.redisOk === false) this.redisDownAnswers += 1;
    if (record.problem === null) return;
    this.problemCount += 1;
    if (record.problem === 'hang') this.hangs += 1;
    if (this.keptProblems.length < KEPT_PROBLEMS) this.keptProblems.push(record);
  }

  private async loop(path: string): Promise<void> {
    while (!this.stopped) {
      this.tally(await this.request(path));
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
