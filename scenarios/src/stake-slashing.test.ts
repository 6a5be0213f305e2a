import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { significantLossTokens } from './severity';
import { duplicateSignerSlashingPerHour, lateSigningSlashingPerHour, stakeSlashingMachine, stakeSlashingVariant } from './stake-slashing';
import { businessHoursAtPeak, observed, stepTo } from './test-readings';

/** Seeds of each variant at normal: 17 the bug, 11 the duplicate signer's penalty. */
const bugSeed = 17;
const penaltySeed = 11;

function start(seed = bugSeed, difficulty: 'easy' | 'normal' | 'hard' = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(stakeSlashingMachine, { clock, input: { seed, difficulty } });
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

  it('the engine team announces the fix and ships it as a speculation-engine deploy at a seeded time after the page; nothing fixes it before', () => {
    const { actor, clock, variant } = start();
    const { fix } = variant;
    expect(fix.atMs).toBeGreaterThanOrEqual(variant.onsetAtMs + 30 * 60_000);
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false }));
    stepTo(clock, fix.atMs - 1000);
    actor.send(observed(fix.atMs - 1000, { speculationEnabled: false }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    expect(actor.getSnapshot().context.happenings).toEqual([]);
    stepTo(clock, fix.atMs);
    expect(actor.getSnapshot().context.happenings).toEqual([
      { kind: 'message', channel: '#incidents', from: fix.by, text: expect.stringContaining(fix.image) as string },
      { kind: 'message', channel: '#deploys', from: fix.by, text: expect.stringContaining(fix.image) as string },
      { kind: 'deploy', deployment: 'speculation-engine', image: fix.image, changeCause: fix.changeCause, by: fix.by },
    ]);
    expect(fix.changeCause).toMatch(/^deploy agenc\/speculation-engine:2\.14\.\d \(.+; release pipeline #\d+\)$/);
    // Shipped is not yet rolled out: the cause is gone once every pod is ready on it.
    actor.send(observed(fix.atMs + 30_000, { speculationEnabled: false, speculationPodsReady: 2 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send(observed(fix.atMs + 120_000, { speculationEnabled: false }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(actor.getSnapshot().context.causeFixedAtMs).toBe(fix.atMs + 120_000);
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(0);
  });

  it('rolling speculation-engine back off the fix brings the bug back', () => {
    const { actor, clock, variant } = start();
    const { fix } = variant;
    stepTo(clock, fix.atMs);
    actor.send(observed(fix.atMs + 120_000, { speculationEnabled: false }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    actor.send({ type: 'deployment.rolledBack', name: 'speculation-engine', fromRevision: 8, toRevision: 7, revision: 9, image: 'agenc/speculation-engine:2.14.3', memoryLimitBytes: 4 * 2 ** 30, simMs: fix.atMs + 130_000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBeGreaterThan(0);
  });

  it('Recovery: back at max_depth 1 and a step at a time is fine; straight back to depth 4 while the fix is fresh is harmful and slashes again for a while', () => {
    for (const gradual of [true, false]) {
      const { actor, clock, variant } = start();
      const { fix } = variant;
      stepTo(clock, variant.onsetAtMs + 1000);
      actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: variant.onsetAtMs + 2000 });
      stepTo(clock, fix.atMs);
      const fixedAt = fix.atMs + 120_000;
      actor.send(observed(fixedAt, { speculationEnabled: false }));
      if (gradual) {
        actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, simMs: fixedAt + 1000 });
        actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: fixedAt + 120_000 });
        expect(actor.getSnapshot().context.harmful).toEqual([]);
        expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(0);
      } else {
        actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: fixedAt + 1000 });
        expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['restore-too-fast']);
        expect(actor.getSnapshot().context.drivers.slashingPerHour).toBeCloseTo(variant.peakSlashingPerHour * 0.3);
        actor.send(observed(fixedAt + 1000 + 5 * 60_000, {}));
        expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(0);
      }
      actor.stop();
    }
  });

  it('expects P1 for a significant loss and P2 for a small one, raised in business hours', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { actor } = start(seed);
      const { expected, variant } = actor.getSnapshot().context;
      const perHour = variant.kind === 'penalty' ? duplicateSignerSlashingPerHour : variant.peakSlashingPerHour;
      const significant = variant.slashAmount * perHour >= significantLossTokens;
      expect(expected?.severity, `seed ${seed}`).toBe(significant || businessHoursAtPeak(variant, seed) ? 'P1' : 'P2');
      expect(variant.workaround).toBeNull();
      actor.stop();
    }
  });

  it('the penalty variant: a failover turns the standby signer on at onset (config history); speculation has nothing to do with it; shutting the standby signer is the fix', () => {
    const { actor, clock, variant } = start(penaltySeed);
    expect(variant.kind).toBe('penalty');
    const failover = variant.failover!;
    expect(failover.atMs).toBe(variant.onsetAtMs);
    stepTo(clock, variant.onsetAtMs);
    actor.send(observed(variant.onsetAtMs + 1000));
    expect(actor.getSnapshot().context.happenings).toEqual([{ kind: 'config', changes: { 'stake.standby_signer.enabled': true }, by: failover.by, reason: failover.reason }]);
    // No speculative bug: the world's two signers do the slashing, and disabling speculation does not stop them.
    expect(actor.getSnapshot().context.drivers.slashingPerHour).toBe(0);
    expect(actor.getSnapshot().context.drivers.slashAmount).toBe(variant.slashAmount);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: variant.onsetAtMs + 2000 });
    actor.send(observed(variant.onsetAtMs + 5000, { speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('onset');
    // Re-enabling speculation is no harm here; nothing from the engine team ever ships.
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: variant.onsetAtMs + 6000 });
    stepTo(clock, variant.fix.atMs + 60_000);
    expect(actor.getSnapshot().context.happenings.filter((happening) => happening.kind !== 'config')).toEqual([]);
    actor.send({ type: 'config.changed', changes: { 'stake.standby_signer.enabled': false }, simMs: clock.now() });
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    actor.send(observed(clock.now() + 1000));
    expect(actor.getSnapshot().value).toBe('mitigated');
    actor.send(observed(clock.now() + 6000));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
    // Turning it back on is harmful, and the cause is back.
    actor.send({ type: 'config.changed', changes: { 'stake.standby_signer.enabled': true }, simMs: clock.now() + 2000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['standby-signer-on']);
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
  });

  it('the penalty variant comes on some seeds at normal and hard, never on easy', () => {
    const kinds = (difficulty: 'easy' | 'normal' | 'hard') => Array.from({ length: 40 }, (_, index) => stakeSlashingVariant({ seed: index + 1, difficulty }).kind);
    expect(kinds('easy').every((kind) => kind === 'bug')).toBe(true);
    for (const difficulty of ['normal', 'hard'] as const) expect(new Set(kinds(difficulty))).toEqual(new Set(['bug', 'penalty']));
  });

  it('on hard, a teammate raised the signer clock-skew tolerance just before onset; the bug fix alone does not end it, the tolerance back within two seconds does', () => {
    const { actor, clock, variant } = start(bugSeed, 'hard');
    expect(variant.kind).toBe('bug');
    const change = variant.toleranceChange!;
    expect(change.atMs).toBeLessThan(variant.onsetAtMs);
    expect(lateSigningSlashingPerHour(change.value)).toBeGreaterThan(0);
    expect(lateSigningSlashingPerHour(500)).toBe(0);
    expect(stakeSlashingVariant({ seed: bugSeed, difficulty: 'normal' }).toleranceChange).toBeNull();
    stepTo(clock, change.atMs);
    actor.send(observed(change.atMs));
    expect(actor.getSnapshot().context.happenings).toEqual([{ kind: 'config', changes: { 'stake.signer.clock_skew_tolerance_ms': change.value }, by: change.by, reason: change.reason }]);
    stepTo(clock, variant.onsetAtMs + 1000);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: clock.now() });
    // Speculation off stops the bug's slashing, not the late signatures.
    actor.send(observed(clock.now() + 5000, { speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('onset');
    stepTo(clock, variant.fix.atMs);
    actor.send(observed(variant.fix.atMs + 120_000, { speculationEnabled: false }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send({ type: 'config.changed', changes: { 'stake.signer.clock_skew_tolerance_ms': 9000 }, simMs: variant.fix.atMs + 121_000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['widen-clock-skew']);
    actor.send({ type: 'config.changed', changes: { 'stake.signer.clock_skew_tolerance_ms': 500 }, simMs: variant.fix.atMs + 122_000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    actor.send(observed(variant.fix.atMs + 125_000, { speculationEnabled: false }));
    expect(actor.getSnapshot().value).toBe('mitigated');
  });

  it('is seeded', () => {
    expect(stakeSlashingVariant({ seed: 4, difficulty: 'normal' })).toEqual(stakeSlashingVariant({ seed: 4, difficulty: 'normal' }));
  });
});
