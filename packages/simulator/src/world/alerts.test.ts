/** Issue 14 item 5: every rule's alert resolves when its condition clears, and says when. */
import { describe, expect, it } from 'vitest';
import { healthyDrivers, type Readings } from '@gameday/scenarios';
import { World } from './world';
import { AlertEvaluator, alertRules, type AlertRule, type AlertTransition } from './alerts';

/** A healthy world's readings, with overrides. */
const healthy = new World({ seed: 1, now: () => 0 }, { ...healthyDrivers }).readings();
const testReadings = (overrides: Partial<Readings> = {}): Readings => ({ ...healthy, ...overrides });

const rule: AlertRule = {
  name: 'TestRollbacksHigh',
  runbook: 'INC-TEST',
  severity: 'critical',
  runbookSeverity: 'P2',
  summary: 'rollbacks high',
  trigger: 'Rollback rate > 10% for 2 minutes',
  expr: 'x > 0.1',
  forMs: 120_000,
  holds: (readings) => readings.rollbackRate > 0.1,
  value: (readings) => readings.rollbackRate,
};

describe('AlertEvaluator', () => {
  it('goes pending, fires after its for:, resolves when the condition clears, and fires again with a new resolution', () => {
    const evaluator = new AlertEvaluator([rule]);
    const transitions: Array<Pick<AlertTransition, 'to'> & { resolvedAtMs: number | undefined }> = [];
    evaluator.onTransition(({ alert, to }) => transitions.push({ to, resolvedAtMs: alert.resolvedAtMs }));
    const at = (ms: number, rollbackRate: number) => evaluator.evaluate(testReadings({ rollbackRate }), ms);
    at(0, 0.3);
    expect(evaluator.states()[0]).toMatchObject({ state: 'pending', resolvedAtMs: undefined });
    at(120_000, 0.3);
    expect(evaluator.states()[0]).toMatchObject({ state: 'firing', firedAtMs: 120_000 });
    at(180_000, 0.02);
    expect(evaluator.states()[0]).toMatchObject({ state: 'inactive', firedAtMs: 120_000, resolvedAtMs: 180_000 });
    at(200_000, 0.3);
    at(320_000, 0.3);
    expect(evaluator.states()[0]).toMatchObject({ state: 'firing', firedAtMs: 320_000, resolvedAtMs: undefined });
    expect(transitions).toEqual([
      { to: 'firing', resolvedAtMs: undefined },
      { to: 'resolved', resolvedAtMs: 180_000 },
      { to: 'firing', resolvedAtMs: undefined },
    ]);
  });

  it('resolves every declared rule once healthy readings follow readings that fire it', () => {
    const evaluator = new AlertEvaluator();
    const resolved = new Set<string>();
    evaluator.onTransition(({ alert, to }) => {
      if (to === 'resolved') resolved.add(alert.name);
    });
    // Each rule alone: force its condition by evaluating it with readings it holds for, found by the rule itself.
    for (const declared of alertRules) {
      const single = new AlertEvaluator([declared]);
      single.onTransition(({ alert, to }) => {
        if (to === 'resolved') resolved.add(alert.name);
      });
      const firingReadings = [
        testReadings({ rollbackRate: 0.9, memoryRatio: 0.99, oomKilledPods: 3, proofQueueRatio: 0.99, proofWorkersFailing: 2, failingPods: 3, integrityCheckFailures: 5, integrityCheckFailuresRecent: 5, logVolumeAvailableRatio: 0.02, slashedTokens: 5000, slashedTokensLast24h: 5000, slashingEventsLastHour: 3, corruptedRecords: 100 }),
      ].find((readings) => declared.holds(readings));
      if (!firingReadings) continue;
      single.evaluate(firingReadings, 0);
      single.evaluate(firingReadings, declared.forMs + 1000);
      expect(single.states()[0]!.state, declared.name).toBe('firing');
      // Healthy readings, long after every recency window: the condition clears.
      single.evaluate(testReadings({ simMs: 24 * 3_600_000 }), 24 * 3_600_000);
      expect(single.states()[0]!.state, declared.name).toBe('inactive');
    }
    expect(resolved.size).toBeGreaterThan(0);
    expect(evaluator.states().every((alert) => alert.state === 'inactive')).toBe(true);
  });
});

describe('the state-corruption alert', () => {
  const rule = alertRules.find((candidate) => candidate.name === 'SpeculationStateCorruption')!;

  it('fires while scans find inconsistent records, stays while corrupt records remain, and resolves 15 minutes after the store is clean again', () => {
    let now = 0;
    const corrupting = { ...healthyDrivers, corruptionPerMin: 300 };
    const world = new World({ seed: 3, now: () => now }, corrupting);
    const evaluator = new AlertEvaluator([rule]);
    const run = (ms: number, drivers = healthyDrivers) => {
      for (const end = now + ms; now < end; ) {
        now += 1000;
        world.step(drivers);
        evaluator.evaluate(world.readings(), now);
      }
    };
    run(10 * 60_000, corrupting);
    expect(evaluator.states()[0]!.state).toBe('firing');
    // The race is fixed (no more corruption), but the records it wrote are still there: scans keep failing.
    run(30 * 60_000);
    expect(evaluator.states()[0]!.state).toBe('firing');
    expect(world.readings().integrityCheckFailuresRecent).toBeGreaterThan(0);
    // The owning team restores the store: the next scans are clean, and the last failure ages out of the window.
    world.restoreState();
    run(14 * 60_000);
    expect(evaluator.states()[0]!.state).toBe('firing');
    run(2 * 60_000);
    expect(evaluator.states()[0]!.state).toBe('inactive');
    expect(evaluator.states()[0]!.resolvedAtMs).toBeGreaterThan(now - 2 * 60_000);
    expect(world.readings().integrityCheckFailuresRecent).toBe(0);
    expect(world.readings().integrityCheckFailures).toBeGreaterThan(30);
  });
});
