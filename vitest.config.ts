import { defineConfig } from 'vitest/config';

// Two tiers (CONVENTIONS 12): package tests beside the code, end-to-end tests in test/ that
// start the built server and drive it with real bash, curl, kubectl and a browser.
export default defineConfig({
  resolve: { conditions: ['gameday-source'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'scenarios/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
