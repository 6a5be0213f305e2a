/**
 * Issue 17 item 1: a live drill survives `kill -9`. A real `gameday serve` is killed with
 * SIGKILL mid-drill and started again on the same port and data folder: the drill is rebuilt
 * from its inputs, `GET /_sim/state` (with the world's fingerprint) and the journal are what
 * they were, the tokens still work, and the runbook's commands go on working from real bash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { freePort, startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';
import { acknowledgeThePage, trainer } from './support/trainer-calls';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});


const journal = async (sim: ServedSimulator) =>
  ((await sim.control<{ entries: Array<Record<string, unknown>> }>('GET', '/_sim/journal?limit=10000')).entries ?? []).map(({ wallMs: _wall, at: _at, ...entry }) => entry);

/** Pages the drill, acknowledges, and acts through the runbook's own tools in real bash. */
async function workTheIncident(sim: ServedSimulator): Promise<void> {
  for (let minute = 0; minute < 60; minute++) {
    const state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
    if (state.paging.length > 0) break;
  }
  await acknowledgeThePage(sim);
  expect(sim.bash('agenc admin status').status).toBe(0);
  expect(sim.bash(`curl -sf -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": false}'`).status).toBe(0);
  expect(sim.bash(`kubectl --cache-dir ${JSON.stringify(`${sim.dataDir}/kube-cache-a`)} scale deployment proof-worker -n production --replicas=6`).status).toBe(0);
  expect(sim.bash('agenc admin gc --component speculation --force').status).toBe(0);
}

describe('a live drill survives kill -9', () => {
  for (const clock of ['virtual', 'realtime'] as const) {
    it(`on the ${clock} clock: same state, fingerprint and journal after the restart, and the runbook's commands go on`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gameday-live-'));
      dirs.push(dataDir);
      const port = await freePort();
      const args = ['--clock', clock, '--speed', '1', '--scenario', 'rollback-storm', '--seed', '4242', '--port', String(port)];
      let sim = await startSimulator(args, { dataDir });
      const tokens = { admin: sim.adminToken, facilitator: sim.facilitatorToken };
      try {
        await workTheIncident(sim);
        // The realtime clock is paused before the kill, so the two states can be compared exactly.
        if (clock === 'realtime') await sim.control('POST', '/_sim/clock/pause');
        const before = await sim.control<DrillState>('GET', '/_sim/state');
        const beforeJournal = await journal(sim);
        expect(before.fingerprint).toMatch(/^[0-9a-f]{16}$/);
        await sim.stop('SIGKILL');

        sim = await startSimulator(args, { dataDir, tokens });
        expect(await startupLine(sim, /live drill .*/)).toMatch(/live drill +rollback-storm: resumed where it was \(\d+ inputs replayed in \d+ ms\)/);
        const after = await sim.control<DrillState>('GET', '/_sim/state');
        expect(after).toEqual(before);
        expect(await journal(sim)).toEqual(beforeJournal);
        if (clock === 'realtime') {
          await sim.control('POST', '/_sim/clock/resume');
          const started = Date.now();
          let moved = after.clock.simMs;
          while (moved <= after.clock.simMs && Date.now() - started < 5_000) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            moved = (await sim.control<DrillState>('GET', '/_sim/state')).clock.simMs;
          }
          expect(moved).toBeGreaterThan(after.clock.simMs);
        }
        // The same tokens, and the runbook's tools from the same folder, go on.
        expect(sim.bash('agenc admin status').status).toBe(0);
        expect(sim.bash(`kubectl --cache-dir ${JSON.stringify(`${sim.dataDir}/kube-cache-b`)} get deployment proof-worker -n production -o jsonpath='{.spec.replicas}'`).stdout).toBe('6');
        expect((await trainer(sim, 'POST', '/trainer/severity', { severity: 'P2', answers: {} })).status).toBe(200);
      } finally {
        await sim.stop();
      }
    }, 120_000);
  }

  it('started again with a different --scenario: the live drill is ended, said so, and the drill asked for runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-live-'));
    dirs.push(dataDir);
    const port = await freePort();
    let sim = await startSimulator(['--clock', 'virtual', '--scenario', 'rollback-storm', '--seed', '4242', '--port', String(port)], { dataDir });
    try {
      await sim.control('POST', '/_sim/clock/advance', { ms: 60_000 });
      await sim.stop('SIGKILL');
      sim = await startSimulator(['--clock', 'virtual', '--scenario', 'memory-exhaustion', '--port', String(port)], { dataDir });
      expect(await startupLine(sim, /live drill .*/)).toMatch(/live drill +rollback-storm \(seed 4242\) ended: you asked for --scenario memory-exhaustion; starting the drill asked for/);
      const state = await sim.control<DrillState>('GET', '/_sim/state');
      expect(state.scenario.id).toBe('memory-exhaustion');
      expect(state.clock.simMs).toBe(0);
    } finally {
      await sim.stop();
    }
  }, 60_000);
});
