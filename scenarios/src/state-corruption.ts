/**
 * INC-SPEC-004, state corruption. A race between speculative commits and worker writes puts
 * inconsistent state in the store; the background integrity checker starts failing. Corruption
 * spreads while speculation runs and workers write. Disabling speculation and stopping workers
 * stop the spread; a full integrity check reports the scope.
 *
 * The lifecycle: once speculation is off and the workers are stopped, the data-engineering team
 * says in #incidents that they are restoring the store to its last known good point (there is no
 * restore command: they do it, announced, and say when it is done, at a seeded moment). At a
 * seeded moment after the page the engine team ships the fix as a release (2.14.5, "fix for
 * concurrent commit race"), announced in #deploys and #incidents, and it rolls out visibly; the
 * cause is gone once every speculation pod runs it. Then the runbook's Recovery: a clean full
 * integrity check validates the data, and speculation comes back at max_depth 1, deepened a step
 * at a time. Re-enabling (or restarting workers) before the fix, or before a clean full check,
 * is harmful; so is restoring too fast while the fix is fresh, which lets chains hit the race's
 * last edge again for a few minutes. Clearing snapshots destroys the restore points.
 *
 * On hard, a teammate loosened `speculation.commit_validation` shortly before onset (it is in the
 * config history, and the engine's commit lines say how read sets are checked): commits built on
 * stale state land unchecked, so corruption comes back after the fix whenever speculation runs
 * with workers writing, until someone puts validation back to strict. A full check that finds
 * records again after the restore sends the data team back to restore once nothing writes.
 */
