import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's Python: its python3-redis, python3-pytest… are what the Python tests run on. */
export const PYTHON = '/usr/bin/python3';
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PYTHON_DIR = fileURLToPath(new URL('../../', import.meta.url));

const DEBIAN_PACKAGES =
  'python3 python3-pytest python3-pytest-asyncio python3-redis python3-jsonschema python3-mypy';

export class MissingPythonError extends Error {
  override name = 'MissingPythonError';
}

/** Fails with the apt-get command when python3 or a module the tests import is missing. */
export async function requirePython(
  modules: string[] = ['pytest', 'pytest_asyncio', 'redis', 'jsonschema'],
): Promise<string> {
  const install = `install ${DEBIAN_PACKAGES} with: apt-get install -y ${DEBIAN_PACKAGES}`;
  if (!existsSync(PYTHON)) throw new MissingPythonError(`${PYTHON} is missing; ${install}`);
  const check = await runPython(['-c', `import ${modules.join(', ')}`]);
  if (check.code !== 0) {
    throw new MissingPythonError(
      `${PYTHON} cannot import ${modules.join(', ')}; ${install}\n${check.output}`,
    );
  }
  return PYTHON;
}

export interface PythonRun {
  code: number | null;
  stdout: string;
  /** stdout and stderr, for failure messages. */
  output: string;
}

/** Runs Debian's python3 (from the repository root by default); never writes bytecode into the tree. */
export function runPython(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; python?: string; cwd?: string } = {},
): Promise<PythonRun> {
  return new Promise((resolve) => {
    execFile(
      options.python ?? PYTHON,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, output: `${stdout}\n${stderr}` });
      },
    );
  });
}
