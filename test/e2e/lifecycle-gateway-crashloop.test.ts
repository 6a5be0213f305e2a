/**
 * Issue 14: the P3 incident played through its whole lifecycle with real kubectl in real bash,
 * for several seeds: paged by a pod alert, the failing pods found, the crashed container's logs
 * read, the release found in the rollout history by its timing, rolled back, the rollout
 * watched, and the world resolved. Nothing is read from the scenario: every decision is made
 * from what the commands print.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

interface DrillState {
  phase: string;
  firingAlerts: string[];
  expectedSeverity: { severity: string };
  readings: { failingPods: number; speculationEnabled: boolean };
  resolution: { state: string; causeFixed: boolean; condition: string };
  harmfulActions: unknown[];
}

let sim: ServedSimulator | undefined;
let runs = 0;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function kubectl(args: string): string {
  runs++;
  const result = sim!.bash(`kubectl --cache-dir ${JSON.stringify(`${sim!.dataDir}/kube-cache-${runs}`)} ${args}`);
  expect(result.status, `kubectl ${args}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

const state = () => sim!.control<DrillState>('GET', '/_sim/state');
const advance = (ms: number) => sim!.control('POST', '/_sim/clock/advance', { ms });
const trainer = async (path: string, body?: unknown) => {
  const response = await fetch(`${sim!.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${sim!.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json() as Promise<Record<string, unknown>>;
};

/** Advances a minute at a time until `done` (at most `minutes`). */
async function until(done: (s: DrillState) => boolean, minutes: number): Promise<DrillState> {
  let current = await state();
  for (let minute = 0; minute < minutes && !done(current); minute++) {
    await advance(60_000);
    current = await state();
  }
  return current;
}

describe('gateway-crashloop, the whole lifecycle with real kubectl', () => {
  for (const seed of [2, 5, 11]) {
    it(`seed ${seed}: paged as a pod issue, fixed by rolling the release back, resolved`, async () => {
      sim = await startSimulator(['--clock', 'virtual', '--seed', String(seed), '--scenario', 'gateway-crashloop']);
      const paged = await until((s) => s.firingAlerts.includes('AgencPodsCrashLooping'), 90);
      expect(paged.firingAlerts).toContain('AgencPodsCrashLooping');
      // The matrix: single pod issues are P3 (business hours may raise it), never P1.
      expect(['P2', 'P3']).toContain(paged.expectedSeverity.severity);
      expect(paged.resolution.state).toBe('unresolved');

      // Which pods fail: read from kubectl's own columns.
      const pods = kubectl('get pods -n production --no-headers').trim().split('\n').map((line) => line.split(/\s+/));
      const restarting = pods.filter(([, , , restarts]) => Number(restarts) > 0).map(([name]) => name!);
      expect(restarting.length).toBeGreaterThan(0);
      const deployments = new Set(restarting.map((name) => name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')));
      expect([...deployments]).toEqual(['agenc-gateway']);
      const logs = sim.bash(`kubectl --cache-dir ${JSON.stringify(`${sim.dataDir}/kube-cache-logs`)} logs -n production ${restarting[0]} --previous --tail=20`);
      expect(logs.status, logs.stderr).toBe(0);

      // The rollout history: the newest revision is the release; the one before ran without restarts.
      const history = kubectl('rollout history deployment/agenc-gateway -n production');
      const revisions = history.split('\n').filter((line) => /^\d+\s/.test(line));
      expect(revisions.length).toBeGreaterThanOrEqual(2);
      expect(revisions.at(-1)).toMatch(/deploy agenc-gateway 2\.\d+\.\d+/);

      kubectl('rollout undo deployment/agenc-gateway -n production');
      await advance(2 * 60_000);
      expect(kubectl('rollout status deployment/agenc-gateway -n production --timeout=5s')).toMatch(/successfully rolled out/);
      const fixed = await state();
      expect(fixed.resolution.causeFixed).toBe(true);

      // Resolved: no pod failing for ten minutes, speculation untouched.
      const resolved = await until((s) => s.resolution.state === 'resolved', 30);
      expect(resolved.resolution.state).toBe('resolved');
      expect(resolved.readings.failingPods).toBe(0);
      expect(['mitigated', 'recovered']).toContain(resolved.phase);
      expect(resolved.harmfulActions).toEqual([]);
      await trainer('/trainer/declare', { state: 'resolved' });
      const view = await trainer('/trainer/state');
      expect((view.outcome as { passed: boolean; reasons: string[] }).reasons.filter((reason) => reason.includes('not restored'))).toEqual([]);
    });
  }

  it('declared resolved before the rollback: shown as not resolved, with what resolved means', async () => {
    sim = await startSimulator(['--clock', 'virtual', '--seed', '2', '--scenario', 'gateway-crashloop']);
    await until((s) => s.firingAlerts.includes('AgencPodsCrashLooping'), 90);
    kubectl('get pods -n production');
    await trainer('/trainer/declare', { state: 'resolved' });
    const view = await trainer('/trainer/state');
    const outcome = view.outcome as { passed: boolean; reasons: string[] };
    expect(outcome.passed).toBe(false);
    expect(outcome.reasons.join('\n')).toMatch(/not restored when it was declared resolved .*resolved means: the release rolled back/);
  });
});
