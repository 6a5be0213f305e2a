/**
 * Issue 14: INC-SPEC-002 played through its whole lifecycle against a real `gameday serve`, with
 * the runbook's commands in real bash (agenc, curl, kubectl 1.32 with a discovery cache of its
 * own): paged, stabilised with the Immediate Actions, the cause found from evidence (a release
 * minutes old in `kubectl get rs` and `rollout history`, or none: growth), fixed (`rollout undo`,
 * or `set resources` for a bigger limit; on hard also the raised snapshot retention put back),
 * recovered by the runbook's Recovery (tune snapshot limits, depth back a step at a time), and
 * resolved as the world reads it. A drill declared resolved right after mitigation is not passed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drillShell } from './support/drill-shell';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

interface DrillState {
  phase: string;
  firingAlerts: string[];
  readings: { memoryRatio: number; oomKilledPods: number; speculationEnabled: boolean; maxDepth: number; speculationPodsOutdated: number };
  resolution: { state: 'unresolved' | 'restoring' | 'resolved'; causeFixed: boolean; condition: string };
  harmfulActions: unknown[];
}
interface TraineeState {
  outcome: { passed: boolean; reasons: string[] } | null;
}

let sim: ServedSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const { bash, kubectl, config, state, advance, advanceUntil } = drillShell<DrillState>(() => sim!);

/** kubectl's AGE column (`75s`, `4m12s`, `3h`, `5d3h`) in seconds. */
function ageSeconds(age: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, y: 31_536_000 };
  let total = 0;
  for (const [, value, unit] of age.matchAll(/(\d+)([smhdy])/g)) total += Number(value) * units[unit!]!;
  return total;
}

async function pagedAndStabilised(seed: number, difficulty: string): Promise<DrillState> {
  sim = await startSimulator(['--clock', 'virtual', '--seed', String(seed), '--scenario', 'memory-exhaustion', '--difficulty', difficulty]);
  // Page: the memory alert fires (with its `for:`), within the hour.
  let drill = await advanceUntil((now) => now.firingAlerts.includes('SpeculationMemoryExhaustion'), 60);
  expect(drill.firingAlerts).toContain('SpeculationMemoryExhaustion');
  expect(drill.readings.memoryRatio > 0.95 || drill.readings.oomKilledPods > 0).toBe(true);
  // Stabilise: the runbook's Immediate Actions, as written.
  bash('agenc admin gc --component speculation --force');
  bash('agenc speculation snapshots clear --older-than 30m --confirm');
  config('{"speculation.max_depth": 2}');
  drill = await advanceUntil((now) => now.phase === 'mitigated', 15);
  expect(drill.phase).toBe('mitigated');
  expect(drill.readings.memoryRatio).toBeLessThan(0.8);
  expect(drill.resolution.state).toBe('unresolved');
  return drill;
}

