import { describe, expect, it } from 'vitest';
import { dependencyOwnerOf, dependencyReading, seededDependencies } from './dependencies';

describe('seededDependencies', () => {
  it('is the same list for the same seed, and a different one for another', () => {
    expect(seededDependencies(7, [])).toEqual(seededDependencies(7, []));
    expect(seededDependencies(7, []).map((dependency) => dependency.endpoint)).not.toEqual(seededDependencies(8, []).map((dependency) => dependency.endpoint));
  });

  it('has RPC nodes, price feeds and the proof store, each with its owning team', () => {
    const list = seededDependencies(7, []);
    expect(list.map((dependency) => dependency.kind)).toEqual(['rpc-node', 'rpc-node', 'rpc-node', 'oracle-feed', 'oracle-feed', 'proof-store']);
    expect(new Set(list.map((dependency) => dependency.owner))).toEqual(new Set(['chain-infra', 'oracle-team', 'storage-team']));
  });

  it("lists a scenario's endpoint under its real name in the place of one of its kind, leaving the others as they were", () => {
    const before = seededDependencies(7, []);
    const after = seededDependencies(7, ['price-feed-4.gateway.internal:443']);
    expect(after).toHaveLength(before.length);
    expect(after[3]).toMatchObject({ endpoint: 'price-feed-4.gateway.internal:443', owner: 'oracle-team', kind: 'oracle-feed' });
    expect(after.filter((_, index) => index !== 3)).toEqual(before.filter((_, index) => index !== 3));
    expect(seededDependencies(7, ['10.1.2.3:8545'])[0]).toMatchObject({ endpoint: '10.1.2.3:8545', owner: 'chain-infra', kind: 'rpc-node' });
  });
});

describe('dependencyOwnerOf', () => {
  it.each([
    ['node-sync:8545', 'chain-infra'],
    ['price-feed-2.pyth.internal:443', 'oracle-team'],
    ['proof-store.storage.internal:9000', 'storage-team'],
  ])('%s is run by %s', (endpoint, owner) => {
    expect(dependencyOwnerOf(endpoint).owner).toBe(owner);
  });
});

describe('dependencyReading', () => {
  const [rpc] = seededDependencies(11, []);
  const healthy = (nowMs: number) => dependencyReading(rpc!, { seed: 11, nowMs, loadMultiplier: 1, failing: null, lastFailure: null });

  it('is low and jittered when healthy, the same within a minute and seeded', () => {
    const readings = Array.from({ length: 30 }, (_, minute) => healthy(minute * 60_000 + 5_000));
    for (const reading of readings) {
      expect(reading.errorRate).toBeLessThan(0.01);
      expect(reading.p99Ms).toBeLessThan(400);
      expect(reading.requestsPerMin).toBeGreaterThan(0);
    }
    expect(new Set(readings.map((reading) => reading.requestsPerMin)).size).toBeGreaterThan(10);
    expect(healthy(65_000)).toEqual(healthy(65_000));
    expect(healthy(61_000).requestsPerMin).toBe(healthy(119_000).requestsPerMin);
  });

  it("logs a routine retried error at seeded moments, never moving backwards", () => {
    let last = -Infinity;
    for (let minute = 0; minute < 120; minute++) {
      const error = healthy(minute * 60_000).lastError!;
      expect(error.message).toMatch(/retried, ok/);
      expect(error.simMs).toBeGreaterThanOrEqual(last);
      expect(error.simMs).toBeLessThanOrEqual(minute * 60_000);
      last = error.simMs;
    }
  });

  it.each([
    ['timeout', (p99: number) => p99 === 2_000, 0.3],
    ['refused', (p99: number) => p99 < 10, 0.9],
    ['stale', (p99: number) => p99 < 400, 0.2],
  ] as const)('shows a %s failure in its errors and latency, with what its client logged', (mode, p99Fits, errorsAbove) => {
    const reading = dependencyReading(rpc!, { seed: 11, nowMs: 600_000, loadMultiplier: 1, failing: { mode, message: `symptom of ${mode}`, timeoutMs: 2_000 }, lastFailure: null });
    expect(reading.errorRate).toBeGreaterThan(errorsAbove);
    expect(p99Fits(reading.p99Ms)).toBe(true);
    expect(reading.lastError?.message).toBe(`symptom of ${mode}`);
  });

  it('keeps the last failure as its last error after it recovers, until a newer routine one', () => {
    const reading = dependencyReading(rpc!, { seed: 11, nowMs: 600_000, loadMultiplier: 1, failing: null, lastFailure: { simMs: 599_000, message: 'connection refused: x' } });
    expect(reading.errorRate).toBeLessThan(0.01);
    expect(reading.lastError).toEqual({ simMs: 599_000, message: 'connection refused: x' });
  });
});
