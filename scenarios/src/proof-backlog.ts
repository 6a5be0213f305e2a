/**
 * INC-SPEC-003, proof generation failure. A circuit change makes proofs costlier: demand on
 * the proof workers outgrows their capacity, and some proofs hang, each holding a worker slot
 * (on hard, workers also crash). The queue fills until it rejects proofs. Scaling proof-worker
 * drains it at a rate that depends on replicas, lowering rollout reduces the inflow, and timing
 * out stuck proofs frees capacity. The circuit fix lands after a while.
 */
import { assertEvent, assign, setup } from 'xstate';
import { commonVariant, configChanges, peakCircumstances, phaseDelays, incidentContext, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import type { ScenarioSpec, Workaround } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

export interface ProofBacklogVariant extends CommonVariant {
  /** Proof demand at the peak, relative to normal. */
  peakInflow: number;
  /** Proofs per minute that hang holding a worker slot. */
  stuckPerMin: number;
  /** Proof workers crash on start-up too. */
  workersCrash: boolean;
  /** When the circuit fix lands, simulated ms after the drill starts. */
  causeFixedAtMs: number;
}

export interface ProofBacklogContext extends ScenarioContext {
  variant: ProofBacklogVariant;
  /** The responder added capacity or cut demand. */
  acted: boolean;
  causeFixed: boolean;
  proofWorkers: number;
}

export function proofBacklogVariant(input: ScenarioInput): ProofBacklogVariant {
  const faker = variantFaker(input, 3);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const variant = {
    ...common,
    peakInflow: faker.number.float({ min: 1.6, max: 2.2, fractionDigits: 2 }),
    stuckPerMin: faker.number.float({ min: 0.5, max: 2, fractionDigits: 1 }),
    workersCrash: input.difficulty === 'hard' || faker.number.float() < 0.2,
    causeFixedAtMs: common.onsetAtMs + faker.number.int({ min: 25, max: 45 }) * 60_000,
  };
  const overflow = faker.number.float() < 0.45;
  return { ...variant, workaround: overflow ? overflowProver(`proof-batch-${faker.internet.domainWord()}`, faker.number.int({ min: 10, max: 25 })) : null };
}

/** Some deployments keep a slow batch prover that takes queued proofs when asked. */
function overflowProver(pool: string, delayMinutes: number): Workaround {
  return {
    name: 'overflow batch prover',
    description: `the batch prover pool ${pool} takes queued proofs on request (manual fallback in the proof runbook): proofs finish about ${delayMinutes} min later, none are rejected`,
  };
}

export const proofBacklogMachine = setup({
  types: {
    context: {} as ProofBacklogContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isQueueFull: ({ event }) => event.type === 'world.observed' && event.readings.proofQueueRatio > 0.95,
    isDraining: ({ context, event }) => event.type === 'world.observed' && context.acted && event.readings.proofQueueRatio < 0.5,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.proofQueueRatio < 0.05,
    isCauseDue: ({ context, event }) => !context.causeFixed && event.simMs >= context.variant.causeFixedAtMs,
    isProofScaleUp: ({ context, event }) => event.type === 'deployment.scaled' && event.name === 'proof-worker' && event.replicas > context.proofWorkers,
    isProofScaleDown: ({ context, event }) => event.type === 'deployment.scaled' && event.name === 'proof-worker' && event.replicas < context.proofWorkers,
    isRolloutCut: ({ event }) => {
      const rollout = configChanges(event)['speculation.features.rollout_percentage'];
      return (typeof rollout === 'number' && rollout <= 50) || configChanges(event)['speculation.enabled'] === false;
    },
    isRolloutRaisedDuringBacklog: ({ context, event }) => {
      const rollout = configChanges(event)['speculation.features.rollout_percentage'];
      return !context.causeFixed && context.acted && typeof rollout === 'number' && rollout > 50;
    },
  },
  actions: {
    setLoad: assign(({ context }, params: { fraction: number }) => ({
      drivers: {
        ...context.drivers,
        proofInflowMultiplier: context.causeFixed ? 1 : 1 + (context.variant.peakInflow - 1) * params.fraction,
        proofStuckPerMin: context.causeFixed ? 0 : context.variant.stuckPerMin * params.fraction,
        proofWorkerCrashing: !context.causeFixed && context.variant.workersCrash && params.fraction >= 1,
      },
    })),
    fixCause: assign(({ context }) => ({
      causeFixed: true,
      drivers: { ...context.drivers, proofInflowMultiplier: 1, proofStuckPerMin: 0, proofWorkerCrashing: false },
    })),
    markActed: assign({ acted: true }),
    trackWorkers: assign(({ event }) => {
      assertEvent(event, 'deployment.scaled');
      return { proofWorkers: event.replicas };
    }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
  },
}).createMachine({
  id: 'proof-backlog',
  context: ({ input }) => {
    const variant = proofBacklogVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, proofCapacityUsed: 1, degraded: true, ...peakCircumstances(variant, input) }),
      acted: false,
      causeFixed: false,
      proofWorkers: 8,
    };
  },
  initial: 'healthy',
  on: {
    'world.observed': { guard: 'isCauseDue', actions: 'fixCause' },
    'proofs.timedOut': { actions: 'markActed' },
    'deployment.scaled': [
      { guard: 'isProofScaleUp', actions: ['markActed', 'trackWorkers'] },
      {
        guard: 'isProofScaleDown',
        actions: [{ type: 'recordHarm', params: { action: 'scale-down-proof-workers', why: 'removed proof workers while the proof queue was backing up' } }, 'trackWorkers'],
      },
    ],
    'config.changed': [
      { guard: 'isRolloutRaisedDuringBacklog', actions: { type: 'recordHarm', params: { action: 'raise-rollout-during-backlog', why: 'raised the rollout while proofs were backed up: more proofs to generate' } } },
      { guard: 'isRolloutCut', actions: 'markActed' },
    ],
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setLoad', params: { fraction: 0.5 } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isQueueFull', target: 'critical' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    escalating: {
      entry: { type: 'setLoad', params: { fraction: 1 } },
      on: { 'world.observed': [{ guard: 'isQueueFull', target: 'critical' }, { guard: 'isDraining', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    critical: {
      on: { 'world.observed': [{ guard: 'isDraining', target: 'mitigated' }, { guard: 'isRecovered', target: 'recovered' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isQueueFull', target: 'critical' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    recovered: {},
  },
});

export const proofBacklogSpec: ScenarioSpec = {
  incident: 'INC-SPEC-003',
  trigger: 'Proof queue > 95% or proof worker pods failing',
  runbookSection: 'INC-SPEC-003: Proof Generation Failure',
  alertRules: [
    {
      name: 'ProofGenerationFailure',
      severity: 'critical',
      runbookSeverity: 'P1',
      summary: 'Proof generation failing or saturated',
      trigger: 'Proof queue > 95% or proof worker pods failing',
      expr: 'max(proof_queue_depth / proof_queue_capacity) > 0.95 or max(agenc_pods_failing{deployment="proof-worker"}) > 0',
      forMs: 0,
      holds: (readings) => readings.proofQueueRatio > 0.95 || readings.proofWorkersFailing > 0,
      value: (readings) => readings.proofQueueRatio,
    },
  ],
  requiredActions: [
    { id: 'check-proof-workers', description: 'Check proof worker status', command: 'agenc proof-worker status', anyOf: [{ kind: 'request', method: 'GET', route: '/admin/proof-worker/status' }], order: 1, deadlineMs: 10 * 60_000, why: 'shows whether workers are failing, stuck or simply outnumbered' },
    {
      id: 'scale-proof-workers',
      description: 'Scale up workers',
      command: 'kubectl scale deployment proof-worker -n production --replicas=16',
      anyOf: [{ kind: 'scale', deployment: 'proof-worker', atLeast: 12 }],
      order: 2,
      deadlineMs: 15 * 60_000,
      why: 'adds capacity: the queue drains at a rate set by the ready workers',
    },
    {
      id: 'reduce-load',
      description: 'Reduce incoming load',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.features.rollout_percentage": 25}'`,
      anyOf: [{ kind: 'config', key: 'speculation.features.rollout_percentage', atMost: 50 }],
      order: 3,
      deadlineMs: 20 * 60_000,
      why: 'cuts the proof inflow at its source',
    },
    {
      id: 'clear-stuck-proofs',
      description: 'Clear stuck proofs',
      command: 'agenc proof-worker timeout --older-than 10m',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/proof-worker/timeout' }],
      order: 4,
      deadlineMs: 25 * 60_000,
      why: 'frees the worker slots that hung proofs were holding',
    },
  ],
  harmfulActions: [
    { id: 'scale-down-proof-workers', description: 'Scale proof-worker down', why: 'less capacity while the queue backs up' },
    { id: 'raise-rollout-during-backlog', description: 'Raise the rollout during the backlog', why: 'more proofs to generate' },
  ],
  mitigated: { all: [{ reading: 'proofQueueRatio', op: '<', value: 0.5 }], forMs: 60_000, description: 'proof queue below half its capacity' },
  resolved: {
    all: [
      { reading: 'proofQueueRatio', op: '<', value: 0.05 },
      { reading: 'speculationEnabled', op: '==', value: true },
    ],
    forMs: 10 * 60_000,
    description: 'proof queue near empty for ten minutes with speculation on',
  },
  cause: {
    kind: 'bug',
    description: 'proof demand outgrew the workers while some proofs hung and held their slots',
    evidence: [
      { command: 'agenc proof-worker status', shows: 'workers busy, queue depth and stuck proofs' },
      { command: 'kubectl logs -n production deployment/proof-worker --tail=50', shows: 'proofs timing out, workers crashing on start-up' },
    ],
    fix: 'the proof team fixes the hanging circuit; capacity restored',
  },
  recovery: [
    {
      id: 'increase-capacity',
      description: 'Increase worker capacity',
      command: 'kubectl scale deployment proof-worker -n production --replicas=16',
      anyOf: [{ kind: 'scale', deployment: 'proof-worker', atLeast: 9 }],
      why: 'enough workers for the demand, with headroom',
    },
  ],
  stabiliseFirst: false,
  escalateTo: [],
  onboardingRank: 3,
};

export const proofBacklogScenario: ScenarioDefinition = {
  id: 'proof-backlog',
  incident: 'INC-SPEC-003',
  title: 'Proof generation backlog',
  summary: 'Proofs get costlier and some hang; the proof queue fills until it rejects work.',
  difficulty: 'normal',
  machine: proofBacklogMachine,
  spec: proofBacklogSpec,
};
