/**
 * The trainer API as a test calls it over HTTP with the drill's admin token, and a ranked drill
 * played to its end: the steps the persistence, store and restart tests share.
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
    if (state.firingAlerts.length > 0) break;
  }
  expect((await trainer(sim, 'POST', '/trainer/acknowledge')).status).toBe(200);
  const resolved = await trainer(sim, 'POST', '/trainer/declare', { state: 'resolved' });
  expect(resolved.status).toBe(200);
  return resolved.body.drillId as string;
}
