import { defineConfig } from 'vitest/config';

// Two tiers (CONVENTIONS 12): package tests beside the code, end-to-end tests in test/ that
// start the built server and drive it with real bash, curl, kubectl and a browser. The groups run
// in order: unit and UI tests, then end-to-end files two at a time, then the wall-clock ones alone.
/**
 * End-to-end files that time the wall clock itself (the realtime clock against wall time within
 * 100 ms, lease expiry and takeover, a realtime drain stopped with Ctrl+C, a kill -9 replayed at
 * its recorded moments): run alone, after everything else, so no other file's load is in their
 * measurements.
 */
const serialEndToEnd = ['test/e2e/clock-after-skip.test.ts', 'test/e2e/live-restart.test.ts', 'test/e2e/game-day-restart.test.ts', 'test/e2e/fleet-takeover.test.ts', 'test/e2e/terminal-runbook.browser.test.ts'];

export default defineConfig({
  resolve: { conditions: ['gameday-source'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
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
          sequence: { groupOrder: 0 },
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
          exclude: [...serialEndToEnd, '**/node_modules/**'],
          testTimeout: 90_000,
          environment: 'node',
          hookTimeout: 60_000,
          // Two files at a time on a 2-core machine: each is mostly waiting on its own servers,
          // shells and browser. Measured: 296 s against ~600 s one at a time, green both ways.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-serial',
          include: serialEndToEnd,
          testTimeout: 90_000,
          environment: 'node',
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
