// ESLint 9 flat config: eslint's and typescript-eslint's type-aware
// recommended rules everywhere, and the few bpmn.io rules that are about
// correctness rather than layout (bpmn.io's layout rules contradict the
// house style: `[a, b]`, not `[ a, b ]`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-output/', 'bench/results/', '**/*.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // from eslint-plugin-bpmn-io's recommended set
      'no-bitwise': 'error',
      'no-constant-condition': ['error', { checkLoops: true }],
      // `_name` marks a parameter a signature needs but the body does not use
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' }],
    },
  },
  {
    files: ['modeler/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './modeler/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-imports': ['error', {
        // bpmn.io: diagram-js modules inherit with inherits-browser, which keeps Node's util out of the bundle
        paths: [{ name: 'inherits', message: 'Use inherits-browser instead.' }],
        // the browser reaches the server over HTTP and imports only engine/ modules that are browser-safe
        patterns: [{
          group: ['**/server/**', '**/engine/store/**', '**/engine/runtime/**', '**/engine/library/**', '**/engine/cli/**'],
          message: 'The modeler talks to the server over HTTP and imports only browser-safe engine/ modules (lint, feel, interop, bpmn, api types).',
        }],
      }],
    },
  },
  {
    // the import rules of CONTRIBUTING.md's architecture picture
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/modeler/**'], message: 'engine/ never imports server/ or modeler/.' }] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/modeler/**'], message: 'server/ talks to the modeler over HTTP only.' }] }],
    },
  },
  {
    // These implement the async store and engine contracts (StoreTx, Library,
    // Runtime) with synchronous work: better-sqlite3 is synchronous, the fake is
    // in memory. `async` is what turns a thrown error into a rejected promise as
    // the PostgreSQL store and the engine give, so it stays without an `await`.
    files: ['engine/store/sqlite.ts', 'test/server/support/fake-stratum.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // configuration files are plain ESM JavaScript
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
