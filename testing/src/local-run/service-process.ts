import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatLogLine, type LogPrefix } from './format-log-line.js';

export interface ServiceProcessOptions {
  /** Short name shown in front of its log lines and in messages. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /**
   * `pretty`: each output line re-printed for a person behind the service name;
   * `inherit`: output passed through untouched (JSON logs stay machine-readable).
   */
  output: { mode: 'pretty'; prefix: Omit<LogPrefix, 'label'> } | { mode: 'inherit' };
  /** Where pretty lines go. @defaultValue process.stdout.write */
  write?: (line: string) => void;
}

export interface ServiceExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child service the scripts supervise. It runs in its own process group, so a Ctrl-C in the
 * terminal reaches only the supervisor, which then stops its children in order.
 */
export class ServiceProcess {
  readonly name: string;
  readonly exited: Promise<ServiceExit>;
  private readonly child: ChildProcess;
  private stopping = false;

  constructor(options: ServiceProcessOptions) {
    this.name = options.name;
    const pretty = options.output.mode === 'pretty';
    this.child = spawn(options.command, options.args, {
      env: options.env,
      detached: true,
      stdio: pretty ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    if (options.output.mode === 'pretty') {
      const prefix = { ...options.output.prefix, label: options.name };
      const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
      for (const stream of [this.child.stdout, this.child.stderr]) {
        if (!stream) continue;
        createInterface({ input: stream }).on('line', (line) => write(formatLogLine(line, prefix)));
      }
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ name: this.name, code, signal }));
      this.child.once('error', () => resolve({ name: this.name, code: 127, signal: null }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** True once `stop` was called: an exit after that is expected. */
  get wasStopped(): boolean {
    return this.stopping;
  }

  /** Sends `signal`, then SIGKILL after `graceMs` if it is still running. Safe twice. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<ServiceExit> {
    if (!this.stopping && this.running) {
      this.stopping = true;
      this.child.kill(signal);
      const timer = setTimeout(() => this.kill(), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.stopping = true;
    return this.exited;
  }

  /** Last resort (e.g. the supervisor itself is exiting): SIGKILL, synchronously. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
