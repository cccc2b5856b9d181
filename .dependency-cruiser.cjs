// @ts-check
/**
 * The layers of arch-auditor, bottom first. A module imports from its own layer and from the layers
 * below it, never from one above, so each layer can be read, tested and changed knowing only what is
 * beneath it. `npm run lint` fails on an upward import. There is no exception list: a module that
 * needs something from above is in the wrong layer, or the thing it needs is.
 */
const LAYERS = [
  'support', // error classes, boundary validation, all-or-nothing file writes
  'model', // the finding, the resource it points at, severities, the report: what every output speaks
  'inventory', // the inventory's types, its snapshot schema and the facts derived from it
  'intent', // the intended architecture, and the questions checks ask about it
  'collect', // AWS SDK v3 reads turned into the inventory: the I/O edge (see collect-is-an-edge)
  'evaluate', // libraries the checks use: policy evaluation and its callers, the exposure model, unseen scopes
  'checks', // one check per module, and the catalogue
  'engine', // runs the checks over an inventory and builds the report
  'report', // renderings of the report: OCSF, Japanese text, markdown
  'notify', // alerts through SNS, the Security Hub sink, and their state
  'app', // use cases shared by the CLI and the Lambdas: audit, baseline, intent files, fan-out, member check
];

/** Entry points: they import from every layer and nothing imports them (tests aside). */
const ENTRY_POINTS = ['functions', 'cli'];

const PRODUCTION = [...LAYERS, ...ENTRY_POINTS];
const under = (/** @type {readonly string[]} */ dirs) => `^(${dirs.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `${layer}-imports-upward`,
      comment: `${layer}/ may import only from ${LAYERS.slice(0, i + 1).join(', ')} (the layers are listed bottom first in .dependency-cruiser.cjs)`,
      severity: /** @type {const} */ ('error'),
      from: { path: under([layer]) },
      to: { path: under([...LAYERS.slice(i + 1), ...ENTRY_POINTS]) },
    })),
    {
      name: 'app-imports-an-entry-point',
      comment: 'app/ holds the use cases; functions/ and cli/ call them, not the other way round',
      severity: 'error',
      from: { path: under(['app']) },
      to: { path: under(ENTRY_POINTS) },
    },
    ...ENTRY_POINTS.map((entry) => ({
      name: `${entry}-is-an-entry-point`,
      comment: `nothing imports ${entry}/: it wires the layers together for one way of running`,
      severity: /** @type {const} */ ('error'),
      from: { path: under(PRODUCTION), pathNot: under([entry]) },
      to: { path: under([entry]) },
    })),
    {
      name: 'collect-is-an-edge',
      comment:
        'AWS reads happen at the edge: only the use cases (app/) and the entry points start a collection; checks, the engine and the outputs see the inventory',
      severity: 'error',
      from: { path: under(PRODUCTION), pathNot: under(['collect', 'app', ...ENTRY_POINTS]) },
      to: { path: under(['collect']) },
    },
    {
      name: 'production-imports-only-layers',
      comment:
        'production code imports its layers, packages and package.json only: a new folder goes into LAYERS, and tests, scripts and loose files at the root are not production code',
      severity: 'error',
      from: { path: under(PRODUCTION) },
      to: {
        dependencyTypes: ['local'],
        pathNot: [under(PRODUCTION), '^package\\.json$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.serverless|coverage)/' },
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
