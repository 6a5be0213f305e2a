/**
 * The trainer API as a test calls it over HTTP with the drill's admin token, and a ranked drill
 * played to its end: acknowledged and resolved (the steps the persistence, store and restart
 * tests share), or played as a responder would, runbook actions and all (the ghost race's).
 */
import { expect } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import type { ServedSimulator } from './served-simulator';

export async function trainer(sim: ServedSimulator, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A ranked drill to the end: paged, acknowledged, resolved. Returns the stored drill's id. */
export async function finishSurprise(sim: ServedSimulator, trainee: string): Promise<string> {
  expect((await trainer(sim, 'POST', '/trainer/drills', { trainee, scenario: 'surprise', difficulty: 'normal' })).status).toBe(200);
  for (let minute = 0; minute < 60; minute++) {
    const state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
    if (state.paging.length > 0) break;
  }
  await acknowledgeThePage(sim);
  const resolved = await trainer(sim, 'POST', '/trainer/declare', { state: 'resolved' });
  expect(resolved.status).toBe(200);
  return resolved.body.drillId as string;
}

/**
 * Acknowledges until the incident's page is acknowledged: a platform warning ringing before it
 * (as urgent, and unanswered longer) is acknowledged first, as the pager shows it first.
 */
export async function acknowledgeThePage(sim: ServedSimulator): Promise<void> {
  const { paging } = await sim.control<DrillState>('GET', '/_sim/state');
  expect(paging.length, 'nothing pages yet').toBeGreaterThan(0);
  for (let presses = 0; presses < 4; presses++) {
    const answered = await trainer(sim, 'POST', '/trainer/acknowledge');
    expect(answered.status).toBe(200);
    if (paging.includes(answered.body.alert as string)) return;
  }
  throw new Error('four acknowledgements and the page is still not acknowledged');
}

/** A service or cluster request as the runbook's commands make it, with the drill's admin token. */
export async function adminCall(sim: ServedSimulator, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.adminToken}`, ...(body === undefined ? {} : { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

type RunbookCall = ['GET' | 'POST' | 'PATCH', string, unknown?];
const scale = (deployment: string, replicas: number): RunbookCall => ['PATCH', `/apis/apps/v1/namespaces/production/deployments/${deployment}/scale`, { spec: { replicas } }];

/** Each incident's Immediate Actions, as the requests the runbook's commands make (the gateway's crash loop is left out: its fix is a rollout). */
export const immediateActions: Record<string, RunbookCall[]> = {
  'rollback-storm': [['POST', '/admin/config', { 'speculation.enabled': false }], ['POST', '/admin/speculation/drain'], ['GET', '/admin/speculation/rollbacks?since_ms=600000&verbose=true']],
  'memory-exhaustion': [['POST', '/admin/gc', { component: 'speculation', force: true }], ['POST', '/admin/speculation/snapshots/clear', { older_than_ms: 1_800_000 }], ['POST', '/admin/config', { 'speculation.max_depth': 2 }]],
  'proof-backlog': [['GET', '/admin/proof-worker/status'], scale('proof-worker', 16), ['POST', '/admin/config', { 'speculation.features.rollout_percentage': 25 }], ['POST', '/admin/proof-worker/timeout', { older_than_ms: 600_000 }]],
  'state-corruption': [['POST', '/admin/config', { 'speculation.enabled': false }], scale('agenc-worker', 0), ['POST', '/admin/check-integrity', { component: 'speculation', full: true }]],
  'stake-slashing': [['POST', '/admin/config', { 'speculation.enabled': false }], ['GET', '/admin/stake/status'], ['GET', '/admin/stake/slashing-history?since_ms=86400000']],
};

/**
 * A ranked drill played to its end as a responder would: a surprise (drawn again, at most 20
 * times, until it is an incident `immediateActions` knows), paged, acknowledged, its severity
 * declared, the runbook's Immediate Actions taken, mitigated, resolved. Returns the stored
 * drill's id, its scenario and its score (honestly scored, it can be 0: the Immediate Actions
 * alone, speculation left off, can cost more than doing nothing).
 */
export async function playRankedRun(sim: ServedSimulator, trainee: string): Promise<{ drillId: string; scenario: string; score: number }> {
  let state: DrillState | undefined;
  for (let draw = 0; draw < 20 && !(state && state.scenario.id in immediateActions); draw++) {
    expect((await trainer(sim, 'POST', '/trainer/drills', { trainee, scenario: 'surprise', difficulty: 'normal' })).status).toBe(200);
    state = await sim.control<DrillState>('GET', '/_sim/state');
  }
  const scenario = state!.scenario.id;
  const actions = immediateActions[scenario];
  if (!actions) throw new Error(`20 surprises drew no incident with known Immediate Actions (last: ${scenario})`);
  // Paged by the incident, not by a platform warning that fired before it began.
  for (let minute = 0; minute < 60 && state!.paging.length === 0; minute++) state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
  await acknowledgeThePage(sim);
  expect((await trainer(sim, 'POST', '/trainer/severity', { severity: state!.expectedSeverity.severity, answers: {} })).status).toBe(200);
  await sim.control('POST', '/_sim/clock/advance', { ms: 60_000 });
  for (const [method, path, body] of actions) expect(await adminCall(sim, method, path, body)).toBeLessThan(300);
  for (let minute = 0; minute < 30 && !['mitigated', 'recovered'].includes(state!.phase); minute++) state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
  await sim.control('POST', '/_sim/clock/advance', { ms: 2 * 60_000 });
  const resolved = await trainer(sim, 'POST', '/trainer/declare', { state: 'resolved' });
  expect(resolved.status).toBe(200);
  const drillId = resolved.body.drillId as string;
  const debrief = await trainer(sim, 'GET', `/trainer/drills/${drillId}`);
  return { drillId, scenario, score: (debrief.body.score as { total: number }).total };
}
