import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { memoryExhaustionMachine, memoryExhaustionVariant } from './memory-exhaustion';
import { businessHoursAtPeak, observed, stepTo } from './test-readings';

function start(seed = 5) {
  const clock = new SimulatedClock();
  const actor = createActor(memoryExhaustionMachine, { clock, input: { seed, difficulty: 'normal' } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

describe('memory exhaustion', () => {
  it('stalls the snapshot sweeper at onset and leaks at full rate once escalating', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().value).toBe('onset');
    expect(actor.getSnapshot().context.drivers.snapshotSweeperStalled).toBe(true);
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    expect(actor.getSnapshot().value).toBe('escalating');
    expect(actor.getSnapshot().context.drivers.memoryLeakBytesPerSec).toBe(variant.peakLeakBytesPerSec);
  });

  it('goes critical when pods run out of memory, if nobody acts', () => {
    const { actor, clock, variant } = start();
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    actor.send(observed(t + 5000, { memoryRatio: 0.9 }));
    expect(actor.getSnapshot().value).toBe('escalating');
    actor.send(observed(t + 10_000, { memoryRatio: 0.5, oomKilledPods: 1 }));
    expect(actor.getSnapshot().value).toBe('critical');
  });

  it('a forced GC and cleared snapshots mitigate; a lower depth then holds it', () => {
    const { actor, clock, variant } = start();
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    actor.send(observed(t, { memoryRatio: 0.5, oomKilledPods: 0 }));
    expect(actor.getSnapshot().value).toBe('escalating');
    actor.send({ type: 'gc.forced', simMs: t + 1000 });
    actor.send({ type: 'snapshots.cleared', removed: 5000, olderThanMs: 1_800_000, simMs: t + 2000 });
    actor.send(observed(t + 5000, { memoryRatio: 0.7 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: t + 6000 });
    actor.send(observed(t + 10_000, { memoryRatio: 0.7 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('records deeper speculation and longer snapshot retention as harmful', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 6 }, simMs: variant.onsetAtMs });
    actor.send({ type: 'config.changed', changes: { 'speculation.snapshots.retention_minutes': 120 }, simMs: variant.onsetAtMs });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['deepen-while-exhausted', 'retain-more-snapshots']);
  });

  it('is seeded', () => {
    expect(memoryExhaustionVariant({ seed: 3, difficulty: 'normal' })).toEqual(memoryExhaustionVariant({ seed: 3, difficulty: 'normal' }));
    expect(memoryExhaustionVariant({ seed: 3, difficulty: 'normal' })).not.toEqual(memoryExhaustionVariant({ seed: 4, difficulty: 'normal' }));
  });

  it('expects P2 (P1 in business hours): pods OOMKilled affect more than 10% of operations', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { actor } = start(seed);
      const { expected, variant } = actor.getSnapshot().context;
      // P2 at the peak; a workaround lowers it to P3, business hours raise it by one.
      const level = 1 + (variant.workaround ? 1 : 0) - (businessHoursAtPeak(variant, seed) ? 1 : 0);
      expect(expected?.severity, `seed ${seed}`).toBe(['P1', 'P2', 'P3'][level]);
      actor.stop();
    }
  });
});
