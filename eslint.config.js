import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['eslint.config.js', '**/dist/**', '**/node_modules/**', '.gameday/**', '**/*.mjs', 'packages/*/build.js', 'test/bench/**', 'packages/*/bin/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Fastify route handlers and plugins are async by convention (fastify/demo): returning a
      // value from an async handler is how a reply is sent, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      // One front door per package (CONVENTIONS 1): never reach into another package's src.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@gameday/*/src/*', '**/simulator/src/*', '**/scenarios/src/*'], message: 'Import the package by name; its src/index.ts is its front door.' }] },
      ],
    },
  },
);
