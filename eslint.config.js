import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerConfig } from './eslint.layers.js';

/** One front door per package (CONVENTIONS 1): never reach into another package's src. */
const frontDoorOnly = { group: ['@gameday/*/src/*', '**/simulator/src/*', '**/scenarios/src/*'], message: 'Import the package by name; its src/index.ts is its front door.' };

export default tseslint.config(
  { ignores: ['eslint.config.js', 'eslint.layers.js', '**/dist/**', '**/node_modules/**', '.gameday/**', '**/*.mjs', 'packages/*/build.js', 'test/bench/**', 'packages/*/bin/**'] },
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
      'no-restricted-imports': ['error', { patterns: [frontDoorOnly] }],
    },
  },
  {
    // The scenarios are the bottom layer: the simulator gives them readings, never its code.
    files: ['scenarios/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@gameday/simulator', '@gameday/trainer-ui'].map((name) => ({ name, message: 'The scenarios are the bottom layer: the simulator depends on them, never the reverse.' })),
          patterns: [frontDoorOnly],
        },
      ],
    },
  },
  // The layers and their arrows (CONVENTIONS 21): eslint.layers.js.
  layerConfig,
);
