/**
 * Issue 3: each incident with the world's physics, through the real app. Left alone it reaches
 * its critical phase and pages; the runbook's Immediate Actions, sent the way the runbook sends
 * them, reach the scenario's mitigated condition within its deadline; a harmful action makes it
 * measurably worse than the same drill without it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { alertNames, findScenario, readingsSatisfy, type ScenarioSpec } from '@gameday/scenarios';
import { adminAuth, buildTestServer } from '../http/test-server';
import type { Drill } from './drill';

const opened: Array<{ server: FastifyInstance; drill: Drill }> = [];
afterEach(async () => {
  for (const { server, drill } of opened.splice(0)) {
    await server.close();
    drill.stop();
  }
});

async function drillOf(scenario: string, seed = 11, difficulty: 'easy' | 'normal' | 'hard' = 'normal') {
  const built = await buildTestServer({ scenario, seed, difficulty });
  opened.push(built);
  return built;
}

function spec(scenario: string): ScenarioSpec {
  return findScenario(scenario)!.spec!;
}

/** Advances a second at a time until `done` or `maxMs`; returns the simulated ms it took. */
function runUntil(drill: Drill, done: () => boolean, maxMs: number): number {
  const from = drill.clock.now();
  while (!done() && drill.clock.now() - from < maxMs) drill.clock.advanceBy(1000);
  return drill.clock.now() - from;
}

const paging = (drill: Drill, scenario: string) => () => alertNames(spec(scenario)).some((alert) => drill.world.alerts.firing().includes(alert));

/** Holds `condition` for its `forMs`, checked every simulated second, within `withinMs`. */
function reachesCondition(drill: Drill, scenario: string, withinMs: number): boolean {
  const condition = spec(scenario).mitigated;
  let heldSince: number | undefined;
  const from = drill.clock.now();
  while (drill.clock.now() - from < withinMs) {
    drill.clock.advanceBy(1000);
    if (readingsSatisfy(condition, drill.world.readings())) {
      heldSince ??= drill.clock.now();
      if (drill.clock.now() - heldSince >= condition.forMs) return true;
    } else heldSince = undefined;
  }
  return false;
}

type Call = { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown; agenc?: string };
const config = (changes: Record<string, unknown>): Call => ({ method: 'POST', url: '/admin/config', body: changes });

