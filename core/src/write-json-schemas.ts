import { writeFileSync } from 'node:fs';
import { jsonSchemaFiles } from './json-schemas.js';

const dir = new URL('../schema/', import.meta.url);
for (const [file, text] of Object.entries(jsonSchemaFiles())) {
  writeFileSync(new URL(file, dir), text);
  console.log(`wrote core/schema/${file}`);
}
