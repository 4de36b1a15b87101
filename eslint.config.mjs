// ESLint flat config (https://eslint.org/docs/latest/use/configure/configuration-files) with typescript-eslint
// (https://typescript-eslint.io/getting-started). `pnpm lint` runs it together with `prettier --check .`;
// formatting is Prettier's job alone, so no stylistic rules are enabled here.
//
// - Package sources (packages/*/src) get the type-checked recommended rules: they are what users load, and
//   type information is what finds a floating promise or an `any` leaking out of an exported signature.
// - Everything else (tests, the e2e harness, benchmarks, scripts, examples) gets the recommended rules
//   without type information: tests may use `any` to poke at SDK objects, and type-checking them would need a
//   TypeScript project for every test folder.
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, installed trees, and the copy of the checkout `.ci/run` lays out for the newest
    // OpenTelemetry line. Lockfiles and Markdown are not JavaScript, so ESLint never sees them.
    ignores: ['**/dist/**', '**/node_modules/**', '**/.dist-build-*/**', '**/.dist-old-*/**', '.node-versions/**', '**/coverage/**', '**/.llm-provenance/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // Type-only imports are erased by `isolatedModules` builds only when marked as such.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      // CommonJS files (the --require entry, fixtures run under `node --require`) load modules with require().
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Package sources: type-checked rules, each file resolved against its package's tsconfig.json.
    files: ['packages/*/src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // No `any` in what a package exports: every exported function, method and class member states its
      // parameter and return types, and none of them may be `any`.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-module-boundary-types': ['error', { allowArgumentsExplicitlyTypedAsAny: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests, test support used only by tests, benchmarks, scripts and examples may use `any` to reach into
    // SDK objects and recorded spans.
    files: ['packages/*/test/**', 'test/**', 'packages/*/bench/**', 'packages/bench/**', 'examples/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
