// @vitest-environment node
// What a host gets from `@fleet/panel` and `@fleet/panel/element` (the built files; the test
// setup builds them when stale): every exported file exists, the component imports React,
// three.js and react-three-fiber as the host's peers, and the element imports nothing at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_DIR, PANEL_DIR } from './support/build-panel.js';

interface Manifest {
  exports: Record<string, { types: string; import: string }>;
  peerDependencies: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(PANEL_DIR, 'package.json'), 'utf8')) as Manifest;

/** The bare (package) specifiers the JS files of a dist folder import, statically or lazily. */
function bareImports(folder: string): string[] {
  const specifiers = new Set<string>();
  for (const file of readdirSync(join(DIST_DIR, folder)).filter((name) => name.endsWith('.js'))) {
    const code = readFileSync(join(DIST_DIR, folder, file), 'utf8');
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'./][^"']*)["']/g)) {
      specifiers.add(match[1] ?? '');
    }
  }
  return [...specifiers].sort();
}

/** `three/examples/…` belongs to `three`, `react/jsx-runtime` to `react`. */
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

describe('the package exports', () => {
  it.each(Object.entries(manifest.exports))(
    '%s: its JS and type declarations exist',
    (_, entry) => {
      expect(existsSync(join(PANEL_DIR, entry.import))).toBe(true);
      expect(existsSync(join(PANEL_DIR, entry.types))).toBe(true);
    },
  );

  it('the component imports only its peer dependencies (the host provides them)', () => {
    const packages = [...new Set(bareImports('lib').map(packageOf))].sort();
    const peers = Object.keys(manifest.peerDependencies).sort();
    expect(peers).toEqual(['@react-three/fiber', 'react', 'react-dom', 'three']);
    // Nothing else is left for the host to resolve (the rest, e.g. the virtualiser, is bundled)…
    expect(packages.filter((name) => name === undefined || !peers.includes(name))).toEqual([]);
    // …and React, three.js and react-three-fiber are the host's, never a second copy.
    expect(packages).toEqual(expect.arrayContaining(['@react-three/fiber', 'react', 'three']));
  });

  it('the element is self-contained: no package import a host would have to resolve', () => {
    expect(bareImports('element')).toEqual([]);
  });
});
