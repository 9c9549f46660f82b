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
      // bpmn.io: diagram-js modules inherit with inherits-browser, which keeps Node's util out of the bundle
      'no-restricted-imports': ['error', { name: 'inherits', message: 'Use inherits-browser instead.' }],
    },
  },
  {
    // configuration files are plain ESM JavaScript
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
