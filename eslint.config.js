// Lint runs as part of `npm test`. Type-aware rules are left to `tsc --noEmit`, which runs first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Domain code gets its clock and randomness injected (ARCHITECTURE.md).
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Inject randomness (a seeded generator) instead of Math.random().' },
      ],
    },
  },
  {
    files: ['src/biometrics/**', 'src/nist/**', 'src/policy/**', 'src/oversight/stats/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'biometrics, nist and policy are pure: no platform or I/O imports (ARCHITECTURE.md).' },
            { group: ['**/platform/**', '**/agencies/**', '**/server/**', '**/cli/**', '**/web/**'], message: 'biometrics, nist and policy must not import platform, agencies, server, cli or web.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Inject the clock.' }],
    },
  },
  {
    // The clock is injected everywhere; only the platform's system clock and the CLI read it.
    files: ['src/**'],
    ignores: ['src/platform/clock/**', 'src/cli/**', '**/*.test.ts', '**/testing.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Inject the clock (src/platform/clock).' }] },
  },
);
