import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { significantLossTokens } from './severity';
import { stakeSlashingMachine, stakeSlashingVariant } from './stake-slashing';
import { businessHoursAtPeak, observed, stepTo } from './test-readings';

function start(seed = 17) {
  const clock = new SimulatedClock();
  const actor = createActor(stakeSlashingMachine, { clock, input: { seed, difficulty: 'normal' } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

describe('stake slashing', () => {
  it('slashes from onset and faster when critical', () => {
    const { actor, clock, variant } = start();
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(0);
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBeGreaterThan(0);
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs + variant.criticalAfterMs);
    expect(actor.getSnapshot().value).toBe('critical');
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(variant.peakSlashingPerHour * 2);
  });

  it('disabling speculation stops it; the stake snapshot preserves evidence', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send({ type: 'stake.snapshotted', simMs: variant.onsetAtMs + 2000 });
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    expect(actor.getSnapshot().context.evidencePreserved).toBe(true);
  });

  it('re-enabling before the fix is harmful and slashing resumes', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false }));
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: variant.onsetAtMs + 6000 });
    actor.send(observed(variant.onsetAtMs + 10_000, { speculationEnabled: true }));
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['reenable-before-fix']);
    expect(actor.getSnapshot().value).toBe('critical');
  });

  it('expects P1 for a significant loss and P2 for a small one, raised in business hours', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { actor } = start(seed);
      const { expected, variant } = actor.getSnapshot().context;
      const significant = variant.slashAmount * variant.peakSlashingPerHour >= significantLossTokens;
      expect(expected?.severity, `seed ${seed}`).toBe(significant || businessHoursAtPeak(variant, seed) ? 'P1' : 'P2');
      expect(variant.workaround).toBeNull();
      actor.stop();
    }
  });

  it('is seeded', () => {
    expect(stakeSlashingVariant({ seed: 4, difficulty: 'normal' })).toEqual(stakeSlashingVariant({ seed: 4, difficulty: 'normal' }));
  });
});
