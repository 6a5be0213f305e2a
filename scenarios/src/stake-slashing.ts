/**
 * INC-SPEC-005, stake slashing. Speculative commits start signing conflicting results; the
 * validator is slashed for it, again and again while speculation runs. Disabling speculation
 * stops further slashing; `agenc stake status > file` preserves the evidence. Re-enabling
 * before the bug is fixed lets the slashing resume.
 */
import { assign, setup } from 'xstate';
import { commonVariant, configChanges, peakCircumstances, phaseDelays, disableSpeculationStep, incidentContext, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import type { ScenarioSpec } from './scenario-spec';
import { assessSeverity, calmFacts, significantLossTokens } from './severity';

export interface StakeSlashingVariant extends CommonVariant {
  /** Slashing events per hour at the peak, while speculation runs. */
  peakSlashingPerHour: number;
  /** Tokens slashed per event. */
  slashAmount: number;
  /** When the signing bug is fixed, simulated ms after the drill starts. */
  causeFixedAtMs: number;
}

export interface StakeSlashingContext extends ScenarioContext {
  variant: StakeSlashingVariant;
  causeFixed: boolean;
  evidencePreserved: boolean;
}

export function stakeSlashingVariant(input: ScenarioInput): StakeSlashingVariant {
  const faker = variantFaker(input, 5);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  return {
    ...common,
    // The first slashing comes soon after onset, so the trigger is met for real.
    peakSlashingPerHour: faker.number.int({ min: 12, max: 40 }),
    slashAmount: faker.helpers.arrayElement([faker.number.int({ min: 150, max: 600 }), faker.number.int({ min: 2_000, max: 6_000 })]),
    causeFixedAtMs: common.onsetAtMs + faker.number.int({ min: 30, max: 50 }) * 60_000,
  };
}

/**
 * Funds lost over an hour at the peak, left alone: significant (P1) or some (P1-P2). Live, the
 * severity engine reads the tokens slashed in the last 24 hours instead, as a responder does.
 */
function fundsAtRisk(variant: StakeSlashingVariant): 'some' | 'significant' {
  return variant.slashAmount * variant.peakSlashingPerHour >= significantLossTokens ? 'significant' : 'some';
}

export const stakeSlashingMachine = setup({
  types: {
    context: {} as StakeSlashingContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isSlashingStopped: ({ event }) => event.type === 'world.observed' && !event.readings.speculationEnabled,
    isSlashingAgain: ({ context, event }) => event.type === 'world.observed' && !context.causeFixed && event.readings.speculationEnabled,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled,
    isCauseDue: ({ context, event }) => !context.causeFixed && event.simMs >= context.variant.causeFixedAtMs,
    isReenabledBeforeFix: ({ context, event }) => !context.causeFixed && configChanges(event)['speculation.enabled'] === true,
  },
  actions: {
    setSlashing: assign(({ context }, params: { fraction: number }) => ({
      drivers: {
        ...context.drivers,
        slashingPerHour: context.causeFixed ? 0 : context.variant.peakSlashingPerHour * params.fraction,
        slashAmount: context.variant.slashAmount,
      },
    })),
    fixCause: assign(({ context }) => ({ causeFixed: true, drivers: { ...context.drivers, slashingPerHour: 0 } })),
    markEvidence: assign({ evidencePreserved: true }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
  },
}).createMachine({
  id: 'stake-slashing',
  context: ({ input }) => {
    const variant = stakeSlashingVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, fundsAtRisk: fundsAtRisk(variant), ...peakCircumstances(variant, input) }),
      causeFixed: false,
      evidencePreserved: false,
    };
  },
  initial: 'healthy',
  on: {
    'world.observed': { guard: 'isCauseDue', actions: 'fixCause' },
    'stake.snapshotted': { actions: 'markEvidence' },
    'config.changed': {
      guard: 'isReenabledBeforeFix',
      actions: { type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the signing bug was fixed: slashing resumes' } },
    },
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setSlashing', params: { fraction: 0.6 } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    escalating: {
      entry: { type: 'setSlashing', params: { fraction: 1 } },
      after: { turnCritical: 'critical' },
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    critical: {
      entry: { type: 'setSlashing', params: { fraction: 2 } },
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isSlashingAgain', target: 'critical' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    recovered: {},
  },
});

export const stakeSlashingSpec: ScenarioSpec = {
  incident: 'INC-SPEC-005',
  trigger: 'Unexpected stake slashing, financial loss detected',
  runbookSection: 'INC-SPEC-005: Stake/Financial Impact',
  alertRules: [
    {
      name: 'StakeSlashingDetected',
      severity: 'critical',
      runbookSeverity: 'P1',
      summary: 'Validator stake slashed',
      trigger: 'Unexpected stake slashing, financial loss detected',
      expr: 'sum(increase(stake_slashing_events_total[1h])) > 0',
      forMs: 0,
      // Any slashing pages: whether it was a legitimate penalty or a bug is the responder's call.
      holds: (readings) => readings.slashingEventsLastHour > 0,
      value: (readings) => readings.slashingEventsLastHour,
    },
  ],
  requiredActions: [
    disableSpeculationStep({ description: 'Disable speculation', order: 1, deadlineMs: 5 * 60_000, why: 'stops the conflicting speculative commits that get the validator slashed' }),
    {
      id: 'document-stake',
      description: 'Document current stake status',
      command: 'agenc stake status > stake_snapshot_$(date +%Y%m%d_%H%M%S).txt',
      anyOf: [{ kind: 'request', method: 'GET', route: '/admin/stake/status' }],
      order: 2,
      deadlineMs: 10 * 60_000,
      why: 'preserves the evidence finance and legal will ask for',
    },
    {
      id: 'check-slashing',
      description: 'Check slashing events',
      command: 'agenc stake slashing-history --since 24h',
      anyOf: [{ kind: 'request', method: 'GET', route: '/admin/stake/slashing-history' }],
      order: 3,
      deadlineMs: 15 * 60_000,
      why: 'shows each slashing with its offence, the conflicting commits and who signed them, and what it cost',
    },
  ],
  harmfulActions: [{ id: 'reenable-before-fix', description: 'Re-enable speculation before the fix', why: 'slashing resumes' }],
  mitigated: { all: [{ reading: 'speculationEnabled', op: '==', value: false }], forMs: 60_000, description: 'speculation disabled: no further slashing' },
  resolved: { all: [{ reading: 'speculationEnabled', op: '==', value: true }], forMs: 30 * 60_000, description: 'after the fix, speculation on for 30 minutes with no slashing' },
  cause: {
    kind: 'bug',
    description: 'speculative execution signed conflicting commits for the same slot, and the validator was slashed for double-signing',
    evidence: [
      { command: 'agenc stake slashing-history --since 24h', shows: 'each slashing event with its offence and the commits it cites' },
    ],
    fix: 'the engine team ships a fix for the signing bug as a new deploy',
  },
  recovery: [],
  stabiliseFirst: true,
  escalateTo: ['engineering-leadership', 'finance'],
  onboardingRank: 4,
};

export const stakeSlashingScenario: ScenarioDefinition = {
  id: 'stake-slashing',
  incident: 'INC-SPEC-005',
  title: 'Unexpected stake slashing',
  summary: 'The validator is slashed for conflicting speculative commits, again and again.',
  difficulty: 'normal',
  machine: stakeSlashingMachine,
  spec: stakeSlashingSpec,
};
