// `npm run generate -w dashboards`: writes the generated dashboard, provisioning files and layout
// picture next to this workspace's sources.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArtifacts } from './artifacts.js';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of renderArtifacts()) {
  const target = join(workspace, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote dashboards/${path}`);
}