import { assertEvent, assign, setup } from 'xstate';
import { commonVariant, configChanges, defaultTrackedConfig, disableSpeculationStep, incidentContext, peakCircumstances, phaseDelays, readingAbove, reenableShallowStep, restoringTooFast, trackedConfigAfter, type CommonVariant, type TrackedConfig, variantFaker, withHarm } from './incident-kit';
import { type Happening, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { growthOf, normalSettings, type ScenarioSpec } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

/** The release that fixes the race, as the engine team's CI ships it. */
export const fixRelease = { image: 'agenc/speculation-engine:2.14.5', by: 'speculation-engine-ci', team: 'speculation-engine team' } as const;
/** How long corruption comes back after speculation was restored too fast on a fresh fix. */
export const relapseMs = 5 * 60_000;

/** The values `speculation.commit_validation` takes: how much of each commit's read set is checked before it lands. */
export type CommitValidation = 'strict' | 'sampled' | 'off';

/**
 * Records a minute that land inconsistent when `speculation.commit_validation` is loosened, with
 * speculation on and the workers writing: commits built on state a worker has since rewritten
 * are no longer all turned back. Deeper chains read older state, so more of it is stale. Strict
 * validation lets none through. Declared with the incident whose hard variant loosens it; the
 * world applies it in every drill.
 */
export function looseValidationCorruptionPerMin(validation: string, maxDepth: number): number {
  const perMin = validation === 'off' ? 24 : validation === 'sampled' ? 8 : 0;
  return perMin * Math.min(1.5, maxDepth / 4);
}

/** A teammate's loosening of commit validation shortly before onset (hard only): the second contributing cause. */
export interface ValidationChange {
  /** Simulated ms after the drill starts; always before onset. */
  atMs: number;
  validation: Exclude<CommitValidation, 'strict'>;
  by: string;
  reason: string;
}

export interface StateCorruptionVariant extends CommonVariant {
  /** Records corrupted per minute at the peak, with speculation on and workers writing. */
  peakCorruptionPerMin: number;
  /** When the fix for the race starts rolling out, simulated ms after the drill starts. */
  fixDeployAtMs: number;
  /** How long the data team's restore takes once speculation is off and the workers are stopped. */
  restoreTakesMs: number;
  pipeline: number;
  /** Hard only: the loosened commit validation; null on easy and normal. */
  validationChange: ValidationChange | null;
}

export interface StateCorruptionContext extends ScenarioContext {
  variant: StateCorruptionVariant;
  /** A full integrity check has reported the scope. */
  scopeKnown: boolean;
  /** The speculation-engine template's image as this scenario knows it (null: as seeded). */
  image: string | null;
  fixDeployed: boolean;
  /** Every speculation pod runs the fix: the race is gone (the first cause). */
  raceFixed: boolean;
  /** `speculation.commit_validation` as the teammate and the responder left it (the second cause, hard). */
  validation: string;
  /** The teammate's validation change is out. */
  validationChanged: boolean;
  /** When both causes were gone: the Recovery's "fresh fix" counts from here. */
  causeFixedAtMs: number | null;
  /** When the data team started restoring, and whether it is done. */
  restoreStartedMs: number | null;
  restored: boolean;
  /** A full check after the fix and the restore found nothing: the data is validated. */
  validated: boolean;
  /** Corrupt records at the last observation (the truth: only the scenario reads it). */
  corruptNow: number;
  tracked: TrackedConfig;
  relapseUntilMs: number;
}

export function stateCorruptionVariant(input: ScenarioInput): StateCorruptionVariant {
  const faker = variantFaker(input, 4);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const peakCorruptionPerMin = faker.number.int({ min: 20, max: 80 }) * (input.difficulty === 'hard' ? 2 : 1);
  const fixDeployAtMs = common.onsetAtMs + faker.number.int({ min: 30, max: 50 }) * 60_000;
  // Drawn after the draws above, so a seed keeps its timings.
  const restoreTakesMs = faker.number.int({ min: 8, max: 20 }) * 60_000;
  const pipeline = faker.number.int({ min: 40_000, max: 49_999 });
  // Drawn after everything above, so existing seeds keep their timings.
  const teammate = faker.person.firstName().toLowerCase();
  const validationChange: ValidationChange = {
    atMs: Math.round(common.onsetAtMs * faker.number.float({ min: 0.2, max: 0.7 })),
    validation: faker.helpers.arrayElement(['sampled', 'off'] as const),
    by: teammate,
    reason: faker.helpers.arrayElement([
      `cut commit latency p99 (PERF-${faker.number.int({ min: 100, max: 999 })})`,
      'read-set validation is most of the commit path; sample it instead',
      `unblock throughput test for tenant onboarding (OPS-${faker.number.int({ min: 100, max: 999 })})`,
    ]),
  };
  return { ...common, peakCorruptionPerMin, fixDeployAtMs, restoreTakesMs, pipeline, validationChange: input.difficulty === 'hard' ? validationChange : null };
}

export const stateCorruptionMachine = setup({
  types: {
    context: {} as StateCorruptionContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isSpreadStopped: ({ event }) => event.type === 'world.observed' && (!event.readings.speculationEnabled || event.readings.agencWorkersReady === 0),
    // Corruption spreads again while either cause is there: the race, or (hard) loosened validation.
    isSpreading: ({ context, event }) => event.type === 'world.observed' && !context.causeFixed && event.readings.speculationEnabled && event.readings.agencWorkersReady > 0,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && context.validated && event.readings.speculationEnabled && event.readings.agencWorkersReady > 0,
    isReenabledBeforeFix: ({ context, event }) => !context.raceFixed && configChanges(event)['speculation.enabled'] === true,
    isReenabledBeforeValidation: ({ context, event }) => context.raceFixed && !context.validated && configChanges(event)['speculation.enabled'] === true,
    isRestoringTooFast: ({ context, event }) => event.type === 'config.changed' && restoringTooFast(context.tracked, trackedConfigAfter(context.tracked, event), context.causeFixedAtMs, event.simMs) !== null,
    isFullCheck: ({ event }) => event.type === 'integrity.checked' && event.full,
    isLooseningValidation: ({ event }) => {
      const validation = configChanges(event)['speculation.commit_validation'];
      return typeof validation === 'string' && validation !== 'strict';
    },
    isEvidenceDeleted: ({ event }) => event.type === 'snapshots.cleared' && event.removed > 0,
    isWorkersRestartedBeforeFix: ({ context, event }) => !context.raceFixed && event.type === 'deployment.scaled' && event.name === 'agenc-worker' && event.replicas > 0,
    isSpeculationTemplate: ({ event }) => (event.type === 'deployment.updated' || event.type === 'deployment.rolledBack') && event.name === 'speculation-engine',
  },
  actions: {
    setCorruption: assign(({ context }, params: { fraction: number }) => ({
      drivers: { ...context.drivers, corruptionPerMin: context.raceFixed ? 0 : context.variant.peakCorruptionPerMin * params.fraction },
    })),
    /**
     * Every observation: the outside world moves on. The fix ships at its moment; the data team
     * starts restoring once nothing writes and finishes at its moment; the cause is gone once
     * every pod runs the fix; a relapse ends.
     */
    observe: assign(({ context, event }) => {
      assertEvent(event, 'world.observed');
      const { readings, simMs } = event;
      const happenings: Happening[] = [];
      let { image, fixDeployed, restoreStartedMs, restored, relapseUntilMs, validation, validationChanged } = context;
      const change = context.variant.validationChange;
      if (change && !validationChanged && simMs >= change.atMs) {
        validationChanged = true;
        validation = change.validation;
        happenings.push({ kind: 'config', changes: { 'speculation.commit_validation': change.validation }, by: change.by, reason: change.reason });
      }
      if (!fixDeployed && simMs >= context.variant.fixDeployAtMs) {
        fixDeployed = true;
        image = fixRelease.image;
        happenings.push(
          { kind: 'message', channel: '#incidents', from: fixRelease.team, text: 'fix for concurrent commit race in 2.14.5, rolling out now' },
          { kind: 'message', channel: '#deploys', from: fixRelease.by, text: `speculation-engine 2.14.5 rolling out to production (fix concurrent commit race) · pipeline #${context.variant.pipeline}` },
          { kind: 'deploy', deployment: 'speculation-engine', image: fixRelease.image, changeCause: `deploy ${fixRelease.image} (fix concurrent commit race, release pipeline #${context.variant.pipeline})`, by: fixRelease.by },
        );
      }
      if (restoreStartedMs === null && context.scopeKnown && !readings.speculationEnabled && readings.agencWorkersReady === 0) {
        restoreStartedMs = simMs;
        happenings.push({
          kind: 'message',
          channel: '#incidents',
          from: 'data-engineering',
          text: `we have the scope from the full integrity check. Restoring the speculation state store to its last known good point now; expect about ${Math.round(context.variant.restoreTakesMs / 60_000)} minutes. Keep speculation off and the workers stopped until we say it is done`,
        });
      }
      if (restoreStartedMs !== null && !restored && simMs - restoreStartedMs >= context.variant.restoreTakesMs) {
        restored = true;
        happenings.push(
          { kind: 'restore', by: 'data-engineering', note: 'speculation state store restored to its last known good point' },
          { kind: 'message', channel: '#incidents', from: 'data-engineering', text: 'restore of the speculation state store is done. Validate with a full integrity check before anything writes again' },
        );
      }
      const raceFixed = fixDeployed && image === fixRelease.image && readings.speculationPodsOutdated === 0;
      const causeFixed = raceFixed && validation === 'strict';
      const surgeOver = relapseUntilMs > 0 && simMs >= relapseUntilMs;
      if (surgeOver) relapseUntilMs = 0;
      const corruptionPerMin = raceFixed ? (relapseUntilMs > 0 ? context.variant.peakCorruptionPerMin * 0.2 : 0) : context.drivers.corruptionPerMin;
      return {
        image,
        fixDeployed,
        restoreStartedMs,
        restored,
        relapseUntilMs,
        validation,
        validationChanged,
        raceFixed,
        causeFixed,
        causeFixedAtMs: causeFixed ? (context.causeFixedAtMs ?? simMs) : null,
        // The restore replaces every corrupt record on the world's next tick: none is left to count.
        corruptNow: restored && !context.restored ? 0 : readings.corruptedRecords,
        happenings: happenings.length > 0 ? [...context.happenings, ...happenings] : context.happenings,
        drivers: corruptionPerMin === context.drivers.corruptionPerMin ? context.drivers : { ...context.drivers, corruptionPerMin },
      };
    }),
    noteTemplate: assign(({ event }) => {
      if (event.type !== 'deployment.updated' && event.type !== 'deployment.rolledBack') return {};
      return { image: event.image };
    }),
    /**
     * A full check reports the scope. Clean after the fix and the restore, it validates the data;
     * finding records again after a restore (something wrote through a cause that was still
     * there) undoes the validation, and the data team restores again once nothing writes.
     */
    noteFullCheck: assign(({ context }) => {
      if (context.restored && context.corruptNow > 0) return { scopeKnown: true, validated: false, restored: false, restoreStartedMs: null };
      return { scopeKnown: true, validated: context.validated || (context.raceFixed && context.restored && context.corruptNow === 0) };
    }),
    trackConfig: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const validation = event.changes['speculation.commit_validation'];
      if (typeof validation !== 'string') return { tracked: trackedConfigAfter(context.tracked, event) };
      const causeFixed = context.raceFixed && validation === 'strict';
      return { tracked: trackedConfigAfter(context.tracked, event), validation, causeFixed, causeFixedAtMs: causeFixed ? (context.causeFixedAtMs ?? event.simMs) : null };
    }),
    startRelapse: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      // Deep chains on a fresh fix reach the race's last edge: some corruption again, for a while.
      return { relapseUntilMs: event.simMs + relapseMs, drivers: { ...context.drivers, corruptionPerMin: context.variant.peakCorruptionPerMin * 0.2 } };
    }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
    recordRestoringTooFast: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const why = restoringTooFast(context.tracked, trackedConfigAfter(context.tracked, event), context.causeFixedAtMs, event.simMs) ?? '';
      return withHarm(context, event, { action: 'restore-too-fast', why });
    }),
  },
}).createMachine({
  id: 'state-corruption',
  context: ({ input }) => {
    const variant = stateCorruptionVariant(input);
    return {
      variant,
      // Data is known to be at risk once an integrity scan finds inconsistent records (no variant has a workaround).
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, dataAtRisk: true, ...peakCircumstances(variant, input) }),
      scopeKnown: false,
      image: null,
      fixDeployed: false,
      raceFixed: false,
      validation: 'strict',
      validationChanged: false,
      causeFixedAtMs: null,
      restoreStartedMs: null,
      restored: false,
      validated: false,
      corruptNow: 0,
      tracked: { ...defaultTrackedConfig },
      relapseUntilMs: 0,
    };
  },
  initial: 'healthy',
  on: {
    'integrity.checked': { guard: 'isFullCheck', actions: 'noteFullCheck' },
    'deployment.updated': { guard: 'isSpeculationTemplate', actions: 'noteTemplate' },
    'deployment.rolledBack': { guard: 'isSpeculationTemplate', actions: 'noteTemplate' },
    'snapshots.cleared': {
      guard: 'isEvidenceDeleted',
      actions: { type: 'recordHarm', params: { action: 'clear-snapshots', why: 'cleared snapshots during state corruption: the last known good state to restore from is gone' } },
    },
    'config.changed': [
      { guard: 'isReenabledBeforeFix', actions: [{ type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the race was fixed: corruption spreads' } }, 'trackConfig'] },
      {
        guard: 'isReenabledBeforeValidation',
        actions: [{ type: 'recordHarm', params: { action: 'reenable-before-validation', why: 're-enabled speculation before a clean full integrity check: corrupt records may be read and spread' } }, 'trackConfig'],
      },
      { guard: 'isRestoringTooFast', actions: ['recordRestoringTooFast', 'startRelapse', 'trackConfig'] },
      {
        guard: 'isLooseningValidation',
        actions: [{ type: 'recordHarm', params: { action: 'loosen-validation', why: 'loosened speculation.commit_validation during state corruption: commits built on stale state land unchecked' } }, 'trackConfig'],
      },
      { actions: 'trackConfig' },
    ],
    'deployment.scaled': {
      guard: 'isWorkersRestartedBeforeFix',
      actions: { type: 'recordHarm', params: { action: 'restart-workers-before-fix', why: 'restarted agenc workers before the fix: they write through the race again' } },
    },
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
      // Before onset only the outside world moves: on hard, the teammate's validation change.
      on: { 'world.observed': { actions: 'observe' } },
    },
    onset: {
      entry: { type: 'setCorruption', params: { fraction: 0.3 } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    escalating: {
      entry: { type: 'setCorruption', params: { fraction: 1 } },
      after: { turnCritical: 'critical' },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    critical: {
      // Left running, the race corrupts faster as damaged records feed later commits.
      entry: { type: 'setCorruption', params: { fraction: 2 } },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered', actions: 'observe' }, { guard: 'isSpreading', target: 'critical', actions: 'observe' }, { actions: 'observe' }] },
    },
    recovered: {
      on: { 'world.observed': { actions: 'observe' } },
    },
  },
});

export const stateCorruptionSpec: ScenarioSpec = {
  incident: 'INC-SPEC-004',
  trigger: 'State integrity check failures, inconsistent data',
  runbookSection: 'INC-SPEC-004: State Corruption',
  alertRules: [
    {
      name: 'SpeculationStateCorruption',
      severity: 'critical',
      runbookSeverity: 'P1',
      summary: 'State integrity checks failing',
      trigger: 'State integrity check failures, inconsistent data',
      // Scans that found inconsistent records in the last 15 minutes: once the store is clean
      // again (restored, the race fixed) the scans pass and the alert resolves.
      expr: 'increase(speculation_integrity_check_failures_total[15m]) > 0',
      forMs: 0,
      ...readingAbove('integrityCheckFailuresRecent', 0),
    },
  ],
  requiredActions: [
    disableSpeculationStep({ description: 'IMMEDIATELY disable speculation', order: 1, deadlineMs: 5 * 60_000, why: 'stops the racing speculative commits that write corrupt state' }),
    {
      id: 'stop-workers',
      description: 'Stop all workers',
      command: 'kubectl scale deployment agenc-worker -n production --replicas=0',
      anyOf: [{ kind: 'scale', deployment: 'agenc-worker', atMost: 0 }],
      order: 2,
      deadlineMs: 10 * 60_000,
      why: 'stops every writer, so no corrupt record spreads further',
    },
    {
      id: 'check-integrity',
      description: 'Run integrity check',
      command: 'agenc admin check-integrity --component speculation --full',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/check-integrity', detail: { full: true } }],
      order: 3,
      deadlineMs: 20 * 60_000,
      why: 'tells you the scope: how many records, which shards, the last known good point',
    },
  ],
  harmfulActions: [
    { id: 'clear-snapshots', description: 'Clear snapshots', why: 'destroys the last known good state to restore from' },
    { id: 'reenable-before-fix', description: 'Re-enable speculation before the fix', why: 'corruption spreads' },
    { id: 'restart-workers-before-fix', description: 'Scale agenc-worker up before the fix', why: 'workers write through the race again' },
    { id: 'reenable-before-validation', description: 'Re-enable speculation before a clean full integrity check', why: 'corrupt records may be read and spread' },
    { id: 'restore-too-fast', description: 'Restore speculation deeper than max_depth 1, or raise the depth more than a step at once, while the fix is fresh', why: 'deep chains reach the race again' },
    { id: 'loosen-validation', description: 'Loosen speculation.commit_validation (sampled or off)', why: 'commits built on stale state land unchecked: more inconsistent records' },
  ],
  mitigated: {
    all: [{ reading: 'speculationEnabled', op: '==', value: false }],
    forMs: 60_000,
    description: 'speculation disabled: no new corrupt writes',
  },
  resolved: {
    all: [...normalSettings, { reading: 'agencWorkersReady', op: '>', value: 0 }, { reading: 'corruptedRecords', op: '==', value: 0 }],
    forMs: 10 * 60_000,
    description: 'with the fix rolled out (and, on hard, commit validation back to strict) and the data restored, speculation on at its normal settings and the workers writing, with no corrupt record, for ten minutes',
  },
  cause: {
    kind: 'bug',
    description:
      'a race between speculative commits and worker writes corrupted state records; the engine team ships the fix as release 2.14.5. On hard, a teammate had loosened speculation.commit_validation shortly before: commits built on stale state landed unchecked, and kept corrupting records after the fix until validation was put back to strict',
    evidence: [
      { command: 'agenc admin check-integrity --component speculation --full', shows: 'how many records are inconsistent, in which shards, and when the first was written' },
      { command: 'agenc messages --channel "#incidents"', shows: "the engine team's fix rolling out, and the data team's restore" },
      { command: 'kubectl rollout status deployment/speculation-engine -n production', shows: 'the fix rolling out pod by pod' },
      { command: 'agenc config history --since 2h', shows: 'on hard, who loosened speculation.commit_validation from strict, when and why' },
      { command: 'kubectl logs deployment/speculation-engine -n production | grep committed', shows: 'on hard, commit lines saying read sets are checked 1 in 8, or not checked' },
    ],
    fix: 'the engine team ships the fix as a new release (2.14.5), announced; the race is gone once every speculation pod runs it. The data team restores the store once speculation is off and the workers stopped. On hard, the responder also sets speculation.commit_validation back to strict',
  },
  recovery: [
    {
      id: 'strict-commit-validation',
      description: 'Put commit validation back to strict (hard: a teammate loosened it)',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.commit_validation": "strict"}'`,
      anyOf: [{ kind: 'config', key: 'speculation.commit_validation', value: 'strict' }],
      why: 'with validation loosened, commits built on stale state land unchecked: corruption comes back after the fix',
    },
    {
      id: 'validate-before-reenabling',
      description: 'Validate all data before re-enabling',
      command: 'agenc admin check-integrity --component speculation --full',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/check-integrity', detail: { full: true } }],
      why: 'a clean full check is the proof that nothing corrupted is left to spread',
    },
    reenableShallowStep({ id: 'reenable-at-depth-1', description: 'Re-enable with max_depth 1', why: 'a fix that does not hold hurts a few shallow chains, not all of them' }),
    {
      id: 'restart-workers',
      description: 'Bring the workers back',
      command: 'kubectl scale deployment agenc-worker -n production --replicas=4',
      anyOf: [{ kind: 'scale', deployment: 'agenc-worker', atLeast: 1 }],
      why: 'the service does no work without them',
    },
  ],
  stabiliseFirst: true,
  escalateTo: [],
  onboardingRank: 5,
  impact: {
    unit: 'records corrupted',
    description: 'every state record corrupted while the race runs (a restore puts them back, but they were wrong and read meanwhile); a minute of speculation off costs an average minute of the incident left alone',
    harmPerSecond: (now, before) => growthOf(now.corruptedRecords, before.corruptedRecords),
    unavailableWeight: 1,
  },
};

export const stateCorruptionScenario: ScenarioDefinition = {
  id: 'state-corruption',
  incident: 'INC-SPEC-004',
  title: 'State corruption',
  summary: 'A race in concurrent commits writes inconsistent state; integrity checks start failing.',
  difficulty: 'hard',
  machine: stateCorruptionMachine,
  spec: stateCorruptionSpec,
};