/** The runbook's Immediate Actions of each incident, as the requests its commands make. */
const immediateActions: Record<string, Call[]> = {
  'rollback-storm': [
    config({ 'speculation.enabled': false }),
    { method: 'POST', url: '/admin/speculation/drain' },
    { method: 'GET', url: '/admin/speculation/rollbacks?since_ms=600000&verbose=true', agenc: 'agenc speculation rollbacks --since 10m --verbose' },
  ],
  'memory-exhaustion': [
    { method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: true }, agenc: 'agenc admin gc --component speculation --force' },
    { method: 'POST', url: '/admin/speculation/snapshots/clear', body: { older_than_ms: 1_800_000 }, agenc: 'agenc speculation snapshots clear --older-than 30m --confirm' },
    config({ 'speculation.max_depth': 2 }),
  ],
  'proof-backlog': [
    { method: 'GET', url: '/admin/proof-worker/status', agenc: 'agenc proof-worker status' },
    { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', body: { spec: { replicas: 16 } } },
    config({ 'speculation.features.rollout_percentage': 25 }),
    { method: 'POST', url: '/admin/proof-worker/timeout', body: { older_than_ms: 600_000 }, agenc: 'agenc proof-worker timeout --older-than 10m' },
  ],
  'state-corruption': [
    config({ 'speculation.enabled': false }),
    { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale', body: { spec: { replicas: 0 } } },
    { method: 'POST', url: '/admin/check-integrity', body: { component: 'speculation', full: true }, agenc: 'agenc admin check-integrity --component speculation --full' },
  ],
  'stake-slashing': [
    config({ 'speculation.enabled': false }),
    { method: 'GET', url: '/admin/stake/status', agenc: 'agenc stake status' },
    { method: 'GET', url: '/admin/stake/slashing-history?since_ms=86400000', agenc: 'agenc stake slashing-history --since 24h' },
  ],
};

async function send(server: FastifyInstance, call: Call) {
  const headers: Record<string, string> = { ...adminAuth };
  if (call.body !== undefined) headers['content-type'] = call.method === 'PATCH' ? 'application/merge-patch+json' : 'application/x-www-form-urlencoded';
  if (call.agenc) headers['x-agenc-command'] = call.agenc;
  const response = await server.inject({ method: call.method, url: call.url, headers, ...(call.body === undefined ? {} : { payload: JSON.stringify(call.body) }) });
  expect(response.statusCode, `${call.method} ${call.url}: ${response.body}`).toBeLessThan(300);
}

const incidents = Object.keys(immediateActions);

/** Seed 11 of stake slashing is the duplicate signer's penalty, which the Immediate Actions do not stop: these play the bug. */
const seedOf = (scenario: string) => (scenario === 'stake-slashing' ? 4 : 11);

describe.each(incidents)('%s', (scenario) => {
  it('left alone, pages with its alert and reaches its critical phase within an hour', async () => {
    const { drill } = await drillOf(scenario, seedOf(scenario));
    const tookMs = runUntil(drill, paging(drill, scenario), 60 * 60_000);
    expect(paging(drill, scenario)(), `no ${alertNames(spec(scenario)).join('/')} within an hour`).toBe(true);
    runUntil(drill, () => drill.phase() === 'critical', 60 * 60_000 - tookMs);
    expect(drill.phase()).toBe('critical');
    expect(drill.journal.list().some((entry) => entry.action === 'alert.firing')).toBe(true);
  });

  it("the runbook's Immediate Actions reach the mitigated condition within 15 minutes of the page", async () => {
    const { server, drill } = await drillOf(scenario, seedOf(scenario));
    runUntil(drill, paging(drill, scenario), 60 * 60_000);
    expect(paging(drill, scenario)()).toBe(true);
    for (const call of immediateActions[scenario]!) await send(server, call);
    expect(reachesCondition(drill, scenario, 15 * 60_000), `${spec(scenario).mitigated.description} not reached`).toBe(true);
    expect(drill.harmfulActions()).toEqual([]);
    expect(['mitigated', 'recovered']).toContain(drill.phase());
  });
});

describe('second causes and the penalty variant, in the world', () => {
  it("stake slashing, penalty variant: disabling speculation does not stop it; the chain's evidence names two signers, neither speculative; shutting the standby signer does", async () => {
    const { server, drill } = await drillOf('stake-slashing', 11);
    runUntil(drill, paging(drill, 'stake-slashing'), 60 * 60_000);
    await send(server, config({ 'speculation.enabled': false }));
    const before = drill.world.slashingEvents.length;
    runUntil(drill, () => drill.world.slashingEvents.length > before, 60 * 60_000);
    const event = drill.world.slashingEvents.at(-1)!;
    expect(event.offence).toBe('double_sign');
    expect(event.conflictingCommits.every((commit) => commit.task === null)).toBe(true);
    expect(new Set(event.conflictingCommits.map((commit) => commit.signer)).size).toBe(2);
    expect(event.conflictingCommits.map((commit) => commit.signer)).toContain(drill.world.standbySigner);
    await send(server, config({ 'stake.standby_signer.enabled': false }));
    const after = drill.world.slashingEvents.length;
    drill.clock.advanceBy(60 * 60_000);
    expect(drill.world.slashingEvents.length).toBe(after);
    expect(drill.harmfulActions()).toEqual([]);
  });

  it('stake slashing, hard: after the bug is stopped the same signer still signs twice for a slot, late, until the tolerance is back', async () => {
    const { server, drill } = await drillOf('stake-slashing', 4, 'hard');
    runUntil(drill, paging(drill, 'stake-slashing'), 60 * 60_000);
    await send(server, config({ 'speculation.enabled': false }));
    const before = drill.world.slashingEvents.length;
    runUntil(drill, () => drill.world.slashingEvents.length > before, 2 * 60 * 60_000);
    const event = drill.world.slashingEvents.at(-1)!;
    expect(new Set(event.conflictingCommits.map((commit) => commit.signer)).size).toBe(1);
    expect(event.evidence).toMatch(/the second signature arrived \d+\.\ds after the slot ended/);
    await send(server, config({ 'stake.signer.clock_skew_tolerance_ms': 500 }));
    const after = drill.world.slashingEvents.length;
    drill.clock.advanceBy(30 * 60_000);
    expect(drill.world.slashingEvents.length).toBe(after);
  });

  it('state corruption, hard: with commit validation still loosened, records go bad again after the fix, with speculation and workers back; strict, they do not', async () => {
    const corruptedAfterFix = async (strict: boolean) => {
      const { server, drill } = await drillOf('state-corruption', 31, 'hard');
      runUntil(drill, paging(drill, 'state-corruption'), 60 * 60_000);
      await send(server, config({ 'speculation.enabled': false }));
      await send(server, { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale', body: { spec: { replicas: 0 } } });
      if (strict) await send(server, config({ 'speculation.commit_validation': 'strict' }));
      const context = () => drill.actor.getSnapshot().context as { raceFixed: boolean };
      runUntil(drill, () => context().raceFixed, 3 * 60 * 60_000);
      expect(context().raceFixed).toBe(true);
      drill.world.restoreState();
      await send(server, config({ 'speculation.enabled': true, 'speculation.max_depth': 1 }));
      await send(server, { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/agenc-worker/scale', body: { spec: { replicas: 4 } } });
      drill.clock.advanceBy(10 * 60_000);
      return drill.world.corruptedRecords;
    };
    expect(await corruptedAfterFix(true)).toBe(0);
    expect(await corruptedAfterFix(false)).toBeGreaterThan(5);
  });
});

describe('harmful actions make it worse', () => {
  it('state corruption: re-enabling before the fix is recorded harmful and corrupts more records', async () => {
    const corrupted = async (reenable: boolean) => {
      const { server, drill } = await drillOf('state-corruption', 31);
      runUntil(drill, paging(drill, 'state-corruption'), 60 * 60_000);
      await send(server, config({ 'speculation.enabled': false }));
      drill.clock.advanceBy(120_000);
      if (reenable) {
        const response = await server.inject({ method: 'POST', url: '/admin/config', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"speculation.enabled": true}' });
        expect(response.statusCode).toBe(200);
        expect(drill.journal.list().at(-1)).toMatchObject({ effect: 'harmful', detail: { harm: expect.stringContaining('corruption spreads') as unknown } });
      }
      drill.clock.advanceBy(10 * 60_000);
      return drill.world.corruptedRecords;
    };
    const careful = await corrupted(false);
    const careless = await corrupted(true);
    expect(careless).toBeGreaterThan(careful + 50);
  });

  it('rollback storm: re-enabling before the dependency recovers brings the storm back', async () => {
    const { server, drill } = await drillOf('rollback-storm', 12);
    runUntil(drill, paging(drill, 'rollback-storm'), 60 * 60_000);
    await send(server, config({ 'speculation.enabled': false }));
    drill.clock.advanceBy(120_000);
    expect(drill.world.rollbackRate()).toBeLessThan(0.1);
    await send(server, config({ 'speculation.enabled': true }));
    drill.clock.advanceBy(120_000);
    expect(drill.world.rollbackRate()).toBeGreaterThan(0.25);
    expect(drill.harmfulActions().map((harm) => harm.action)).toEqual(['reenable-before-fix']);
  });

  it('memory exhaustion: deeper speculation exhausts memory sooner', async () => {
    const minutesToOom = async (depth: number) => {
      const { server, drill } = await drillOf('memory-exhaustion', 5);
      await send(server, config({ 'speculation.max_depth': depth }));
      return runUntil(drill, () => drill.world.readings().oomKilledPods > 0, 90 * 60_000) / 60_000;
    };
    expect(await minutesToOom(8)).toBeLessThan((await minutesToOom(4)) - 3);
  });

  it('proof backlog: scaling proof workers down fills the queue sooner', async () => {
    const minutesToFull = async (replicas: number) => {
      const { server, drill } = await drillOf('proof-backlog', 8);
      await send(server, { method: 'PATCH', url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', body: { spec: { replicas } } });
      return runUntil(drill, () => drill.world.readings().proofQueueRatio > 0.95, 90 * 60_000) / 60_000;
    };
    expect(await minutesToFull(4)).toBeLessThan(await minutesToFull(8));
  });
});

describe('a page that stays while its cause does', () => {
  it('gateway crash loop, left alone: once paged, the page rings on while the pods keep crashing (it does not resolve each time they come up)', async () => {
    const flaps: string[] = [];
    for (const seed of [2, 5, 11, 16, 21, 33, 47, 58]) {
      const { drill } = await drillOf('gateway-crashloop', seed);
      runUntil(drill, paging(drill, 'gateway-crashloop'), 60 * 60_000);
      const pagedMs = drill.clock.now();
      // The next 15 minutes, sampled as the dashboard does, every 5 s.
      for (let ms = 0; ms < 15 * 60_000; ms += 5000) {
        drill.clock.advanceBy(5000);
        if (!paging(drill, 'gateway-crashloop')()) {
          flaps.push(`seed ${seed}: resolved ${Math.round((drill.clock.now() - pagedMs) / 1000)} s after the page`);
          break;
        }
      }
    }
    expect(flaps).toEqual([]);
  });

  it("gateway crash loop: the crashed container's logs end with its last words (kubectl logs --previous), a symptom that names no cause", async () => {
    const { server, drill } = await drillOf('gateway-crashloop', 5);
    runUntil(drill, paging(drill, 'gateway-crashloop'), 60 * 60_000);
    const crashed = drill.world.cluster.podsOf('agenc-gateway').find((pod) => pod.lastTerminated?.reason === 'Error')!;
    const logs = await server.inject({ method: 'GET', url: `/api/v1/namespaces/production/pods/${crashed.name}/log?previous=true&tailLines=6`, headers: adminAuth });
    expect(logs.statusCode).toBe(200);
    const last = logs.body.trim().split('\n').at(-1)!;
    expect(last).toMatch(/ERROR fatal: .*; exiting with status 1$/);
    expect(last).not.toMatch(/release|deploy|rollout|2\.1\d\.\d/);
  });
});

describe('seeded timelines', () => {
  const timeline = async (scenario: string, seed: number, act: boolean) => {
    const { server, drill } = await drillOf(scenario, seed);
    const series: number[] = [];
    for (let minute = 0; minute < 40; minute++) {
      drill.clock.advanceBy(60_000);
      if (act && minute === 20) await send(server, config({ 'speculation.enabled': false }));
      const readings = drill.world.readings();
      series.push(Number(readings.rollbackRate.toFixed(6)), Number(readings.memoryRatio.toFixed(6)), readings.proofQueueRatio, readings.corruptedRecords, readings.slashedTokens);
    }
    return series;
  };

  it.each(incidents)('%s: same seed and actions give the same series; another seed another', async (scenario) => {
    expect(await timeline(scenario, 77, true)).toEqual(await timeline(scenario, 77, true));
    expect(await timeline(scenario, 77, true)).not.toEqual(await timeline(scenario, 78, true));
  });
});
