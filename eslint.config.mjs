// Shared flat config: typescript-eslint + Nx module boundaries.
// Tags: type:domain, type:finance, type:charts (server-side charts, self-contained), type:platform, type:messaging, type:storage, type:outbox,
// type:testing, type:app, type:e2e (black-box tests of running services). Apps may depend on libs; libs never on apps; libs/finance on nothing
// but itself; platform (HTTP), messaging (NATS) and storage (databases) only on domain, so a
// service without a database (the gateway) pulls in no database driver; outbox joins storage
// and messaging; the test kit (testing) uses domain and platform only, and the tests (not the
// sources) of messaging, storage, outbox and the apps may use it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

/** What each tag may import. `tests`: a test/bench file, which may also use the test kit where no cycle arises. */
function boundaries(tests) {
  const kit = tests ? ['type:testing'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        { sourceTag: 'type:finance', onlyDependOnLibsWithTags: ['type:finance'] },
        { sourceTag: 'type:charts', onlyDependOnLibsWithTags: ['type:charts'] },
        { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
        { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain'] },
        { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:domain', ...kit] },
        { sourceTag: 'type:storage', onlyDependOnLibsWithTags: ['type:domain', ...kit] },
        { sourceTag: 'type:outbox', onlyDependOnLibsWithTags: ['type:domain', 'type:storage', 'type:messaging', ...kit] },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:platform'] },
        { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:messaging', 'type:testing'] },
        {
          sourceTag: 'type:app',
          onlyDependOnLibsWithTags: ['type:domain', 'type:finance', 'type:charts', 'type:platform', 'type:messaging', 'type:storage', 'type:outbox', ...kit],
        },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', '**/.stryker-tmp/**', '**/reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/src/**/*.ts', '**/test/**/*.ts', '**/bench/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  {
    // Tests and benchmarks of libs that the kit does not import may use the test kit.
    files: ['**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
  {
    files: ['**/*.mjs', 'tools/**/*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
