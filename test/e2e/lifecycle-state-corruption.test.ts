/**
 * Issue 14: INC-SPEC-004 played through its whole lifecycle against a real `gameday serve`, with
 * the runbook's commands in real bash (curl, kubectl 1.32 with a discovery cache of its own,
 * agenc): paged by the integrity alert, stabilised (speculation off, workers stopped, a full
 * check for the scope), the fix seen rolling out (`kubectl rollout history` shows the engine
 * team's 2.14.5 "fix concurrent commit race", its pods replace the old ones), the data validated
 * by a clean full integrity check (after the data team's restore), then the Recovery: workers
 * back, speculation at max_depth 1 and deepened a step at a time, until the world is resolved.
 * A drill declared resolved right after mitigation is not passed. On hard (seed 13), a teammate
 * loosened commit validation before onset: the responder finds it in `agenc config history` and
 * in the engine's commit log lines, and puts it back to strict, or the drill never resolves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drillShell } from './support/drill-shell';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

interface DrillState {
  phase: string;
  firingAlerts: string[];
  readings: { speculationEnabled: boolean; maxDepth: number; agencWorkersReady: number; speculationPodsOutdated: number };
  resolution: { state: 'unresolved' | 'restoring' | 'resolved'; causeFixed: boolean };
  harmfulActions: unknown[];
}

let sim: ServedSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const { bash, kubectl, config, advance, advanceUntil } = drillShell<DrillState>(() => sim!);

/** The number of inconsistent records a full check reports, from agenc's own output. */
function fullCheck(): number {
  const out = bash('agenc admin check-integrity --component speculation --full -o json');
  const parsed = JSON.parse(out) as Record<string, unknown>;
  const result = parsed as { corruptedRecords?: number };
  expect(typeof result.corruptedRecords, out).toBe('number');
  return result.corruptedRecords!;
}

async function pagedAndStabilised(seed: number, difficulty = 'normal'): Promise<void> {
  sim = await startSimulator(['--clock', 'virtual', '--seed', String(seed), '--scenario', 'state-corruption', '--difficulty', difficulty]);
  const paged = await advanceUntil((now) => now.firingAlerts.includes('SpeculationStateCorruption'), 60);
  expect(paged.firingAlerts).toContain('SpeculationStateCorruption');
  config('{"speculation.enabled": false}');
  kubectl('scale deployment agenc-worker -n production --replicas=0');
  expect(fullCheck()).toBeGreaterThan(0);
  const drill = await advance(60_000);
  expect(drill.phase).toBe('mitigated');
  expect(drill.readings.speculationEnabled).toBe(false);
  expect(drill.resolution.state).toBe('unresolved');
}

/** After stabilising: the fix rolling out, a clean full check, Recovery a step at a time, resolved. */
async function fixedValidatedRecovered(): Promise<void> {
  // The fix arrives as a release a responder sees in the rollout history.
  let drill = await advanceUntil(() => /fix concurrent commit race/.test(kubectl('rollout history deployment/speculation-engine -n production')), 70, 5);
  expect(kubectl('rollout history deployment/speculation-engine -n production').trim().split('\n').at(-1)).toMatch(/^\d+\s+deploy agenc\/speculation-engine:2\.14\.5 \(fix concurrent commit race, release pipeline #\d+\)$/);
  drill = await advanceUntil(() => !kubectl(`get pods -n production -l component=speculation -o jsonpath='{.items[*].spec.containers[0].image}'`).includes('2.14.3'), 10);
  drill = await advanceUntil((now) => now.resolution.causeFixed, 2);
  expect(drill.resolution.causeFixed).toBe(true);
  expect(drill.readings.speculationPodsOutdated).toBe(0);

  // Validate all data before re-enabling: a clean full check (once the data team's restore is done).
  let clean = false;
  for (let attempt = 0; attempt < 10 && !clean; attempt++) {
    clean = fullCheck() === 0;
    if (!clean) await advance(3 * 60_000);
  }
  expect(clean).toBe(true);

  // Recovery: workers back, speculation at depth 1, then a step at a time.
  kubectl('scale deployment agenc-worker -n production --replicas=4');
  config('{"speculation.enabled": true, "speculation.max_depth": 1}');
  for (const depth of [2, 3, 4]) {
    await advance(3 * 60_000);
    config(`{"speculation.max_depth": ${depth}}`);
  }
  drill = await advanceUntil((now) => now.resolution.state === 'resolved', 20);
  expect(drill.resolution.state).toBe('resolved');
  expect(drill.phase).toBe('recovered');
  expect(drill.readings).toMatchObject({ speculationEnabled: true, maxDepth: 4 });
  expect(drill.readings.agencWorkersReady).toBeGreaterThan(0);
  expect(drill.harmfulActions).toEqual([]);
}

describe.each([13, 21, 34])('state corruption, seed %i: the whole lifecycle', (seed) => {
  it('paged, stabilised, the fix seen rolling out, data validated, recovered step by step, resolved', async () => {
    await pagedAndStabilised(seed);
    await fixedValidatedRecovered();
  }, 240_000);
});

describe('state corruption, hard, seed 13: a second cause in the config history', () => {
  it('loosened commit validation found from evidence and put back to strict, then the whole lifecycle to resolved', async () => {
    await pagedAndStabilised(13, 'hard');
    // The engine's commit lines say how read sets are checked; the config history says who changed it, when and why.
    const logs = kubectl('logs deployment/speculation-engine -n production --tail=2000');
    expect(logs).toMatch(/committed speculative batch .*read sets (checked 1 in 8|not checked)/);
    const history = bash('agenc config history --since 2h');
    const change = /speculation\.commit_validation: strict -> (sampled|off)/.exec(history);
    expect(change, history).not.toBeNull();
    expect(history).not.toMatch(/root cause|\bcause\b/i);
    config('{"speculation.commit_validation": "strict"}');
    expect(bash('agenc config history --since 5m')).toMatch(/speculation\.commit_validation: (sampled|off) -> strict/);
    await fixedValidatedRecovered();
  }, 240_000);
});

describe('state corruption: a drill that stops at mitigation', () => {
  it('declared resolved after only the Immediate Actions is not passed', async () => {
    await pagedAndStabilised(13);
    const auth = { authorization: `Bearer ${sim!.adminToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${sim!.url}/trainer/declare`, { method: 'POST', headers: auth, body: '{"state":"resolved"}' })).status).toBe(200);
    const view = (await (await fetch(`${sim!.url}/trainer/state`, { headers: auth })).json()) as { outcome: { passed: boolean; reasons: string[] } | null };
    expect(view.outcome?.passed).toBe(false);
    expect(view.outcome?.reasons.join('\n')).toMatch(/the service was not restored when it was declared resolved \(mitigated, not resolved\); resolved means: with the fix rolled out/);
  }, 120_000);
});
