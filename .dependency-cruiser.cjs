// `npm run lint` runs this: no import circle anywhere, and no package reaches into another's
// folders by a relative path (only through its package name).
const PACKAGES =
  '(core|exporter|alerting|simulator|panel|dashboards|testing|bench|faults|hosts|scripts|python)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import circle: break it (a shared type or module moves to where both can import it).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-relative-import-across-packages',
      severity: 'error',
      comment: 'Import another package by its name (@fleet/...), never by a path into its folders.',
      from: { path: `^${PACKAGES}/` },
      to: {
        dependencyTypes: ['local'],
        // From the root's own folders (scripts/, python/) a package name resolves as local too.
        dependencyTypesNot: ['aliased'],
        path: `^${PACKAGES}/`,
        pathNot: ['^$1/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['node_modules', '/dist/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
    },
  },
};
