import js from '@eslint/js';
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// @nx/enforce-module-boundaries reads the cached project graph and, when there is none (a fresh
// clone, a deleted .nx/), skips with only a warning: create it first. Not when Nx runs this, which
// has just written it for the lint task, or is computing it (its ESLint plugin loads this file).
if (!process.env.NX_TASK_TARGET_PROJECT && !globalThis.NX_GRAPH_CREATION) {
  await createProjectGraphAsync();
}

/** Which library types a project of each type may import. */
const productionTypeRules = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:domain',
      'type:contract',
      'type:util',
    ],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:domain',
      'type:contract',
      'type:util',
    ],
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:contract', 'type:util'],
  },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:util'] },
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
];

/**
 * `type:testing` libraries (fakes of external providers, test kits, harnesses under libs/testing)
 * may use anything, and only tests may use them: production code never imports one, so none can
 * reach an image. Test files of any project get `type:testing` added to what they may import.
 */
const typeRules = (testFiles) => [
  ...productionTypeRules.map((rule) => ({
    ...rule,
    onlyDependOnLibsWithTags: testFiles
      ? [...rule.onlyDependOnLibsWithTags, 'type:testing']
      : rule.onlyDependOnLibsWithTags,
  })),
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
];

/** A service's code never reaches into another service's libraries. */
const scopeRules = ['gateway', 'rentals', 'payments', 'notifications'].map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
}));

/**
 * A library's own integration tests use the test kit built on it (the kit imports the library, the
 * tests import the kit): a cycle in the project graph through test files only, declared here.
 */
const testKitCycles = [
  ['platform-messaging', 'testing-messaging'],
  ['platform-queue', 'testing-queue'],
];

const moduleBoundaries = ({ testFiles }) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    allow: [],
    ignoredCircularDependencies: testKitCycles,
    depConstraints: [
      ...typeRules(testFiles),
      ...scopeRules,
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '.cache/**',
      '.nx/**',
      'coverage/**',
      // Written by `npm run api:generate` (hey-api); `npm run api:check` keeps it current instead.
      'libs/sdk/src/generated/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: false }),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='forwardRef']",
          message: 'Module cycles are design bugs: remove the cycle instead of forwardRef.',
        },
      ],
    },
  },
  {
    // `apps/<app>/test/`, `libs/<domain>/<lib>/test/`: what integration specs share (kits, a process
    // to kill); never built.
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      'e2e/**/*.ts',
      'apps/*/test/**/*.ts',
      'libs/*/*/test/**/*.ts',
    ],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: true }) },
  },
  {
    // process.env is read in exactly one place: the config library (tests and tools may set it).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      'libs/platform/config/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      'libs/testing/**',
      'apps/*/test/**',
      'libs/*/*/test/**',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through @rentguy/platform/config.',
        },
      ],
    },
  },
  prettier,
  {
    // Plain JavaScript run by Node (infra, dev, test and bench scripts): no type-aware rules. After
    // `prettier`, which turns `curly` off (it is safe with prettier when set to 'all').
    files: ['tools/**/*.js', 'tools/**/*.mjs', 'tools/**/*.cjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
    },
  },
  { files: ['tools/**/*.js', 'tools/**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
);
