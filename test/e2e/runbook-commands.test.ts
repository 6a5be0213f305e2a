/**
 * Issue 2: every command of the runbook's bash blocks, unmodified, in real bash with real curl
 * and real kubectl, against `gameday serve` on a free port: each exits 0 and has its
 * documented effect on the world.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { runbookBlocks } from './support/runbook-blocks';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator;

beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '2025']);
});
afterAll(async () => {
  await sim.stop();
});

const state = () => sim.control<DrillState>('GET', '/_sim/state');
const advance = (ms: number) => sim.control('POST', '/_sim/clock/advance', { ms });

interface Effect {
  pattern: RegExp;
  check(result: { stdout: string; stderr: string }): Promise<void> | void;
}

/** What each runbook command must do to the world, beyond exiting 0. */
const effects: Effect[] = [
  { pattern: /^agenc admin status --component speculation/, check: ({ stdout }) => expect(stdout).toMatch(/Status:\s+(HEALTHY|DEGRADED|CRITICAL|DISABLED|DRAINING)/) },
  {
    pattern: /^curl -s localhost:9090\/metrics \| grep -E/,
    check: ({ stdout }) => {
      for (const series of ['speculation_active_tasks', 'speculation_rollback_rate', 'speculation_rollbacks_total', 'speculation_errors_total']) expect(stdout).toContain(series);
    },
  },
  {
    pattern: /^kubectl get pods -n production -l component=speculation$/,
    check: ({ stdout }) => {
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(lines.slice(1).filter((line) => line.startsWith('speculation-engine-'))).toHaveLength(3);
    },
  },
  { pattern: /^agenc speculation stuck --threshold 1m$/, check: ({ stdout }) => expect(stdout).toMatch(/No speculative tasks running longer than|running longer than/) },
  {
    pattern: /-d '\{"speculation.enabled": false\}'$/,
    check: async ({ stdout }) => {
      expect(JSON.parse(stdout)).toMatchObject({ applied: { 'speculation.enabled': false } });
      expect((await state()).config['speculation.enabled']).toBe(false);
    },
  },
  {
    pattern: /-d '\{"speculation.max_depth": 1, "speculation.features.rollout_percentage": 1\}'$/,
    check: async () => expect((await state()).config).toMatchObject({ 'speculation.max_depth': 1, 'speculation.features.rollout_percentage': 1 }),
  },
  { pattern: /-d '\{"speculation.max_depth": 2\}'$/, check: async () => expect((await state()).config['speculation.max_depth']).toBe(2) },
  { pattern: /-d '\{"speculation.features.rollout_percentage": 25\}'$/, check: async () => expect((await state()).config['speculation.features.rollout_percentage']).toBe(25) },
  { pattern: /^\.\/scripts\/speculation-health\.sh$/, check: ({ stdout }) => expect(stdout).toContain('== speculation pods') },
  {
    pattern: /admin\/speculation\/drain/,
    check: async ({ stdout }) => {
      expect(JSON.parse(stdout)).toMatchObject({ status: 'drained' });
      const drill = await state();
      expect(drill.readings.activeTasks).toBe(0);
      const journal = await sim.control<{ entries: Array<{ action: string }> }>('GET', '/_sim/journal?source=sim');
      expect(journal.entries.some((entry) => entry.action === 'clock.skip')).toBe(true);
    },
  },
  {
    pattern: /^agenc speculation rollbacks --since 10m --verbose \| head -50$/,
    check: ({ stdout }) => {
      expect(stdout).toMatch(/^Rollbacks in the last 10m: /);
      expect(stdout.trim().split('\n').length).toBeLessThanOrEqual(50);
    },
  },
  { pattern: /^agenc admin gc --component speculation --force$/, check: ({ stdout }) => expect(stdout).toMatch(/^Forced full GC on 3 speculation pod/) },
  {
    pattern: /^agenc speculation snapshots clear --older-than 30m --confirm$/,
    check: ({ stdout }) => expect(stdout).toMatch(/^Deleted \d[\d,]* snapshot\(s\) older than 30m/),
  },
  { pattern: /^agenc proof-worker status$/, check: ({ stdout }) => expect(stdout).toMatch(/^Proof workers:\s+\d+\/\d+ ready/) },
  {
    pattern: /^kubectl scale deployment proof-worker -n production --replicas=16$/,
    check: async ({ stdout }) => {
      expect(stdout.trim()).toBe('deployment.apps/proof-worker scaled');
      // New pods wait up to a minute for node capacity (Pending), then start.
      await advance(100_000);
      expect(sim.bash('kubectl get deployment proof-worker -n production').stdout).toMatch(/proof-worker\s+16\/16\s+16\s+16/);
    },
  },
  { pattern: /^agenc proof-worker timeout --older-than 10m$/, check: ({ stdout }) => expect(stdout).toMatch(/^Timed out \d+ stuck proof/) },
  {
    pattern: /^kubectl scale deployment agenc-worker -n production --replicas=0$/,
    check: async ({ stdout }) => {
      expect(stdout.trim()).toBe('deployment.apps/agenc-worker scaled');
      await advance(35_000);
      const pods = sim.bash('kubectl get pods -n production -l component=worker');
      expect(pods.stderr).toContain('No resources found in production namespace.');
    },
  },
  { pattern: /^agenc admin check-integrity --component speculation --full$/, check: ({ stdout }) => expect(stdout).toMatch(/^Integrity check \(full\) of speculation: (OK|FAILED)/) },
  {
    pattern: /^agenc stake status > stake_snapshot_/,
    check: ({ stdout }) => {
      expect(stdout).toBe('');
      const listing = sim.bash('ls stake_snapshot_*.txt').stdout.trim().split('\n');
      const drillDir = sim.bash('pwd').stdout.trim();
      const file = join(drillDir, listing[listing.length - 1]!);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/^Validator:\s+agenc-validator-/);
    },
  },
  { pattern: /^agenc stake slashing-history --since 24h$/, check: ({ stdout }) => expect(stdout).toMatch(/slashing event/) },
];

