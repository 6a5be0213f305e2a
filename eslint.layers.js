/**
 * The layers of the simulator and the arrows between them, held by lint (CONVENTIONS 21):
 *
 *   cli → check → http → terminal, gameday → scoring, storage, metrics → drill → kube → world → clock, journal → core
 *
 * (higher layers may skip over lower ones; every layer may import @gameday/scenarios, which
 * imports none of them; scoring and storage are peers that read each other's types).
 * Each layer lists what it may import; anything else is an error (`boundaries/dependencies`,
 * default disallow), and no chain of imports may come back to where it started
 * (`import-x/no-cycle`). Tests (`*.test.ts`) and their helpers (`test-*.ts`) sit above every
 * layer: a test may build the whole app to exercise a drill through its API, but no layer may
 * import a test file. docs/architecture.md ("Layers") explains where each folder sits and why.
 */
import boundaries from 'eslint-plugin-boundaries';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const src = 'packages/simulator/src';

/** The folders of the simulator (and the two other packages) as layers: each with what it may import. */
export const layers = {
  // @gameday/scenarios: the incidents; the simulator's facts come to it as readings, never by import.
  scenarios: { pattern: 'scenarios/src', allow: [] },
  // Coded errors without HTTP statuses (only http/ maps codes to statuses).
  core: { pattern: `${src}/core`, allow: [] },
  clock: { pattern: `${src}/clock`, allow: ['core'] },
  journal: { pattern: `${src}/journal`, allow: ['core', 'scenarios'] },
  world: { pattern: `${src}/world`, allow: ['core', 'clock', 'journal', 'scenarios'] },
  // The fake Kubernetes API's objects, built from the world's cluster: beside the world, below the drill.
  kube: { pattern: `${src}/kube`, allow: ['world', 'core', 'scenarios'] },
  // A drill's actions note a deployment's limits as the Kubernetes API writes them (kube/quantity.ts).
  drill: { pattern: `${src}/drill`, allow: ['kube', 'world', 'clock', 'journal', 'core', 'scenarios'] },
  scoring: { pattern: `${src}/scoring`, allow: ['storage', 'drill', 'world', 'journal', 'clock', 'core', 'scenarios'] },
  storage: { pattern: `${src}/storage`, allow: ['scoring', 'drill', 'journal', 'core', 'scenarios'] },
  // Prometheus registries, read from the drill's world (and finished drills, for readiness).
  metrics: { pattern: `${src}/metrics`, allow: ['storage', 'drill', 'kube', 'world', 'core', 'scenarios'] },
  export: { pattern: `${src}/export`, allow: [] },
  gameday: { pattern: `${src}/gameday`, allow: ['scoring', 'storage', 'metrics', 'drill', 'world', 'journal', 'clock', 'core', 'scenarios'] },
  // The terminal runs the CLIs, so it reads their argument grammar (cli/duration.ts).
  terminal: { pattern: `${src}/terminal`, allow: ['cli', 'drill', 'world', 'core', 'scenarios'] },
  http: {
    pattern: `${src}/http`,
    allow: ['terminal', 'gameday', 'scoring', 'storage', 'metrics', 'export', 'drill', 'kube', 'world', 'journal', 'clock', 'core', 'scenarios'],
  },
  check: { pattern: `${src}/check`, allow: ['http', 'gameday', 'scoring', 'storage', 'metrics', 'drill', 'kube', 'world', 'journal', 'clock', 'core', 'scenarios'] },
  cli: {
    pattern: `${src}/cli`,
    allow: ['check', 'http', 'terminal', 'gameday', 'scoring', 'storage', 'metrics', 'export', 'drill', 'kube', 'world', 'journal', 'clock', 'core', 'scenarios'],
  },
};

const layerNames = Object.keys(layers);
const frontDoor = `${src}/index.ts`;

/** The flat-config block that holds the arrows; eslint.config.js adds it, the layer test lints snippets with it. */
export const layerConfig = {
  files: ['packages/simulator/src/**/*.ts', 'scenarios/src/**/*.ts'],
  plugins: { boundaries, 'import-x': importX },
  settings: {
    'boundaries/elements': [
      // The package's front door re-exports every layer, and imports no further.
      { type: 'front-door', pattern: frontDoor, mode: 'full' },
      ...layerNames.map((type) => ({ type, pattern: layers[type].pattern, mode: 'folder' })),
    ],
    'boundaries/files': [{ category: 'test', pattern: ['**/*.test.ts', '**/test-*.ts'] }],
    'boundaries/legacy-templates': false,
    'boundaries/legacy-warnings': false,
    'import/resolver': { typescript: { project: 'tsconfig.json', alwaysTryTypes: false } },
    // import-x reads the files an import leads to, to follow a chain round to a cycle.
    'import-x/extensions': ['.ts', '.tsx', '.js'],
    'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        message: '{{from.type}} may not import {{to.type}} ("{{dependency.source}}"): the layers allow {{from.type}} to import only what eslint.layers.js lists for it',
        policies: [
          ...layerNames.map((type) => ({ from: { element: { type } }, allow: { to: { element: { types: layers[type].allow.length > 0 ? { anyOf: layers[type].allow } : '!*' } } } })),
          { from: { element: { type: 'front-door' } }, allow: { to: { element: { types: { anyOf: layerNames } } } } },
          // A test stands above every layer; nothing but a test imports one (a later policy wins).
          { disallow: { to: { file: { categories: 'test' } } }, message: 'only a test may import a test file ("{{dependency.source}}"); move what {{from.type}} needs out of it' },
          { from: { file: { categories: 'test' } }, allow: { to: { element: { types: '*' } } } },
        ],
      },
    ],
    'import-x/no-cycle': ['error', { ignoreExternal: true }],
  },
};
