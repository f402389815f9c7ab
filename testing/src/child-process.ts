import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A child process whose output a test can wait on. */
export interface Running {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Children started by `run` that have not exited yet, with whether each leads its own group. */
const live = new Map<ChildProcess, boolean>();

/** SIGKILLs every child `run` started that is still running: for afterEach, after a failure. */
export function killLeftovers(): void {
  for (const [child, detached] of live) {
    if (child.pid === undefined) continue;
    try {
      process.kill(detached ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  live.clear();
}

/** Runs a TypeScript entry from source through tsx, from the repository root. */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv): Running {
  return run(process.execPath, ['--import', 'tsx', entry, ...args], env);
}

/**
 * Runs `command` from the repository root. `detached` gives it a process group of its own, so
 * a test can signal the whole group as a terminal's Ctrl-C does.
 */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { detached?: boolean } = {},
): Running {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  live.set(child, options.detached ?? false);
  child.once('exit', () => live.delete(child));
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const listener of listeners) listener();
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`exited before ${pattern}; output:\n${output}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