describe.each([
  [2, 'normal'],
  [3, 'normal'],
  [1, 'normal'],
  [2, 'hard'],
])('memory exhaustion, seed %i (%s): the whole lifecycle', (seed, difficulty) => {
  it('paged, stabilised, cause found from evidence and fixed, recovered step by step, resolved', async () => {
    await pagedAndStabilised(seed, difficulty);

    // Find the cause. `get rs` gives each revision's age; `rollout history` its change-cause.
    const replicaSets = kubectl('get rs -n production -l component=speculation --no-headers')
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .map(([name, , , , age]) => ({ name: name!, ageSeconds: ageSeconds(age!) }));
    const newest = replicaSets.sort((a, b) => a.ageSeconds - b.ageSeconds)[0]!;
    const history = kubectl('rollout history deployment/speculation-engine -n production');
    const lastRevision = history.trim().split('\n').at(-1)!;
    const events = kubectl('get events -n production --field-selector involvedObject.kind=Deployment');
    const drillMinutes = ((await state()).readings as unknown as { simMs: number }).simMs / 60_000;
    const releasedDuringDrill = newest.ageSeconds < drillMinutes * 60;

    if (releasedDuringDrill) {
      // A release landed minutes before memory started climbing: its revision, its rollout events.
      expect(lastRevision).toMatch(/^\d+\s+deploy agenc\/speculation-engine:2\.14\.4 \(snapshot compaction rework, release pipeline #\d+\)$/);
      expect(events).toContain(`Scaled up replica set ${newest.name}`);
      bash('kubectl rollout undo deployment/speculation-engine -n production');
    } else {
      // No release for days: the working set grew with the work. A bigger limit, and bounded snapshots.
      expect(events).not.toContain('Scaled up replica set');
      const top = kubectl('top pods -n production -l component=speculation --no-headers');
      expect(top.trim().split('\n').length).toBeGreaterThanOrEqual(1);
      bash('kubectl set resources deployment/speculation-engine -n production --limits=memory=8Gi');
    }
    // On hard: the running config has a snapshot retention someone raised; put it back.
    const running = JSON.parse(bash('curl -sf http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"')) as Record<string, unknown>;
    const retention = (running.config as Record<string, number> | undefined)?.['speculation.snapshots.retention_minutes'] ?? running['speculation.snapshots.retention_minutes'];
    expect(typeof retention).toBe('number');
    if ((retention as number) > 20) config('{"speculation.snapshots.retention_minutes": 20}');
    expect((retention as number) > 20).toBe(difficulty === 'hard');

    // The rollout replaces the pods one by one; the cause is gone with the last of the old ones.
    let drill = await advanceUntil((now) => now.readings.speculationPodsOutdated === 0 && now.resolution.causeFixed, 10);
    expect(drill.readings.speculationPodsOutdated).toBe(0);
    expect(drill.resolution.causeFixed).toBe(true);
    const images = kubectl(`get pods -n production -l component=speculation -o jsonpath='{.items[*].spec.containers[0].image}'`);
    if (releasedDuringDrill) expect(images).not.toContain('2.14.4');

    // Recovery: tune snapshot limits, then depth back a step at a time.
    config('{"speculation.snapshots.max_count": 2000}');
    await advance(3 * 60_000);
    config('{"speculation.max_depth": 3}');
    await advance(3 * 60_000);
    config('{"speculation.max_depth": 4}');
    drill = await advanceUntil((now) => now.resolution.state !== 'unresolved', 10);
    expect(drill.resolution.state).toBe('restoring');
    drill = await advanceUntil((now) => now.resolution.state === 'resolved', 20);
    expect(drill.resolution.state).toBe('resolved');
    expect(drill.phase).toBe('recovered');
    expect(drill.readings).toMatchObject({ speculationEnabled: true, maxDepth: 4, oomKilledPods: 0 });
    expect(drill.readings.memoryRatio).toBeLessThan(0.75);
    expect(drill.harmfulActions).toEqual([]);

    const declared = bash(`curl -sf -X POST ${sim!.url}/trainer/declare -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' -d '{"state":"resolved"}'`);
    expect(JSON.parse(declared)).toMatchObject({ state: 'resolved' });
    const outcome = (await (await fetch(`${sim!.url}/trainer/state`, { headers: { authorization: `Bearer ${sim!.adminToken}` } })).json()) as TraineeState;
    expect(outcome.outcome?.reasons.filter((reason) => reason.startsWith('the service was not restored'))).toEqual([]);
  }, 180_000);
});

describe('memory exhaustion: a drill that stops at mitigation', () => {
  it('declared resolved after only the Immediate Actions is not passed, and says what resolved means', async () => {
    await pagedAndStabilised(3, 'normal');
    const auth = { authorization: `Bearer ${sim!.adminToken}`, 'content-type': 'application/json' };
    const declared = await fetch(`${sim!.url}/trainer/declare`, { method: 'POST', headers: auth, body: '{"state":"resolved"}' });
    expect(declared.status).toBe(200);
    const view = (await (await fetch(`${sim!.url}/trainer/state`, { headers: auth })).json()) as TraineeState;
    expect(view.outcome?.passed).toBe(false);
    expect(view.outcome?.reasons.join('\n')).toMatch(/the service was not restored when it was declared resolved \(mitigated, not resolved\); resolved means: memory below 75% of the limit/);
    expect((await state()).resolution.state).toBe('unresolved');
  }, 120_000);
});
