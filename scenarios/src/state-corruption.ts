/**
 * INC-SPEC-004, state corruption. A race in concurrent speculative commits writes inconsistent
 * state; the background integrity checker starts failing. Corruption spreads while speculation
 * runs and workers write. Disabling speculation and stopping workers stop the spread; a full
 * integrity check reports the scope. What the runbook forbids hurts: clearing snapshots destroys
 * the restore points, and re-enabling (or restarting workers) before the fix spreads corruption.
 */
import { assign, setup } from 'xstate';
import { commonVariant, configChanges, peakCircumstances, phaseDelays, disableSpeculationStep, incidentContext, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import type { ScenarioSpec } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

export interface StateCorruptionVariant extends CommonVariant {
  /** Records corrupted per minute at the peak, with speculation on and workers writing. */
  peakCorruptionPerMin: number;
  /** When the fix for the race is deployed, simulated ms after the drill starts. */
  causeFixedAtMs: number;
}

export interface StateCorruptionContext extends ScenarioContext {
  variant: StateCorruptionVariant;
  causeFixed: boolean;
  /** A full integrity check has reported the scope. */
  scopeKnown: boolean;
}

export function stateCorruptionVariant(input: ScenarioInput): StateCorruptionVariant {
  const faker = variantFaker(input, 4);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  return {
    ...common,
    peakCorruptionPerMin: faker.number.int({ min: 20, max: 80 }) * (input.difficulty === 'hard' ? 2 : 1),
    causeFixedAtMs: common.onsetAtMs + faker.number.int({ min: 30, max: 50 }) * 60_000,
  };
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
    isSpreading: ({ context, event }) => event.type === 'world.observed' && !context.causeFixed && event.readings.speculationEnabled && event.readings.agencWorkersReady > 0,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled && event.readings.agencWorkersReady > 0,
    isCauseDue: ({ context, event }) => !context.causeFixed && event.simMs >= context.variant.causeFixedAtMs,
    isReenabledBeforeFix: ({ context, event }) => !context.causeFixed && configChanges(event)['speculation.enabled'] === true,
    isFullCheck: ({ event }) => event.type === 'integrity.checked' && event.full,
    isEvidenceDeleted: ({ event }) => event.type === 'snapshots.cleared' && event.removed > 0,
    isWorkersRestartedBeforeFix: ({ context, event }) => !context.causeFixed && event.type === 'deployment.scaled' && event.name === 'agenc-worker' && event.replicas > 0,
  },
  actions: {
    setCorruption: assign(({ context }, params: { fraction: number }) => ({
      drivers: { ...context.drivers, corruptionPerMin: context.causeFixed ? 0 : context.variant.peakCorruptionPerMin * params.fraction },
    })),
    fixCause: assign(({ context }) => ({ causeFixed: true, drivers: { ...context.drivers, corruptionPerMin: 0 } })),
    markScopeKnown: assign({ scopeKnown: true }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
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
      causeFixed: false,
      scopeKnown: false,
    };
  },
  initial: 'healthy',
  on: {
    'world.observed': { guard: 'isCauseDue', actions: 'fixCause' },
    'integrity.checked': { guard: 'isFullCheck', actions: 'markScopeKnown' },
    'snapshots.cleared': {
      guard: 'isEvidenceDeleted',
      actions: { type: 'recordHarm', params: { action: 'clear-snapshots', why: 'cleared snapshots during state corruption: the last known good state to restore from is gone' } },
    },
    'config.changed': {
      guard: 'isReenabledBeforeFix',
      actions: { type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the race was fixed: corruption spreads' } },
    },
    'deployment.scaled': {
      guard: 'isWorkersRestartedBeforeFix',
      actions: { type: 'recordHarm', params: { action: 'restart-workers-before-fix', why: 'restarted agenc workers before the fix: they write through the race again' } },
    },
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setCorruption', params: { fraction: 0.3 } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    escalating: {
      entry: { type: 'setCorruption', params: { fraction: 1 } },
      after: { turnCritical: 'critical' },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    critical: {
      // Left running, the race corrupts faster as damaged records feed later commits.
      entry: { type: 'setCorruption', params: { fraction: 2 } },
      on: { 'world.observed': [{ guard: 'isSpreadStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isSpreading', target: 'critical' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    recovered: {},
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
      expr: 'speculation_integrity_check_failures_total > 0',
      forMs: 0,
      holds: (readings) => readings.integrityCheckFailures > 0,
      value: (readings) => readings.integrityCheckFailures,
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
  ],
  mitigated: {
    all: [{ reading: 'speculationEnabled', op: '==', value: false }],
    forMs: 60_000,
    description: 'speculation disabled: no new corrupt writes',
  },
  resolved: {
    all: [
      { reading: 'speculationEnabled', op: '==', value: true },
      { reading: 'agencWorkersReady', op: '>', value: 0 },
    ],
    forMs: 10 * 60_000,
    description: 'after the fix, speculation and workers back on for ten minutes',
  },
  cause: {
    kind: 'bug',
    description: 'a race between speculative commits and worker writes corrupted state records',
    evidence: [
      { command: 'agenc admin check-integrity --component speculation --full', shows: 'how many records are inconsistent, and in which shards' },
    ],
    fix: 'the engine team ships a fix for the race as a new deploy',
  },
  recovery: [
    {
      id: 'validate-before-reenabling',
      description: 'Validate all data before re-enabling',
      command: 'agenc admin check-integrity --component speculation --full',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/check-integrity', detail: { full: true } }],
      why: 'a clean full check is the proof that nothing corrupted is left to spread',
    },
  ],
  stabiliseFirst: true,
  escalateTo: [],
  onboardingRank: 5,
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
