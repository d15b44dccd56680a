// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * Imports point one way (README, "Layout"). Each top-level folder lists the folders it may import;
 * an import of any other folder of the project is a lint error. `typesFrom` may be imported with
 * `import type` only; `partly` allows only the named files of a folder. scripts/, bench/, test/ and
 * client/ may import anything. The matching is by folder names in the import path, so these folder
 * names are kept unique in the tree. test/lint/layers.test.ts shows each rule failing on a fixture.
 */
const LAYERS = ['domain', 'db', 'integrations', 'platform', 'services', 'activities', 'workflows', 'workers', 'api', 'realtime', 'server', 'scripts', 'bench', 'test', 'client', 'web'];
/** Metrics are cross-cutting, like logging: every process layer records them. */
const CROSS_CUTTING = { integrations: ['telemetry/.+'] };
/** A workflow is reached from outside only through its client and its definitions (names defined once). */
const WORKFLOW_ENTRY = { workflows: ['[^/]+/client\\.js', '[^/]+/definitions\\.js'] };
const LAYER_RULES = {
  domain: { may: [] },
  db: { may: ['domain'] },
  integrations: { may: ['domain'] },
  platform: { may: ['domain', 'db', 'integrations'] },
  services: { may: ['domain', 'db', 'integrations', 'platform'], partly: WORKFLOW_ENTRY },
  activities: { may: ['domain', 'db', 'integrations', 'platform'], partly: WORKFLOW_ENTRY },
  // Workflow code is replayed: the determinism block below says what it may use of activities/.
  workflows: { may: ['domain', 'activities'] },
  workers: { may: ['domain', 'db', 'integrations', 'platform', 'services', 'activities', 'workflows'] },
  // api/ and realtime/ meet only in server/, the composition root; the shapes services return (db models) are types to them.
  api: { may: ['domain', 'services'], typesFrom: ['db', 'workflows'], partly: CROSS_CUTTING },
  realtime: { may: ['domain', 'services'], typesFrom: ['db'], partly: CROSS_CUTTING },
  server: { may: LAYERS.filter((layer) => !['scripts', 'bench', 'test', 'client', 'web'].includes(layer)) },
};

/** One block per layer: an import whose path names a folder the layer may not use is an error. */
export function layerBlocks() {
  return Object.entries(LAYER_RULES).map(([layer, { may, typesFrom = [], partly = {} }]) => {
    const forbidden = LAYERS.filter((other) => other !== layer && !may.includes(other) && !typesFrom.includes(other) && !(other in partly));
    const allowed = [...may, ...Object.keys(partly).map((name) => `parts of ${name}`), ...typesFrom.map((name) => `types of ${name}`)];
    const message = `${layer}/ may import only ${allowed.join(', ') || 'nothing of the project'} (README: Layout).`;
    const inFolder = (names) => `(^|/)(${names.join('|')})/`;
    const patterns = [
      ...(forbidden.length ? [{ regex: inFolder(forbidden), message }] : []),
      ...Object.entries(partly).map(([name, parts]) => ({
        regex: `${inFolder([name])}(?!(${parts.join('|')})$)`,
        message,
        ...(typesFrom.includes(name) ? { allowTypeImports: true } : {}),
      })),
      ...typesFrom.filter((name) => !(name in partly)).map((name) => ({ regex: inFolder([name]), message, allowTypeImports: true })),
    ];
    return { files: [`${layer}/**/*.ts`], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The web app and the client it uses run in browsers.
    files: ['web/src/**/*.{ts,tsx}', 'client/index.ts', 'client/realtime.ts'],
    languageOptions: { globals: globals.browser },
  },
  ...layerBlocks(),
  {
    // Workflow code is replayed: it must be deterministic, so it may not reach the outside world.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins (use an activity).' })),
          patterns: [
            { group: ['**/activities/*', '**/activities/**', '!**/activities/**/types.js'], message: 'Workflows import activity types only (import type).', allowTypeImports: true },
            { group: ['**/integrations/**', '**/db/**', '**/api/**'], message: 'Workflow code must not touch integrations, the database or the API.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() in a loop.' }, { name: 'process', message: 'No process access in workflows.' }],
    },
  },
);
