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
          // The trainer UI's tests, .ts ones included, run once, in the browser-like project below.
          exclude: ['packages/trainer-ui/**', '**/node_modules/**'],
          environment: 'node',
          // Several tests play whole drills with their counterfactual runs; on a busy 2-core box
          // 5 s is the machine's load, not the test's verdict.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'ui',
          include: ['packages/trainer-ui/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['packages/trainer-ui/src/test-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/prometheus/**/*.test.ts'],
          testTimeout: 90_000,
          environment: 'node',
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
