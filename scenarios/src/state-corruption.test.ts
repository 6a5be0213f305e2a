import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { fixRelease, looseValidationCorruptionPerMin, stateCorruptionMachine, stateCorruptionVariant } from './state-corruption';
import { observed, stepTo } from './test-readings';

function start(seed = 13, difficulty: 'normal' | 'hard' = 'normal') {
  const clock = new SimulatedClock();
  const actor = createActor(stateCorruptionMachine, { clock, input: { seed, difficulty } });
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

  it('the fix ships announced at its moment and rolls out; the data team restores once nothing writes; a clean full check validates; recovery a step at a time', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs + variant.escalateAfterMs);
    let t = clock.now();
    // Stabilise: speculation off, workers stopped, the scope known.
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t });
    actor.send({ type: 'integrity.checked', full: true, simMs: t + 1000 });
    actor.send(observed(t + 5000, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 900 }));
    expect(actor.getSnapshot().value).toBe('mitigated');
    const restoreNotice = actor.getSnapshot().context.happenings.at(-1);
    expect(restoreNotice).toMatchObject({ kind: 'message', channel: '#incidents', from: 'data-engineering' });
    actor.send(observed(t + 5000 + variant.restoreTakesMs, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 900 }));
    expect(actor.getSnapshot().context.happenings.map((happening) => happening.kind).slice(-2)).toEqual(['restore', 'message']);
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    // The fix: nothing before its moment, then announced and rolled out; fixed once every pod runs it.
    t = variant.fixDeployAtMs;
    actor.send(observed(t, { speculationEnabled: false, agencWorkersReady: 0, speculationPodsOutdated: 0 }));
    const shipped = actor.getSnapshot().context.happenings;
    expect(shipped).toContainEqual({ kind: 'message', channel: '#incidents', from: fixRelease.team, text: 'fix for concurrent commit race in 2.14.5, rolling out now' });
    expect(shipped).toContainEqual(expect.objectContaining({ kind: 'deploy', image: fixRelease.image, changeCause: expect.stringContaining('fix concurrent commit race') as unknown }));
    actor.send(observed(t + 5000, { speculationEnabled: false, agencWorkersReady: 0, speculationPodsOutdated: 2 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(false);
    actor.send(observed(t + 10_000, { speculationEnabled: false, agencWorkersReady: 0, speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    expect(actor.getSnapshot().context.drivers.corruptionPerMin).toBe(0);
    // Validate, then back a step at a time: no harm.
    actor.send({ type: 'integrity.checked', full: true, simMs: t + 11_000 });
    expect(actor.getSnapshot().context.validated).toBe(true);
    actor.send({ type: 'deployment.scaled', name: 'agenc-worker', replicas: 4, simMs: t + 12_000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, simMs: t + 13_000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.max_depth': 2 }, simMs: t + 100_000 });
    actor.send(observed(t + 105_000, { speculationEnabled: true, agencWorkersReady: 4, maxDepth: 2 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('re-enabling after the fix but before a clean full check, or too deep while the fix is fresh, is harmful; too deep brings corruption back for a while', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    const t = variant.fixDeployAtMs;
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t - 1000 });
    actor.send(observed(t, { speculationEnabled: false, speculationPodsOutdated: 0 }));
    actor.send(observed(t + 5000, { speculationEnabled: false, speculationPodsOutdated: 0 }));
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true }, simMs: t + 6000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['reenable-before-validation']);
    expect(actor.getSnapshot().context.drivers.corruptionPerMin).toBe(0);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t + 7000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 4 }, simMs: t + 8000 });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['reenable-before-validation', 'reenable-before-validation']);
  });

  it('on hard, a teammate loosens commit validation before onset, in the config history; the incident is not over until it is strict again', () => {
    const { actor, clock, variant } = start(13, 'hard');
    const change = variant.validationChange!;
    expect(change.atMs).toBeLessThan(variant.onsetAtMs);
    expect(stateCorruptionVariant({ seed: 13, difficulty: 'normal' }).validationChange).toBeNull();
    stepTo(clock, change.atMs);
    actor.send(observed(change.atMs));
    expect(actor.getSnapshot().context.happenings).toContainEqual({ kind: 'config', changes: { 'speculation.commit_validation': change.validation }, by: change.by, reason: change.reason });
    // Stabilise; the data team restores; the fix rolls out: the race is gone, the loosened validation is not.
    stepTo(clock, variant.onsetAtMs + 1000);
    let t = clock.now();
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t });
    actor.send({ type: 'integrity.checked', full: true, simMs: t + 1000 });
    actor.send(observed(t + 5000, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 300 }));
    actor.send(observed(t + 5000 + variant.restoreTakesMs, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 300 }));
    t = variant.fixDeployAtMs;
    actor.send(observed(t, { speculationEnabled: false, agencWorkersReady: 0 }));
    actor.send(observed(t + 5000, { speculationEnabled: false, agencWorkersReady: 0 }));
    expect(actor.getSnapshot().context).toMatchObject({ raceFixed: true, causeFixed: false, validation: change.validation });
    // Validated and re-enabled with validation still loose: the world corrupts again, the full check finds it, the data team restores again.
    actor.send({ type: 'integrity.checked', full: true, simMs: t + 6000 });
    actor.send({ type: 'deployment.scaled', name: 'agenc-worker', replicas: 4, simMs: t + 7000 });
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, simMs: t + 8000 });
    actor.send(observed(t + 120_000, { speculationEnabled: true, agencWorkersReady: 4, maxDepth: 1, corruptedRecords: 4 }));
    expect(actor.getSnapshot().value).toBe('critical');
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': false }, simMs: t + 121_000 });
    actor.send({ type: 'integrity.checked', full: true, simMs: t + 122_000 });
    expect(actor.getSnapshot().context).toMatchObject({ restored: false, validated: false });
    // Strict again: the cause is gone; the second restore, a clean check, and recovery.
    actor.send({ type: 'config.changed', changes: { 'speculation.commit_validation': 'strict' }, simMs: t + 123_000 });
    expect(actor.getSnapshot().context.causeFixed).toBe(true);
    actor.send(observed(t + 125_000, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 4 }));
    actor.send(observed(t + 125_000 + variant.restoreTakesMs, { speculationEnabled: false, agencWorkersReady: 0, corruptedRecords: 4 }));
    expect(actor.getSnapshot().context.happenings.filter((happening) => happening.kind === 'restore')).toHaveLength(2);
    t = clock.now() + 125_000 + variant.restoreTakesMs;
    actor.send({ type: 'integrity.checked', full: true, simMs: t });
    expect(actor.getSnapshot().context.validated).toBe(true);
    actor.send({ type: 'config.changed', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, simMs: t + 1000 });
    actor.send(observed(t + 5000, { speculationEnabled: true, agencWorkersReady: 4, maxDepth: 1 }));
    expect(actor.getSnapshot().value).toBe('recovered');
    expect(actor.getSnapshot().context.harmful).toEqual([]);
  });

  it('loosening commit validation during the incident is harmful; loosened validation corrupts in the world, deeper chains more', () => {
    const { actor, clock, variant } = start();
    stepTo(clock, variant.onsetAtMs);
    actor.send({ type: 'config.changed', changes: { 'speculation.commit_validation': 'off' }, simMs: variant.onsetAtMs });
    expect(actor.getSnapshot().context.harmful.map((harm) => harm.action)).toEqual(['loosen-validation']);
    expect(looseValidationCorruptionPerMin('strict', 4)).toBe(0);
    expect(looseValidationCorruptionPerMin('sampled', 1)).toBeGreaterThan(0);
    expect(looseValidationCorruptionPerMin('off', 4)).toBeGreaterThan(looseValidationCorruptionPerMin('sampled', 4));
    expect(looseValidationCorruptionPerMin('sampled', 4)).toBeGreaterThan(looseValidationCorruptionPerMin('sampled', 1));
  });

  it('is seeded and always P1: user data at risk', () => {
    expect(stateCorruptionVariant({ seed: 1, difficulty: 'hard' })).toEqual(stateCorruptionVariant({ seed: 1, difficulty: 'hard' }));
    const { actor } = start(21);
    expect(actor.getSnapshot().context.expected?.severity).toBe('P1');
  });
});
