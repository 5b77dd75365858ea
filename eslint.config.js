// Lint: zero warnings, floating promises are errors (see package.json "lint").
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import { builtinRules } from 'eslint/use-at-your-own-risk';

/** No function over 80 lines (blank and comment lines aside). */
const functionLength = { max: 80, skipBlankLines: true, skipComments: true };

const TEST_BLOCKS = new Set([
  'describe',
  'it',
  'test',
  'beforeAll',
  'beforeEach',
  'afterAll',
  'afterEach',
]);

/** The callee's leftmost name: `test.describe.serial(...)` -> test. */
function calleeRoot(node) {
  while (node.type === 'MemberExpression' || node.type === 'CallExpression') {
    node = node.type === 'MemberExpression' ? node.object : node.callee;
  }
  return node.type === 'Identifier' ? node.name : undefined;
}

/**
 * max-lines-per-function for test files: a describe/it/test block may be long (it lists cases),
 * the helper functions beside them may not.
 */
const helperFunctionLength = {
  meta: builtinRules.get('max-lines-per-function').meta,
  create(context) {
    const isTestBlock = (node) =>
      node.parent?.type === 'CallExpression' &&
      node.parent.arguments.includes(node) &&
      TEST_BLOCKS.has(calleeRoot(node.parent.callee));
    const filtered = Object.create(context, {
      report: { value: (descriptor) => isTestBlock(descriptor.node) || context.report(descriptor) },
    });
    return builtinRules.get('max-lines-per-function').create(filtered);
  },
};

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'models/',
      'public/catalog/',
      '.cache/',
      'src/shared/search/generated/',
      'test-results/',
      'playwright-report/',
      'tests/fixtures/generated/',
      'docs/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.worker.json', './tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-lines-per-function': ['error', functionLength],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/e2e/**/*.spec.ts'],
    plugins: { lookalike: { rules: { 'helper-function-length': helperFunctionLength } } },
    rules: {
      'max-lines-per-function': 'off',
      'lookalike/helper-function-length': ['error', functionLength],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    // The page reaches the worker through src/engine-api and the API's type only.
    files: ['src/ui/**', 'src/main.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/worker/**'],
              allowTypeImports: true,
              message:
                'The page imports only types from src/worker; shared code lives in src/engine-api.',
            },
          ],
        },
      ],
    },
  },
);
