// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'bench/results/**', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name="only"]',
          message: 'Focused tests hide the rest of the suite.',
        },
      ],
    },
  },
  // Module boundaries: a module is reached only through its index.ts (its public surface). From a
  // file `depth` folders below its module folder, `../` climbs `depth + 1` times to src/modules/; any
  // path that goes on into a folder there is a deep import into some module.
  ...[0, 1, 2, 3].map((depth) => ({
    files: [`src/modules/*/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth + 1}}[a-z-]+/`,
              message: "Another module is reached through its index.ts only (import '../<module>').",
            },
            {
              regex: `^(\\.\\./){${depth + 2}}modules/[a-z-]+/`,
              message: "Another module is reached through its index.ts only (import '../<module>').",
            },
          ],
        },
      ],
    },
  })),
  {
    // Outside the modules (app wiring, shared domain), modules are reached through their index.ts too.
    files: ['src/*.ts', 'src/domain/**/*.ts', 'src/swagger/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)modules/[a-z-]+/.',
              message: "A module is reached through its index.ts only (import './modules/<module>').",
            },
          ],
        },
      ],
    },
  },
  {
    // Shared code never reaches into the application.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)src/', message: 'libs/ must not import from src/.' }] },
      ],
    },
  },
);