const blocks = runbookBlocks();
/** Journal counts by source, gathered per block (a reset starts a fresh journal). */
const sourcesSeen: Record<string, number> = {};

describe('the runbook, command by command, against gameday serve', () => {
  it('finds the runbook blocks (9 of them, 26 commands)', () => {
    expect(blocks).toHaveLength(9);
    expect(blocks.flatMap((block) => block.commands)).toHaveLength(26);
  });

  describe.each(blocks.map((block, index) => [`${index + 1}: ${block.section}`, block] as const))('block %s', (_name, block) => {
    beforeAll(async () => {
      // Each block starts from a fresh, warmed-up baseline, as a drill would.
      await sim.control('POST', '/_sim/reset');
      await advance(120_000);
    });
    afterAll(async () => {
      const journal = await sim.control<{ counters: { bySource: Record<string, number> } }>('GET', '/_sim/journal?limit=1');
      for (const [source, count] of Object.entries(journal.counters.bySource)) sourcesSeen[source] = (sourcesSeen[source] ?? 0) + count;
    });

    it.each(block.commands.map((command) => [command.split('\n')[0]!, command] as const))('%s', async (_first, command) => {
      const effect = effects.find((candidate) => candidate.pattern.test(command.replace(/\\\n\s*/g, '')));
      expect(effect, `no documented effect is known for: ${command}`).toBeDefined();
      const result = sim.bash(command);
      expect(result.status, `exit status of ${command}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
      await effect!.check(result);
    });
  });

  it('journaled every command with its source', () => {
    for (const source of ['admin', 'agenc', 'kube', 'metrics']) expect(sourcesSeen[source], source).toBeGreaterThan(0);
  });

  it('shuts down cleanly on SIGTERM and removes its serve record', async () => {
    const serveDir = join(sim.dataDir, 'private', 'serve');
    expect(readdirSync(serveDir)).toContain(`${sim.port}.json`);
    const code = await sim.stop();
    expect(code).toBe(0);
  });
});
