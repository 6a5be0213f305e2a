import { describe, expect, it } from 'vitest';
import { combineDrivers, combineFacts, combineSpecs } from './combined-faults';
import { healthyDrivers } from './scenario-types';
import { alertNames, noIncidentFacts } from './scenario-spec';
import { proofBacklogSpec } from './proof-backlog';
import { rollbackStormSpec } from './rollback-storm';

describe('combineDrivers', () => {
  it('is neutral with healthy drivers', () => {
    const storm = { ...healthyDrivers, cascadePressure: 0.3, cascadeSource: { endpoint: 'price-feed-3.acme.internal:443', mode: 'timeout' as const }, crashingDeployments: { 'speculation-engine': 4 } };
    expect(combineDrivers(storm, healthyDrivers)).toEqual(storm);
    expect(combineDrivers(healthyDrivers, storm)).toEqual(storm);
  });

  it('adds rates, keeps the worse pressure and merges crashing deployments', () => {
    const a = { ...healthyDrivers, memoryLeakBytesPerSec: 100, proofInflowMultiplier: 2, crashingDeployments: { 'proof-worker': 2 }, misleadingLogs: ['x'] };
    const b = { ...healthyDrivers, memoryLeakBytesPerSec: 50, proofInflowMultiplier: 3, proofWorkerCrashing: true, crashingDeployments: { 'proof-worker': 5, redis: 1 }, misleadingLogs: ['x', 'y'] };
    const combined = combineDrivers(a, b);
    expect(combined.memoryLeakBytesPerSec).toBe(150);
    expect(combined.proofInflowMultiplier).toBe(3);
    expect(combined.proofWorkerCrashing).toBe(true);
    expect(combined.crashingDeployments).toEqual({ 'proof-worker': 5, redis: 1 });
    expect(combined.misleadingLogs).toEqual(['x', 'y']);
  });
});

describe('combineFacts', () => {
  const workaround = { name: 'direct execution', description: 'skip speculation per request' };
  const tokyo = { name: 'ap-northeast-1', timeZone: 'Asia/Tokyo' };

  it("keeps the first incident's region, and a workaround only when both have one", () => {
    expect(combineFacts({ primaryRegion: tokyo, workaround }, { ...noIncidentFacts, workaround: null })).toEqual({ primaryRegion: tokyo, workaround: null });
    expect(combineFacts({ primaryRegion: tokyo, workaround }, { ...noIncidentFacts, workaround: { ...workaround, name: 'other' } })).toEqual({ primaryRegion: tokyo, workaround });
  });
});

describe('combineSpecs', () => {
  it('asks for the actions of both incidents, shared ones once', () => {
    const combined = combineSpecs(rollbackStormSpec, proofBacklogSpec);
    expect(combined.incident).toBe(rollbackStormSpec.incident);
    for (const alert of alertNames(proofBacklogSpec)) expect(alertNames(combined)).toContain(alert);
    const commands = combined.requiredActions.map((action) => action.command);
    expect(new Set(commands).size).toBe(commands.length);
    expect(combined.requiredActions.length).toBeGreaterThan(rollbackStormSpec.requiredActions.length);
    expect(combined.requiredActions.filter((action) => action.id.startsWith(`${proofBacklogSpec.incident}:`)).every((action) => action.order === undefined)).toBe(true);
  });
});
