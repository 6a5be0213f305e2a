import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { leakingRelease, memoryExhaustionMachine, memoryExhaustionVariant, relapseMs, type MemoryExhaustionVariant } from './memory-exhaustion';
import { freshFixMs } from './incident-kit';
import type { Difficulty } from './scenario-types';
import { businessHoursAtPeak, observed, stepTo } from './test-readings';

function start(seed = 5, difficulty: Difficulty = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(memoryExhaustionMachine, { clock, input: { seed, difficulty } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

/** The first seeds (from 1) whose variant's cause is of `kind`. */
function seedsWith(kind: MemoryExhaustionVariant['cause']['kind'], difficulty: Difficulty = 'normal', count = 1): number[] {
  const seeds: number[] = [];
  for (let seed = 1; seeds.length < count && seed < 200; seed++) if (memoryExhaustionVariant({ seed, difficulty }).cause.kind === kind) seeds.push(seed);
  return seeds;
}

const releaseSeed = seedsWith('release')[0]!;
const growthSeed = seedsWith('growth')[0]!;
const speculationTemplate = (image: string, memoryLimitBytes = 4 * 1024 ** 3) => ({ name: 'speculation-engine', fromRevision: 5, revision: 6, image, memoryLimitBytes });

describe('memory exhaustion', () => {
  it('has both causes among its seeds', () => {
    const kinds = new Set(Array.from({ length: 20 }, (_, i) => memoryExhaustionVariant({ seed: i + 1, difficulty: 'normal' }).cause.kind));
    expect(kinds).toEqual(new Set(['release', 'growth']));
  });

  it('a release: the engine team CI rolls out 2.14.4 shortly before onset, announced in #deploys, and its pods leak', () => {
    const { actor, clock, variant } = start(releaseSeed);
    if (variant.cause.kind !== 'release') throw new Error('not a release variant');
    expect(variant.cause.deployAtMs).toBeLessThan(variant.onsetAtMs);
    expect(variant.onsetAtMs - variant.cause.deployAtMs).toBeLessThanOrEqual(150_000);
    stepTo(clock, variant.cause.deployAtMs);
    const { happenings } = actor.getSnapshot().context;
    expect(happenings).toEqual([
      expect.objectContaining({ kind: 'message', channel: '#deploys', from: leakingRelease.by }),
      { kind: 'deploy', deployment: 'speculation-engine', image: leakingRelease.image, changeCause: expect.stringContaining('snapshot compaction rework') as unknown, by: leakingRelease.by },
    ]);
    // Evidence, not a verdict: nothing a responder reads says it leaks.
    for (const happening of happenings) expect(happening.kind === 'message' ? happening.text : happening.kind === 'deploy' ? happening.changeCause : '').not.toMatch(/leak|cause|memory|bug/i);
    expect(actor.getSnapshot().context.drivers.memoryLeakBytesPerSec).toBe(0);
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().value).toBe('onset');
    expect(actor.getSnapshot().context.drivers).toMatchObject({ snapshotSweeperStalled: true, leakingImage: leakingRelease.image });
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    expect(actor.getSnapshot().value).toBe('escalating');
    expect(actor.getSnapshot().context.drivers.memoryLeakBytesPerSec).toBe(variant.peakLeakBytesPerSec);
  });

  it('a release: the cause is fixed once a rollback has replaced every pod of the release, not before', () => {
    const { actor, clock, variant } = start(releaseSeed);
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    actor.send({ type: 'deployment.updated', ...speculationTemplate(leakingRelease.image, 8 * 1024 ** 3), simMs: t });
    actor.send(observed(t + 5000, { speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send({ type: 'deployment.rolledBack', ...speculationTemplate('agenc/speculation-engine:2.14.3'), toRevision: 5, simMs: t + 6000 });
    actor.send(observed(t + 10_000, { speculationPodsOutdated: 2 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send(observed(t + 15_000, { speculationPodsOutdated: 0, memoryRatio: 0.6 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(actor.getSnapshot().context.causeFixedAtMs).toBe(t + 15_000);
    actor.send(observed(t + 20_000, { memoryRatio: 0.6 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    // Rolling forward to the release again brings the cause back.
    actor.send({ type: 'deployment.rolledBack', ...speculationTemplate(leakingRelease.image), toRevision: 6, simMs: t + 30_000 });
    actor.send(observed(t + 35_000, { speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
  });

  it('growth: no deploy, a heads-up in #platform-alerts, load and working set up; fixed by a limit that fits on every pod', () => {
    const { actor, clock, variant } = start(growthSeed);
    if (variant.cause.kind !== 'growth') throw new Error('not a growth variant');
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    const { happenings, drivers } = actor.getSnapshot().context;
    expect(happenings.map((happening) => happening.kind)).toEqual(['message']);
    expect(happenings[0]).toMatchObject({ channel: '#platform-alerts' });
    expect(drivers).toMatchObject({ loadMultiplier: variant.cause.peakLoadMultiplier, workingSetMultiplier: variant.cause.peakWorkingSetMultiplier, memoryLeakBytesPerSec: 0, snapshotSweeperStalled: false });
    const t = clock.now();
    actor.send({ type: 'deployment.updated', ...speculationTemplate('agenc/speculation-engine:2.14.3', variant.cause.neededLimitBytes - 1024 ** 3), simMs: t });
    actor.send(observed(t + 5000, { speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send({ type: 'deployment.updated', ...speculationTemplate('agenc/speculation-engine:2.14.3', variant.cause.neededLimitBytes), simMs: t + 6000 });
    actor.send(observed(t + 10_000, { speculationPodsOutdated: 1 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send(observed(t + 15_000, { speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
  });

  it('hard: a raised snapshot retention before onset is a second cause, fixed only once put back', () => {
    const seed = seedsWith('release', 'hard')[0]!;
    const { actor, clock, variant } = start(seed, 'hard');
    expect(variant.retentionChange).not.toBeNull();
    stepTo(clock, variant.onsetAtMs);
    const config = actor.getSnapshot().context.happenings.find((happening) => happening.kind === 'config');
    expect(config).toMatchObject({ changes: { 'speculation.snapshots.retention_minutes': variant.retentionChange!.minutes }, by: 'data-platform' });
    const t = clock.now();
    actor.send({ type: 'deployment.rolledBack', ...speculationTemplate('agenc/speculation-engine:2.14.3'), toRevision: 5, simMs: t });
    actor.send(observed(t + 5000));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send({ type: 'config.changed', changes: { 'speculation.snapshots.retention_minutes': 20 }, simMs: t + 6000 });
    actor.send(observed(t + 10_000));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(memoryExhaustionVariant({ seed, difficulty: 'normal' }).retentionChange).toBeNull();
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

  it('a forced GC and cleared snapshots mitigate; without the cause fixed it stays mitigated, not recovered', () => {
    const { actor, clock, variant } = start(releaseSeed);
    const t = variant.onsetAtMs + variant.escalateAfterMs;
    stepTo(clock, t);
    actor.send(observed(t, { memoryRatio: 0.5, oomKilledPods: 0 }));
    expect(actor.getSnapshot().value).toBe('escalating');
    actor.send({ type: 'gc.forced', simMs: t + 1000 });
    actor.send({ type: 'snapshots.cleared', removed: 5000, olderThanMs: 1_800_000, simMs: t + 2000 });
    actor.send(observed(t + 5000, { memoryRatio: 0.7 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: t + 6000 });
    actor.send(observed(t + 10_000, { memoryRatio: 0.6 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('records deeper speculation and longer snapshot retention as harmful', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 6 }, simMs: variant.onsetAtMs });
    actor.send({ type: 'config.changed', changes: { 'speculation.snapshots.retention_minutes': 120 }, simMs: variant.onsetAtMs });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['deepen-while-exhausted', 'retain-more-snapshots']);
  });

  it('restoring depth at once while the fix is fresh is harmful and makes memory climb again for a while; a step at a time is not', () => {
    const fixedAt = (seed: number) => {
      const { actor, clock, variant } = start(seed);
      const t = variant.onsetAtMs + variant.escalateAfterMs;
      stepTo(clock, t);
      actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: t });
      actor.send({ type: 'deployment.rolledBack', ...speculationTemplate('agenc/speculation-engine:2.14.3'), toRevision: 5, simMs: t + 1000 });
      actor.send(observed(t + 5000, { maxDepth: 2 }));
      expect(actor.getSnapshot().context.causeFixed).toBe(true);
      return { actor, t: t + 5000 };
    };
    const hasty = fixedAt(releaseSeed);
    const before = hasty.actor.getSnapshot().context.drivers;
    hasty.actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 4 }, simMs: hasty.t + 1000 });
    expect(hasty.actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['restore-too-fast']);
    const surging = hasty.actor.getSnapshot().context.drivers;
    expect(surging.loadMultiplier).toBeGreaterThan(before.loadMultiplier);
    expect(surging.workingSetMultiplier).toBeGreaterThan(before.workingSetMultiplier);
    hasty.actor.send(observed(hasty.t + 1000 + relapseMs, { maxDepth: 4 }));
    expect(hasty.actor.getSnapshot().context.drivers).toEqual(before);

    const careful = fixedAt(releaseSeed);
    careful.actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 3 }, simMs: careful.t + 1000 });
    careful.actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 4 }, simMs: careful.t + 120_000 });
    expect(careful.actor.getSnapshot().context.harmful).toEqual([]);
    const late = fixedAt(releaseSeed);
    late.actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 4 }, simMs: late.t + freshFixMs });
    expect(late.actor.getSnapshot().context.harmful).toEqual([]);
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
