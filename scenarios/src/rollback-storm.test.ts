import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { rollbackStormMachine, rollbackStormVariant } from './rollback-storm';
import { observed, stepTo } from './test-readings';
import type { Difficulty } from './scenario-types';

function start(seed = 42, difficulty: Difficulty = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(rollbackStormMachine, { clock, input: { seed, difficulty } });
  actor.start();
  const variant = actor.getSnapshot().context.variant;
  const at = (ms: number) => stepTo(clock, ms);
  return { actor, clock, variant, at };
}

describe('rollback storm', () => {
  it('unfolds healthy, onset, escalating, critical on simulated time, raising the cascade pressure', () => {
    const { actor, variant, at } = start();
    expect(actor.getSnapshot().value).toBe('healthy');
    expect(actor.getSnapshot().context.drivers.cascadePressure).toBe(0);
    at(variant.onsetAtMs);
    expect(actor.getSnapshot().value).toBe('onset');
    const onsetPressure = actor.getSnapshot().context.drivers.cascadePressure;
    expect(onsetPressure).toBeGreaterThan(0);
    expect(actor.getSnapshot().context.drivers.cascadeSource).toBe(variant.cascadeSource);
    at(variant.onsetAtMs + variant.escalateAfterMs);
    expect(actor.getSnapshot().value).toBe('escalating');
    at(variant.onsetAtMs + variant.escalateAfterMs + variant.criticalAfterMs);
    expect(actor.getSnapshot().value).toBe('critical');
    expect(actor.getSnapshot().context.drivers.cascadePressure).toBeCloseTo(variant.peakRollbackRate - 0.025, 5);
    expect(actor.getSnapshot().context.drivers.crashingDeployments['speculation-engine']).toBeGreaterThan(0);
  });

  it('is mitigated once speculation is disabled and the rollback rate falls', () => {
    const { actor, variant, at } = start();
    const t = variant.onsetAtMs + variant.escalateAfterMs + 10_000;
    at(t);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t });
    actor.send(observed(t + 5_000, { rollbackRate: 0.62, speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('escalating');
    actor.send(observed(t + 65_000, { rollbackRate: 0, speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('records deepening chains during the storm as harmful', () => {
    const { actor, variant, at } = start();
    at(variant.onsetAtMs + 1000);
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 8 }, simMs: variant.onsetAtMs + 1000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['deepen-during-storm']);
  });

  it('re-enabling before the cause is fixed is harmful and the storm comes back; after the fix at depth 1 it holds', () => {
    const { actor, variant, at } = start();
    const t = variant.onsetAtMs + 60_000;
    at(t);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t });
    actor.send(observed(t + 60_000, { rollbackRate: 0, speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: t + 70_000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['reenable-before-fix']);
    actor.send(observed(t + 130_000, { rollbackRate: 0.55 }));
    expect(actor.getSnapshot().value).toBe('critical');

    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t + 140_000 });
    actor.send(observed(t + 200_000, { rollbackRate: 0, speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    // The dependency recovers; the next readings after that moment clear the pressure.
    actor.send(observed(variant.causeFixedAtMs + 1000, { rollbackRate: 0, speculationEnabled: false }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(actor.getSnapshot().context.drivers.cascadePressure).toBe(0);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, simMs: variant.causeFixedAtMs + 2000 });
    actor.send(observed(variant.causeFixedAtMs + 70_000, { rollbackRate: 0.03, maxDepth: 1 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toHaveLength(1);
  });

  it('draws its variant from the seed: same seed same storm, other seeds other storms', () => {
    expect(rollbackStormVariant({ seed: 7, difficulty: 'normal' })).toEqual(rollbackStormVariant({ seed: 7, difficulty: 'normal' }));
    const variants = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => rollbackStormVariant({ seed, difficulty: 'normal' }));
    expect(new Set(variants.map((variant) => variant.cascadeSource)).size).toBeGreaterThan(3);
    expect(new Set(variants.map((variant) => variant.peakRollbackRate)).size).toBeGreaterThan(3);
  });

  it('escalates faster on hard than on easy', () => {
    const easy = rollbackStormVariant({ seed: 9, difficulty: 'easy' });
    const hard = rollbackStormVariant({ seed: 9, difficulty: 'hard' });
    expect(hard.escalateAfterMs + hard.criticalAfterMs).toBeLessThan(easy.escalateAfterMs + easy.criticalAfterMs);
    expect(hard.redHerrings.misleadingLogs.length).toBeGreaterThan(easy.redHerrings.misleadingLogs.length);
  });

  it('expects the severity the runbook gives its peak: above 50% is P1, 25-50% P2 unless in business hours', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { actor } = start(seed);
      const { variant, expected } = actor.getSnapshot().context;
      const base = variant.peakRollbackRate > 0.5 ? 'P1' : 'P2';
      const severity = variant.businessHours && base === 'P2' ? 'P1' : base;
      expect(expected?.severity, `seed ${seed}: peak ${variant.peakRollbackRate}, business hours ${variant.businessHours}`).toBe(severity);
      actor.stop();
    }
  });
});
