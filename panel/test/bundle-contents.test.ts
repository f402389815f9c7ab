// @vitest-environment node
// The panel's three outputs (the app, the element, the component) carry neither zod nor croner:
// the panel imports @fleet/core/contracts/data, and one value import of the zod barrel would pull
// both in again (about 130 kB of the app's 405 kB before the split). The setup builds the panel
// when stale.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_DIR, PANEL_DIR } from './support/build-panel.js';

// Strings that survive minification: zod's trait names and croner's error messages.
const LIBRARIES = [
  { name: 'zod', file: 'v4/core/schemas.js', marker: '$ZodType' },
  { name: 'croner', file: 'dist/croner.js', marker: 'CronPattern: ' },
];
const OUTPUTS = ['assets', 'element', 'lib'];

const fromCore = createRequire(join(PANEL_DIR, '..', 'core', 'package.json'));
const packageFile = (name: string, file: string) =>
  join(dirname(fromCore.resolve(`${name}/package.json`)), file);

const javascriptOf = (folder: string) =>
  readdirSync(join(DIST_DIR, folder))
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, code: readFileSync(join(DIST_DIR, folder, file), 'utf8') }));

describe('no schema library in the panel bundles', () => {
  it.each(LIBRARIES)(
    '$name: its marker is in its own code (so its absence means something)',
    ({ name, file, marker }) => {
      expect(readFileSync(packageFile(name, file), 'utf8')).toContain(marker);
    },
  );

  describe.each(OUTPUTS)('dist/%s', (folder) => {
    it.each(LIBRARIES)('has no $name', ({ marker }) => {
      const files = javascriptOf(folder);
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter(({ code }) => code.includes(marker)).map(({ file }) => file)).toEqual([]);
    });
  });
});
