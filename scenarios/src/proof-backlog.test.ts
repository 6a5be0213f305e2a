import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { proofBacklogMachine, proofBacklogVariant, type ProofBacklogCause } from './proof-backlog';
import type { Difficulty } from './scenario-types';
import { businessHoursAtPeak, observed, stepTo } from './test-readings';

function start(seed = 8, difficulty: Difficulty = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(proofBacklogMachine, { clock, input: { seed, difficulty } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

/** The first seed whose variant has `cause` (and, for a release, `mode`). */
function seedWith(cause: ProofBacklogCause, mode?: 'crash' | 'reject'): number {
  for (let seed = 1; seed < 200; seed++) {
    const variant = proofBacklogVariant({ seed, difficulty: 'normal' });
    if (variant.cause === cause && (mode === undefined || variant.release?.mode === mode)) return seed;
  }
  throw new Error(`no seed with ${cause}`);
}

/** Escalated with the queue full, and the responder's immediate actions done. */
function stabilised(seed: number) {
  const started = start(seed);
  const { actor, clock, variant } = started;
  const t = variant.onsetAtMs + variant.escalateAfterMs;
  stepTo(clock, t);
  actor.send(observed(t, { proofQueueRatio: 0.97 }));
  actor.send({ type: 'deployment.scaled', name: 'proof-worker', replicas: 16, simMs: t + 1000 });
  actor.send({ type: 'config.changed', changes: { 'speculation.features.rollout_percentage': 25 }, simMs: t + 2000 });
  actor.send(observed(t + 120_000, { proofQueueRatio: 0.4, rolloutPercentage: 25 }));
  return { ...started, t: t + 120_000 };
}

describe('proof backlog', () => {
  it('raises proof demand over time and goes critical when the queue is full', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().context.drivers.proofInflowMultiplier).toBeGreaterThan(1);
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    expect(actor.getSnapshot().value).toBe('escalating');
    expect(actor.getSnapshot().context.drivers.proofInflowMultiplier).toBe(variant.peakInflow);
    actor.send(observed(t + 5000, { proofQueueRatio: 0.97 }));
    expect(actor.getSnapshot().value).toBe('critical');
  });

  it('batch-size variant: a named teammate raises the batch size before the onset, with a reason; proofs hang', () => {
    const { actor, clock, variant } = start(seedWith('batch-size'));
    const change = variant.batchChange!;
    expect(variant.release).toBeNull();
    expect(change.atMs).toBeLessThan(variant.onsetAtMs);
    expect(change.to).toBeGreaterThan(change.from);
    stepTo(clock, change.atMs - 1000);
    expect(actor.getSnapshot().context.happenings).toEqual([]);
    stepTo(clock, change.atMs);
    expect(actor.getSnapshot().context.happenings).toEqual([{ kind: 'config', changes: { 'speculation.proof.batch_size': change.to }, by: change.by, reason: change.reason }]);
    expect(change.reason).not.toMatch(/cause|bug|incident/i);
    // The clock has stepped off whole seconds at the change: one more second for the escalation.
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs + 1000);
    const { drivers, causeFixed } = actor.getSnapshot().context;
    expect(drivers.proofStuckPerMin).toBe(variant.stuckPerMin);
    expect(drivers.faultyProofRelease).toBeNull();
    expect(causeFixed).toBe(false);
  });

  it('batch-size variant: nothing fixes it unseen; reverting the batch size does', () => {
    const seed = seedWith('batch-size');
    const { actor, clock, t, variant } = stabilised(seed);
    expect(actor.getSnapshot().value).toBe('mitigated');
    // Three hours left alone: no hidden timer takes the cause away.
    stepTo(clock, t + 3 * 3_600_000);
    actor.send(observed(t + 3 * 3_600_000, { proofQueueRatio: 0.3, rolloutPercentage: 25 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    expect(actor.getSnapshot().context.drivers.proofInflowMultiplier).toBe(variant.peakInflow);
    // Tuning to a size still above the old one is not the revert.
    actor.send({ type: 'config.changed', changes: { 'speculation.proof.batch_size': variant.batchChange!.to / 2 }, simMs: t + 3 * 3_600_000 + 1000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    const fixedAt = t + 3 * 3_600_000 + 2000;
    actor.send({ type: 'config.changed', changes: { 'speculation.proof.batch_size': 32 }, simMs: fixedAt });
    const context = actor.getSnapshot().context;
    expect(context.causeFixed).toBe(true);
    expect(context.causeFixedAtMs).toBe(fixedAt);
    expect(context.drivers).toMatchObject({ proofInflowMultiplier: 1, proofStuckPerMin: 0, proofWorkerCrashing: false });
    actor.send(observed(fixedAt + 300_000, { proofQueueRatio: 0.01, rolloutPercentage: 25 }));
    expect(actor.getSnapshot().value).toBe('recovered');
  });

  it('release variant: proof-worker rolls out a new image with a change-cause, announced in #deploys; rollout undo fixes it', () => {
    for (const mode of ['crash', 'reject'] as const) {
      const seed = seedWith('proof-worker-release', mode);
      const { actor, clock, variant } = start(seed);
      const release = variant.release!;
      expect(variant.batchChange).toBeNull();
      expect(release.atMs).toBeLessThan(variant.onsetAtMs);
      stepTo(clock, release.atMs);
      const { happenings, drivers } = actor.getSnapshot().context;
      expect(happenings).toEqual([
        { kind: 'message', channel: '#deploys', from: release.by, text: expect.stringContaining(release.image) as string },
        { kind: 'deploy', deployment: 'proof-worker', image: release.image, changeCause: release.changeCause, by: release.by },
      ]);
      expect(release.changeCause).toMatch(/^deploy agenc\/proof-worker:2\.15\.\d \(circuit update: .+; release pipeline #\d+\)$/);
      expect(drivers.faultyProofRelease).toEqual({ image: release.image, mode, rejectShare: release.rejectShare });
      const t = variant.onsetAtMs + variant.escalateAfterMs;
      stepTo(clock, t);
      // A rollout of another deployment, or a `set resources` that keeps the image, changes nothing.
      actor.send({ type: 'deployment.updated', name: 'proof-worker', fromRevision: 9, revision: 10, image: release.image, memoryLimitBytes: 3 * 2 ** 30, simMs: t });
      actor.send({ type: 'deployment.rolledBack', name: 'speculation-engine', fromRevision: 9, toRevision: 8, revision: 10, image: 'agenc/speculation-engine:2.14.2', memoryLimitBytes: 4 * 2 ** 30, simMs: t });
      expect(actor.getSnapshot().context.causeFixed).toBe(false);
      actor.send({ type: 'deployment.rolledBack', name: 'proof-worker', fromRevision: 10, toRevision: 9, revision: 11, image: 'agenc/proof-worker:2.14.3', memoryLimitBytes: 2 * 2 ** 30, simMs: t + 1000 });
      expect(actor.getSnapshot().context.causeFixed).toBe(true);
      expect(actor.getSnapshot().context.drivers.proofInflowMultiplier).toBe(1);
      actor.stop();
    }
  });

  it('hard: both changes happened, the other one earlier; undoing one is not enough', () => {
    const { actor, clock, variant } = start(8, 'hard');
    const batch = variant.batchChange!;
    const release = variant.release!;
    const [first, second] = batch.atMs < release.atMs ? ['config', 'deploy'] : ['deploy', 'config'];
    expect(Math.max(batch.atMs, release.atMs)).toBeLessThan(variant.onsetAtMs);
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    const kinds = actor.getSnapshot().context.happenings.map((happening) => happening.kind).filter((kind) => kind !== 'message');
    expect(kinds).toEqual([first, second]);
    actor.send({ type: 'config.changed', changes: { 'speculation.proof.batch_size': 32 }, simMs: t + 1000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send({ type: 'deployment.rolledBack', name: 'proof-worker', fromRevision: 10, toRevision: 9, revision: 11, image: 'agenc/proof-worker:2.14.3', memoryLimitBytes: 2 * 2 ** 30, simMs: t + 2000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
  });

  it('Recovery: the rollout back up in steps is fine; all at once while the fix is fresh is harmful and brings proofs back', () => {
    const seed = seedWith('batch-size');
    const { actor, t, variant } = stabilised(seed);
    actor.send({ type: 'config.changed', changes: { 'speculation.proof.batch_size': 32 }, simMs: t + 1000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.features.rollout_percentage': 50 }, simMs: t + 60_000 });
    expect(actor.getSnapshot().context.harmful).toEqual([]);
    actor.send({ type: 'config.changed', changes: { 'speculation.features.rollout_percentage': 100 }, simMs: t + 120_000 });
    const context = actor.getSnapshot().context;
    expect(context.harmful.map((harm) => harm.action)).toEqual(['restore-too-fast']);
    expect(context.harmful[0]!.why).toMatch(/from 50% to 100% at once/);
    // The relapse is physical: proof demand comes back for a while, then goes.
    expect(context.drivers.proofInflowMultiplier).toBeCloseTo(1 + (variant.peakInflow - 1) * 0.6);
    actor.send(observed(t + 120_000 + 6 * 60_000, { proofQueueRatio: 0.2 }));
    expect(actor.getSnapshot().context.drivers.proofInflowMultiplier).toBe(1);
  });

  it('Recovery: once the fix is no longer fresh, restoring the rollout at once is not harmful', () => {
    const { actor, t } = stabilised(seedWith('batch-size'));
    actor.send({ type: 'config.changed', changes: { 'speculation.proof.batch_size': 32 }, simMs: t + 1000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.features.rollout_percentage': 100 }, simMs: t + 11 * 60_000 });
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('records scaling proof workers down during the backlog as harmful', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'deployment.scaled', name: 'proof-worker', replicas: 4, simMs: variant.onsetAtMs });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['scale-down-proof-workers']);
  });

  it('is seeded, draws both causes over seeds, and crashes workers on hard', () => {
    expect(proofBacklogVariant({ seed: 2, difficulty: 'normal' })).toEqual(proofBacklogVariant({ seed: 2, difficulty: 'normal' }));
    expect(proofBacklogVariant({ seed: 2, difficulty: 'hard' }).workersCrash).toBe(true);
    const causes = new Set(Array.from({ length: 20 }, (_, seed) => proofBacklogVariant({ seed, difficulty: 'normal' }).cause));
    expect([...causes].sort()).toEqual(['batch-size', 'proof-worker-release']);
  });

  it('expects P2 (P1 in business hours): proof generation above 90% of capacity', () => {
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
