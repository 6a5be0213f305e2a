import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { stateCorruptionMachine, stateCorruptionVariant } from './state-corruption';
import { observed, stepTo } from './test-readings';

function start(seed = 13) {
  const clock = new SimulatedClock();
  const actor = createActor(stateCorruptionMachine, { clock, input: { seed, difficulty: 'normal' } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

describe('state corruption', () => {
  it('corrupts from onset, faster phase by phase (the world finds it; the scenario does not announce it)', () => {
    const { actor, clock, variant } = start();
    expect(actor.getSnapshot().context.drivers.corruptionPerMin).toBe(0);
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().context.drivers.corruptionPerMin).toBeGreaterThan(0);
    expect(actor.getSnapshot().context.facts).toEqual({ primaryRegion: variant.primaryRegion, workaround: null });
    const onsetRate = actor.getSnapshot().context.drivers.corruptionPerMin;
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs + variant.criticalAfterMs);
    expect(actor.getSnapshot().value).toBe('critical');
    expect(actor.getSnapshot().context.drivers.corruptionPerMin).toBeGreaterThan(onsetRate * 3);
  });

  it('disabling speculation and stopping workers stop the spread', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false, agencWorkersReady: 0 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
  });

  it('clearing snapshots, re-enabling and restarting workers before the fix are harmful, and corruption spreads again', () => {
    const { actor, clock, variant } = start();
    const t = variant.onsetAtMs + 1000;
    stepTo(clock, t);
    actor.send(observed(t, { speculationEnabled: false, agencWorkersReady: 0 }));
    actor.send({ type: 'snapshots.cleared', removed: 12_000, olderThanMs: 1_800_000, simMs: t + 1000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: t + 2000 });
    actor.send({ type: 'deployment.scaled', name: 'agenc-worker', replicas: 4, simMs: t + 3000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['clear-snapshots', 'reenable-before-fix', 'restart-workers-before-fix']);
    actor.send(observed(t + 60_000, { speculationEnabled: true, agencWorkersReady: 4 }));
    expect(actor.getSnapshot().value).toBe('critical');
  });

  it('records a full integrity check as knowing the scope', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'integrity.checked', full: true, simMs: variant.onsetAtMs });
    expect(actor.getSnapshot().context.scopeKnown).toBe(true);
  });

  it('recovers once the fix is deployed and speculation comes back', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false }));
    actor.send(observed(variant.causeFixedAtMs, { speculationEnabled: false }));
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: variant.causeFixedAtMs + 1000 });
    actor.send(observed(variant.causeFixedAtMs + 5000, { speculationEnabled: true, agencWorkersReady: 4 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('is seeded and always P1: user data at risk', () => {
    expect(stateCorruptionVariant({ seed: 1, difficulty: 'hard' })).toEqual(stateCorruptionVariant({ seed: 1, difficulty: 'hard' }));
    const { actor } = start(21);
    expect(actor.getSnapshot().context.expected?.severity).toBe('P1');
  });
});
