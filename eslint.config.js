import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Check files that still do I/O or use node:* themselves (areas owned by other issues); they join the
 * rule as their gatherers move to src/probes/**. Shrink this list, never grow it.
 */
const CHECKS_NOT_YET_PURE = [
  'src/checks/domain-tls/**', // #16/#15: tls and dns gatherers are imported from src/net/{tls,dns}
  'src/checks/email/**', // #16: dns context and zone helpers
  'src/checks/input-validation/**', // #14: invalid-payloads.ts sends requests
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/.work/', 'test/.work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // Only the CLI, the demo launcher, tests and benchmarks talk to the terminal.
    files: ['src/cli/**', 'examples/**', 'test/**', 'bench/**', 'bin/**', 'ci/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Checks judge evidence; they never do I/O. Gatherers live in src/probes/** (or src/surface/**).
    // Type-only imports of the HTTP exchange shapes are fine: they are data.
    files: ['src/checks/**/*.ts'],
    ignores: CHECKS_NOT_YET_PURE,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/net/*', '**/net/**'], allowTypeImports: true, message: 'src/checks/** judges evidence and must not do I/O: move the request code to src/probes/<area>/ (type-only imports are fine).' },
            { group: ['node:*'], message: 'src/checks/** must stay pure: put node:* use (crypto, fs, net) in src/probes/<area>/ or src/surface/.' },
          ],
        },
      ],
    },
  },
);

