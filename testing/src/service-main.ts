import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export class ServiceNotBuiltError extends Error {
  override name = 'ServiceNotBuiltError';
}

/**
 * The built command-line entry (`dist/main.js`) of a service, found through its package name
 * rather than a path into its folder. Throws, saying to build, when it is not built.
 */
export function serviceMain(packageName: '@fleet/exporter' | '@fleet/alerting'): string {
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new ServiceNotBuiltError(`${packageName} is not built: run npm run build first`);
  }
  const main = join(dirname(entry), 'main.js');
  if (!existsSync(main))
    throw new ServiceNotBuiltError(`${main} is missing: run npm run build first`);
  return main;
}
