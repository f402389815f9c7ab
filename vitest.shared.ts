import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests import workspace packages from source, so no build is needed between an edit and a test run. */
export const workspaceAliases = [
  { find: /^@fleet\/core\/contracts\/data$/, replacement: here('./core/src/contracts/data.ts') },
  { find: /^@fleet\/core\/contracts$/, replacement: here('./core/src/contracts/index.ts') },
  { find: /^@fleet\/core$/, replacement: here('./core/src/index.ts') },
  { find: /^@fleet\/simulator$/, replacement: here('./simulator/src/index.ts') },
  { find: /^@fleet\/exporter$/, replacement: here('./exporter/src/index.ts') },
  { find: /^@fleet\/alerting$/, replacement: here('./alerting/src/index.ts') },
];
