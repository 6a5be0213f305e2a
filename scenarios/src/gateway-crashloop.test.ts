import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { gatewayCrashloopMachine, gatewayCrashloopSpec, gatewayCrashloopVariant } from './gateway-crashloop';
import { findScenario, scenarioIds } from './scenario-registry';
import { readingsSatisfy } from './scenario-spec';
import { observed, readings, stepTo } from './test-readings';

function start(seed = 7, difficulty: 'easy' | 'normal' | 'hard' = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(gatewayCrashloopMachine, { clock, input: { seed, difficulty } });
  actor.start();
  return { actor, clock, variant: actor.getSnapshot().context.variant };
}

const undo = (simMs: number, image = 'agenc/gateway:2.14.3') =>
  ({ type: 'deployment.rolledBack', name: 'agenc-gateway', fromRevision: 5, toRevision: 4, revision: 6, image, memoryLimitBytes: 1024 ** 3, simMs }) as const;

describe('gateway crash loop (a P3: single pod issues)', () => {
  it('ships a release before the first exits, visible as a deploy with its change-cause', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs - 60_000);
    expect(actor.getSnapshot().context.happenings).toEqual([{ kind: 'deploy', deployment: 'agenc-gateway', image: variant.release.image, changeCause: variant.release.changeCause, by: 'ci/gateway-team' }]);
    expect(actor.getSnapshot().context.drivers.crashingDeployments).toEqual({});
    stepTo(clock, variant.onsetAtMs);
    expect(actor.getSnapshot().value).toBe('onset');
    expect(actor.getSnapshot().context.drivers.crashingDeployments).toEqual({ 'agenc-gateway': variant.crashesPerHour.onset });
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    expect(actor.getSnapshot().context.drivers.crashingDeployments).toEqual({ 'agenc-gateway': variant.crashesPerHour.peak });
  });

  it('is a P3 at its peak outside business hours, never P1 (calling it P1 is wrong)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const expected = start(seed).actor.getSnapshot().context.expected!;
      expect(['P2', 'P3']).toContain(expected.severity);
      if (!expected.reasons.some((reason) => reason.startsWith('business hours'))) expect(expected.severity).toBe('P3');
    }
  });

  it('rolling the release back removes the cause; nothing else does', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + 60_000);
    actor.send({ type: 'deployment.scaled', name: 'agenc-gateway', replicas: 4, simMs: clock.now() });
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: clock.now() });
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    // Redeploying the same broken image is not an undo.
    actor.send(undo(clock.now(), variant.release.image));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send(undo(clock.now()));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(actor.getSnapshot().context.drivers.crashingDeployments).toEqual({});
    actor.send(observed(clock.now() + 5000, { failingPods: 0 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    stepTo(clock, clock.now() + 5 * 60_000 + 1000);
    expect(actor.getSnapshot().value).toBe('recovered');
  });

  it('the crash loop on its own is no reason to disable speculation or scale the gateway away', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: clock.now() });
    actor.send({ type: 'deployment.scaled', name: 'agenc-gateway', replicas: 0, simMs: clock.now() });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['disable-for-pod-issue', 'scale-gateway-to-zero']);
  });

  it('is resolved only with speculation at its normal settings and no pod failing', () => {
    expect(readingsSatisfy(gatewayCrashloopSpec.resolved, readings({ failingPods: 0 }))).toBe(true);
    expect(readingsSatisfy(gatewayCrashloopSpec.resolved, readings({ failingPods: 1 }))).toBe(false);
    expect(readingsSatisfy(gatewayCrashloopSpec.resolved, readings({ speculationEnabled: false }))).toBe(false);
  });

  it('is seeded, and registered', () => {
    expect(gatewayCrashloopVariant({ seed: 3, difficulty: 'normal' })).toEqual(gatewayCrashloopVariant({ seed: 3, difficulty: 'normal' }));
    expect(gatewayCrashloopVariant({ seed: 3, difficulty: 'normal' })).not.toEqual(gatewayCrashloopVariant({ seed: 4, difficulty: 'normal' }));
    expect(scenarioIds).toContain('gateway-crashloop');
    expect(findScenario('gateway-crashloop')!.spec).toBe(gatewayCrashloopSpec);
  });
});
