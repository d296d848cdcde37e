// One lint gate for the whole repository. Besides type-aware rules it enforces the
// layering of STYLE.md rule 1: a folder runs in one place.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnlyInMainElectron = {
  paths: [
    { name: 'electron', message: 'Only main/electron/ may import electron (STYLE.md rule 1).' },
  ],
  patterns: [{ group: ['electron/*'], message: 'Only main/electron/ may import electron.' }],
};

/** main/'s folders by layer: a folder may import its own layer and higher numbers only. */
const mainLayers = {
  cli: 0,
  server: 0,
  electron: 0,
  emulators: 0,
  app: 1,
  library: 2,
  jobs: 3,
  search: 3,
  people: 3,
  catalog: 4,
  engines: 5,
  imaging: 6,
  util: 6,
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'test-output/',
      'bench-output/',
      'renderer/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', 'bin/*.js', '.ci/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': ['error', electronOnlyInMainElectron],
    },
  },
  // main/ runs in layers, each importing only from its own layer and the ones below (STYLE.md,
  // after VS Code's code-layering rule): hosts → app → library → jobs/search/people → catalog →
  // engines → imaging/util. One block per folder, since a later block's no-restricted-imports
  // replaces an earlier one's. Packaged builds leave out test/ and bench/ (electron-builder.yml),
  // so main/ must not import them either.
  ...Object.entries(mainLayers).map(([folder, layer]) => ({
    files: [`main/${folder}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: folder === 'electron' ? [] : electronOnlyInMainElectron.paths,
          patterns: [
            ...(folder === 'electron' ? [] : electronOnlyInMainElectron.patterns),
            {
              group: ['**/test/**', '**/bench/**'],
              message: 'main/ ships without test/ and bench/ (electron-builder.yml files).',
            },
            ...Object.entries(mainLayers)
              .filter(([, other]) => other < layer)
              .map(([above]) => ({
                group: [`**/${above}/**`, `../${above}/*`, `../../${above}/*`],
                message: `main/${folder}/ sits below main/${above}/ and must not import it (layering: hosts → app → library → jobs/search/people → catalog → engines → imaging/util).`,
              })),
          ],
        },
      ],
      // The same for `await import(...)`, which no-restricted-imports does not see.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/(^|\\/)(test|bench)\\//]',
          message: 'main/ ships without test/ and bench/ (electron-builder.yml files).',
        },
        // The catalog owns the SQL: a prepared statement outside main/catalog/ is a table
        // access that belongs in a catalog module (issue 11 §3).
        ...(folder === 'catalog'
          ? []
          : [
              {
                selector: "CallExpression[callee.property.name='prepare']",
                message:
                  'SQL lives in main/catalog/: add a function to a catalog module and call it instead of db.prepare().',
              },
            ]),
      ],
    },
  })),
  {
    // The renderer runs in a sandboxed page: no node, no electron, no main code.
    // It may import types (and the zod contract) from preload/ only.
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks only to the typed API.' }],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser: no node modules.' },
            {
              group: ['**/main/**', '../main/*', '../../main/*'],
              message: 'The renderer imports only from preload/.',
            },
            {
              group: [
                'fs',
                'path',
                'os',
                'child_process',
                'crypto',
                'worker_threads',
                'better-sqlite3',
                'sharp',
                'chokidar',
              ],
              message: 'The renderer runs in a browser: no node modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // preload/ is shared by the Electron preload script, main and the renderer, so it stays
    // free of node and main code; only preload-bridge.ts may touch electron's contextBridge.
    files: ['preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'preload/ is shared with the renderer: no node modules.',
            },
            { group: ['**/main/**'], message: 'preload/ must not depend on main/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/preload-bridge.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
