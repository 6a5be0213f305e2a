/**
 * INC-SPEC-003, proof generation failure. Someone changed the proof workers shortly before the
 * onset, and the seed decides what: a teammate raised `speculation.proof.batch_size` (batches
 * overrun the proof deadline and hang, holding worker slots; on hard the workers also fall
 * over), or a proof-worker release shipped a circuit that does not match its proving key
 * (workers crash on start-up, or the verifier rejects their proofs). On hard both happened, the
 * other one earlier. Each change is in the world where a responder looks for it: the config
 * history with who and why, the deployment's rollout history with its change-cause and the
 * #deploys channel. The queue fills until it rejects proofs; scaling, cutting the rollout and
 * timing out stuck proofs stabilise it; only undoing the change (reverting the batch size,
 * `kubectl rollout undo`) takes the cause away. Nothing fixes it unseen. Restoring the rollout
 * all at once while the fix is fresh brings a burst of deferred proofs back.
 */
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { commonVariant, configChanges, defaultTrackedConfig, freshFixMs, incidentContext, peakCircumstances, phaseDelays, readingAbove, restoringTooFast, rolloutUndoStep, trackedConfigAfter, type CommonVariant, type TrackedConfig, variantFaker, withHarm } from './incident-kit';
import { type Drivers, type Happening, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { normalSettings, proofQueueCapacity, type ScenarioSpec, type Workaround } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';
import type { SeededFaker } from './seeded-faker';

/** What changed the proof workers: the variant's cause (on hard, the other one contributes). */
export type ProofBacklogCause = 'batch-size' | 'proof-worker-release';

/** A teammate raised the proof batch size (a `config` happening). */
export interface BatchSizeChange {
  atMs: number;
  from: number;
  to: number;
  by: string;
  reason: string;
}

/** A proof-worker release whose circuit does not match its proving key (a `deploy` happening). */
export interface ProofWorkerRelease {
  atMs: number;
  image: string;
  changeCause: string;
  by: string;
  /** Workers crash on start-up, or run and have their proofs rejected. */
  mode: 'crash' | 'reject';
  rejectShare: number;
}

export interface ProofBacklogVariant extends CommonVariant {
  /** Proof demand at the peak, relative to normal (retries of failed and timed-out proofs). */
  peakInflow: number;
  /** Proofs per minute that hang holding a worker slot while batches are oversized. */
  stuckPerMin: number;
  /** Oversized batches also make the workers fall over. */
  workersCrash: boolean;
  /** The cause the variant is about. */
  cause: ProofBacklogCause;
  /** The batch size change, when the variant has one (the cause, or on hard a contributing one). */
  batchChange: BatchSizeChange | null;
  /** The proof-worker release, when the variant has one (the cause, or on hard a contributing one). */
  release: ProofWorkerRelease | null;
}

export interface ProofBacklogContext extends ScenarioContext {
  variant: ProofBacklogVariant;
  /** How far the incident has developed: 0 before onset, 0.5 at onset, 1 from escalating. */
  load: number;
  /** The responder added capacity or cut demand. */
  acted: boolean;
  proofWorkers: number;
  /** The proof batch size the service runs with, as the scenario and the responder set it. */
  batchSize: number;
  /** The image proof-worker's current revision runs (null: the one it had before the drill). */
  proofWorkerImage: string | null;
  /** The speculation settings the responder has set (the world's defaults to start). */
  tracked: TrackedConfig;
  /** When the cause went, for the Recovery rule (null while it is there). */
  causeFixedAtMs: number | null;
  /** A burst of deferred proofs from restoring too fast lasts until then. */
  relapseUntilMs: number | null;
}

/** Share of the peak's extra proof demand a too-fast restore brings back for a while. */
const relapseShare = 0.6;
const relapseMs = 6 * 60_000;
/** While a fix is fresh, the rollout goes back up at most this many points at a time. */
const rolloutStepPoints = 25;
const defaultBatchSize = 32;

const batchReasons = [
  'fewer, larger proof batches to cut per-batch overhead before the epoch settlement',
  'throughput test from the proving team: larger batches amortise the setup cost',
  'match the batch size the staging benchmark liked (see proving-team notes)',
  'raise batch size to keep up with the morning proof volume',
];
const circuitChanges = ['poseidon2 hash gadget', 'lookup-table range checks', 'recursive aggregation v2', 'batched range proofs'];

function handle(faker: SeededFaker): string {
  return `${faker.person.firstName().toLowerCase()}.${faker.person.lastName().charAt(0).toLowerCase()}`;
}

export function proofBacklogVariant(input: ScenarioInput): ProofBacklogVariant {
  const faker = variantFaker(input, 3);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const peakInflow = faker.number.float({ min: 1.6, max: 2.2, fractionDigits: 2 });
  const stuckPerMin = faker.number.float({ min: 0.5, max: 2, fractionDigits: 1 });
  const workersCrash = input.difficulty === 'hard' || faker.number.float() < 0.2;
  const overflow = faker.number.float() < 0.45;
  const workaround = overflow ? overflowProver(`proof-batch-${faker.internet.domainWord()}`, faker.number.int({ min: 10, max: 25 })) : null;
  // The cause and its evidence, drawn after everything the variant drew before it had causes.
  const cause = faker.helpers.arrayElement<ProofBacklogCause>(['batch-size', 'proof-worker-release']);
  const causeAtMs = Math.round(common.onsetAtMs * faker.number.float({ min: 0.35, max: 0.75 }));
  const contributingAtMs = Math.round(causeAtMs * faker.number.float({ min: 0.2, max: 0.6 }));
  const batchAtMs = cause === 'batch-size' ? causeAtMs : contributingAtMs;
  const releaseAtMs = cause === 'proof-worker-release' ? causeAtMs : contributingAtMs;
  const batchChange: BatchSizeChange = { atMs: batchAtMs, from: defaultBatchSize, to: faker.helpers.arrayElement([128, 256, 512]), by: handle(faker), reason: faker.helpers.arrayElement(batchReasons) };
  const image = `agenc/proof-worker:2.15.${faker.number.int({ min: 0, max: 2 })}`;
  const release: ProofWorkerRelease = {
    atMs: releaseAtMs,
    image,
    changeCause: `deploy ${image} (circuit update: ${faker.helpers.arrayElement(circuitChanges)}; release pipeline #${faker.number.int({ min: 50_000, max: 59_999 })})`,
    by: handle(faker),
    mode: faker.helpers.arrayElement<ProofWorkerRelease['mode']>(['crash', 'reject']),
    rejectShare: faker.number.float({ min: 0.45, max: 0.7, fractionDigits: 2 }),
  };
  const both = input.difficulty === 'hard';
  return {
    ...common,
    peakInflow,
    stuckPerMin,
    workersCrash,
    workaround,
    cause,
    batchChange: both || cause === 'batch-size' ? batchChange : null,
    release: both || cause === 'proof-worker-release' ? release : null,
  };
}

/** Some deployments keep a slow batch prover that takes queued proofs when asked. */
function overflowProver(pool: string, delayMinutes: number): Workaround {
  return {
    name: 'overflow batch prover',
    description: `the batch prover pool ${pool} takes queued proofs on request (manual fallback in the proof runbook): proofs finish about ${delayMinutes} min later, none are rejected`,
  };
}

/** Oversized batches are still in place. */
function batchTooLarge(context: Pick<ProofBacklogContext, 'variant' | 'batchSize'>): boolean {
  const change = context.variant.batchChange;
  return change !== null && context.batchSize > change.from;
}

/** The bad release is what proof-worker runs. */
function releaseRunning(context: Pick<ProofBacklogContext, 'variant' | 'proofWorkerImage'>): boolean {
  const release = context.variant.release;
  return release !== null && context.proofWorkerImage === release.image;
}

/**
 * The drivers of this moment and whether the cause is gone, from what the context knows: the
 * changes still in place, how far the incident has developed, and any relapse still running.
 */
function driven(context: ProofBacklogContext, simMs: number): Pick<ProofBacklogContext, 'drivers' | 'causeFixed' | 'causeFixedAtMs'> {
  const oversized = batchTooLarge(context);
  // Before the onset nothing is broken yet, so nothing can be fixed either.
  const causeFixed = context.load > 0 && !oversized && !releaseRunning(context);
  const relapsing = context.relapseUntilMs !== null && simMs < context.relapseUntilMs;
  const extra = context.variant.peakInflow - 1;
  const release = context.variant.release;
  const drivers: Drivers = {
    ...context.drivers,
    proofInflowMultiplier: causeFixed ? 1 + (relapsing ? extra * relapseShare : 0) : 1 + extra * context.load,
    proofStuckPerMin: oversized ? context.variant.stuckPerMin * context.load : 0,
    proofWorkerCrashing: oversized && context.variant.workersCrash && context.load >= 1,
    // Tied to the image: the world applies it to the pods that run it, so a rollback takes it away.
    faultyProofRelease: release !== null && context.proofWorkerImage !== null ? { image: release.image, mode: release.mode, rejectShare: release.rejectShare } : null,
  };
  return { drivers, causeFixed, causeFixedAtMs: causeFixed ? (context.causeFixedAtMs ?? simMs) : null };
}

/**
 * The simulated moment of an event: the world's carry it; a phase's own timer does not, and
 * the only one that can find the cause gone is the onset's.
 */
function simMsOf(context: ProofBacklogContext, event: { simMs?: number }): number {
  return typeof event.simMs === 'number' ? event.simMs : context.variant.onsetAtMs;
}

export const proofBacklogMachine = setup({
  types: {
    context: {} as ProofBacklogContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: {
    ...phaseDelays,
    contributingChange: ({ context }) => Math.min(context.variant.batchChange?.atMs ?? Infinity, context.variant.release?.atMs ?? Infinity),
    causeChange: ({ context }) => Math.max(context.variant.batchChange?.atMs ?? 0, context.variant.release?.atMs ?? 0),
  },
  guards: {
    hasContributingChange: ({ context }) => context.variant.batchChange !== null && context.variant.release !== null,
    isBatchChangeFirst: ({ context }) => {
      const { batchChange, release } = context.variant;
      return batchChange !== null && release !== null && batchChange.atMs <= release.atMs;
    },
    isBatchChangeLast: ({ context }) => {
      const { batchChange, release } = context.variant;
      return batchChange !== null && (release === null || batchChange.atMs > release.atMs);
    },
    isQueueFull: ({ event }) => event.type === 'world.observed' && event.readings.proofQueueRatio > 0.95,
    isDraining: ({ context, event }) => event.type === 'world.observed' && context.acted && event.readings.proofQueueRatio < 0.5,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.proofQueueRatio < 0.05,
    isRelapseOver: ({ context, event }) => event.type === 'world.observed' && context.relapseUntilMs !== null && event.simMs >= context.relapseUntilMs,
    isProofScaleUp: ({ context, event }) => event.type === 'deployment.scaled' && event.name === 'proof-worker' && event.replicas > context.proofWorkers,
    isProofScaleDown: ({ context, event }) => event.type === 'deployment.scaled' && event.name === 'proof-worker' && event.replicas < context.proofWorkers,
    isProofWorkerRevision: ({ event }) => (event.type === 'deployment.rolledBack' || event.type === 'deployment.updated') && event.name === 'proof-worker',
    isRolloutCut: ({ event }) => {
      const rollout = configChanges(event)['speculation.features.rollout_percentage'];
      return (typeof rollout === 'number' && rollout <= 50) || configChanges(event)['speculation.enabled'] === false;
    },
    isRolloutRaisedDuringBacklog: ({ context, event }) => {
      const rollout = configChanges(event)['speculation.features.rollout_percentage'];
      return !context.causeFixed && context.acted && typeof rollout === 'number' && rollout > 50;
    },
    isRestoringTooFast: ({ context, event }) => restoreTooFastReason(context, event) !== null,
  },
  actions: {
    setLoad: assign((_, params: { fraction: number }) => ({ load: params.fraction })),
    changeBatchSize: assign(({ context }) => {
      const change = context.variant.batchChange!;
      const happening: Happening = { kind: 'config', changes: { 'speculation.proof.batch_size': change.to }, by: change.by, reason: change.reason };
      return { batchSize: change.to, happenings: [...context.happenings, happening] };
    }),
    shipRelease: assign(({ context }) => {
      const release = context.variant.release!;
      const happenings: Happening[] = [
        { kind: 'message', channel: '#deploys', from: release.by, text: `rolling out ${release.image} to production (${release.changeCause.replace(/^deploy \S+ \(/, '').replace(/\)$/, '')})` },
        { kind: 'deploy', deployment: 'proof-worker', image: release.image, changeCause: release.changeCause, by: release.by },
      ];
      return { proofWorkerImage: release.image, happenings: [...context.happenings, ...happenings] };
    }),
    trackBatchSize: assign(({ event }) => {
      const size = configChanges(event)['speculation.proof.batch_size'];
      return typeof size === 'number' ? { batchSize: size } : {};
    }),
    trackProofWorkerImage: assign(({ event }) => {
      assertEvent(event, ['deployment.rolledBack', 'deployment.updated']);
      return { proofWorkerImage: event.image };
    }),
    trackConfig: assign(({ context, event }) => ({ tracked: trackedConfigAfter(context.tracked, event) })),
    recompute: assign(({ context, event }) => driven(context, simMsOf(context, event))),
    markActed: assign({ acted: true }),
    trackWorkers: assign(({ event }) => {
      assertEvent(event, 'deployment.scaled');
      return { proofWorkers: event.replicas };
    }),
    startRelapse: assign(({ context, event }) => ({ relapseUntilMs: simMsOf(context, event) + relapseMs })),
    endRelapse: assign({ relapseUntilMs: null }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
    recordRestoreTooFast: assign(({ context, event }) => withHarm(context, event, { action: 'restore-too-fast', why: restoreTooFastReason(context, event) ?? 'restored too fast while the fix was fresh' })),
  },
}).createMachine({
  id: 'proof-backlog',
  context: ({ input }) => {
    const variant = proofBacklogVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, proofCapacityUsed: 1, degraded: true, ...peakCircumstances(variant, input) }),
      load: 0,
      acted: false,
      proofWorkers: 8,
      batchSize: defaultBatchSize,
      proofWorkerImage: null,
      tracked: { ...defaultTrackedConfig },
      causeFixedAtMs: null,
      relapseUntilMs: null,
    };
  },
  initial: 'healthy',
  on: {
    'proofs.timedOut': { actions: 'markActed' },
    'deployment.scaled': [
      { guard: 'isProofScaleUp', actions: ['markActed', 'trackWorkers'] },
      {
        guard: 'isProofScaleDown',
        actions: [{ type: 'recordHarm', params: { action: 'scale-down-proof-workers', why: 'removed proof workers while the proof queue was backing up' } }, 'trackWorkers'],
      },
    ],
    'deployment.rolledBack': { guard: 'isProofWorkerRevision', actions: ['trackProofWorkerImage', 'recompute'] },
    'deployment.updated': { guard: 'isProofWorkerRevision', actions: ['trackProofWorkerImage', 'recompute'] },
    'config.changed': {
      // Every check reads the context before this change; the tracking comes last.
      actions: enqueueActions(({ enqueue, check }) => {
        if (check('isRolloutRaisedDuringBacklog')) enqueue({ type: 'recordHarm', params: { action: 'raise-rollout-during-backlog', why: 'raised the rollout while proofs were backed up: more proofs to generate' } });
        else if (check('isRolloutCut')) enqueue('markActed');
        if (check('isRestoringTooFast')) {
          enqueue('recordRestoreTooFast');
          enqueue('startRelapse');
        }
        enqueue('trackConfig');
        enqueue('trackBatchSize');
        enqueue('recompute');
      }),
    },
    // In any phase, when no phase transition is taken: the burst of a too-fast restore ends.
    'world.observed': { guard: 'isRelapseOver', actions: ['endRelapse', 'recompute'] },
  },
  states: {
    healthy: {
      after: {
        contributingChange: [
          { guard: 'isBatchChangeFirst', actions: ['changeBatchSize', 'recompute'] },
          { guard: 'hasContributingChange', actions: ['shipRelease', 'recompute'] },
        ],
        causeChange: [{ guard: 'isBatchChangeLast', actions: ['changeBatchSize', 'recompute'] }, { actions: ['shipRelease', 'recompute'] }],
        onset: 'onset',
      },
    },
    onset: {
      entry: [{ type: 'setLoad', params: { fraction: 0.5 } }, 'recompute'],
      after: { escalate: 'escalating' },
      on: { 'world.observed': { guard: 'isQueueFull', target: 'critical' } },
    },
    escalating: {
      entry: [{ type: 'setLoad', params: { fraction: 1 } }, 'recompute'],
      on: { 'world.observed': [{ guard: 'isQueueFull', target: 'critical' }, { guard: 'isDraining', target: 'mitigated' }] },
    },
    critical: {
      on: { 'world.observed': [{ guard: 'isDraining', target: 'mitigated' }, { guard: 'isRecovered', target: 'recovered' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isQueueFull', target: 'critical' }] },
    },
    recovered: {
      // A relapse can fill the queue again.
      on: { 'world.observed': { guard: 'isQueueFull', target: 'critical' } },
    },
  },
});

/**
 * Why a config change restores too fast while the fix is fresh, or null: the Recovery rule of
 * every incident (re-enabling deeper than max_depth 1, raising the depth more than a step), and
 * this one's own lever: the rollout goes back up in steps of at most 25 points.
 */
function restoreTooFastReason(context: ProofBacklogContext, event: WorldEvent): string | null {
  if (event.type !== 'config.changed') return null;
  const after = trackedConfigAfter(context.tracked, event);
  const kit = restoringTooFast(context.tracked, after, context.causeFixedAtMs, event.simMs);
  if (kit !== null) return kit;
  if (context.causeFixedAtMs === null || event.simMs - context.causeFixedAtMs >= freshFixMs) return null;
  const raised = after.rolloutPercentage - context.tracked.rolloutPercentage;
  if (raised > rolloutStepPoints) return `raised the rollout from ${context.tracked.rolloutPercentage}% to ${after.rolloutPercentage}% at once while the fix was fresh: the deferred proofs all arrive together`;
  return null;
}

export const proofBacklogSpec: ScenarioSpec = {
  incident: 'INC-SPEC-003',
  trigger: 'Proof queue > 95% or proof worker pods failing',
  runbookSection: 'INC-SPEC-003: Proof Generation Failure',
  alertRules: [
    {
      name: 'ProofQueueSaturated',
      severity: 'critical',
      // Proof generation above 90% of capacity is P2 in the matrix (business hours make it P1).
      runbookSeverity: 'P2',
      summary: 'Proof queue above 95% of capacity',
      trigger: 'Proof queue > 95%',
      expr: 'max(proof_queue_depth / proof_queue_capacity) > 0.95',
      forMs: 60_000,
      ...readingAbove('proofQueueRatio', 0.95),
    },
    {
      name: 'ProofWorkersFailing',
      severity: 'warning',
      // Failing pods alone are single pod issues: P3. One crash does not page: five minutes of it does.
      runbookSeverity: 'P3',
      summary: 'Proof worker pods failing',
      trigger: 'proof worker pods failing',
      expr: 'max(agenc_pods_failing{deployment="proof-worker"}) > 0',
      forMs: 5 * 60_000,
      holds: (readings) => readings.proofWorkersFailing > 0,
      value: (readings) => readings.proofWorkersFailing,
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
    { id: 'restore-too-fast', description: 'Restore the rollout all at once while the fix is fresh', why: 'the deferred proofs arrive together and the queue backs up again' },
  ],
  mitigated: { all: [{ reading: 'proofQueueRatio', op: '<', value: 0.5 }], forMs: 60_000, description: 'proof queue below half its capacity' },
  resolved: {
    all: [...normalSettings, { reading: 'proofQueueRatio', op: '<', value: 0.05 }, { reading: 'proofWorkersFailing', op: '==', value: 0 }],
    forMs: 10 * 60_000,
    description: 'the change to the proof workers undone, speculation at its normal settings (enabled, max_depth 4 or more, rollout 100%), the proof queue near empty and no proof worker failing, for ten minutes',
  },
  cause: {
    kind: 'config',
    description:
      'a change to the proof workers shortly before the onset, by seed: a teammate raised speculation.proof.batch_size (batches overrun the proof deadline and hang holding worker slots), or a proof-worker release whose circuit does not match its proving key (workers crash on start-up, or the verifier rejects their proofs); on hard both, the other one earlier',
    evidence: [
      { command: 'agenc config history --since 24h', shows: 'who raised speculation.proof.batch_size, from what, when and why' },
      { command: 'kubectl rollout history deployment/proof-worker -n production', shows: 'a new proof-worker revision shortly before the onset, with its change-cause' },
      { command: 'kubectl logs -n production deployment/proof-worker --tail=50', shows: 'batches of the new size exceeding their deadline, or the verifier rejecting proofs' },
      { command: 'kubectl logs -n production <proof-worker pod> --previous', shows: 'a crashed worker exiting on start-up: its proving key does not match the compiled circuit' },
    ],
    fix: "the responder undoes the change: reverts speculation.proof.batch_size to its previous value (POST /admin/config) or runs `kubectl rollout undo deployment/proof-worker -n production`; on hard, both",
  },
  recovery: [
    rolloutUndoStep('proof-worker', { id: 'fix-circuit', description: 'Fix circuit issues', why: 'the release before it had a circuit that matches its proving key' }),
    {
      id: 'increase-capacity',
      description: 'Increase worker capacity',
      command: 'kubectl scale deployment proof-worker -n production --replicas=16',
      anyOf: [{ kind: 'scale', deployment: 'proof-worker', atLeast: 9 }],
      why: 'enough workers for the demand, with headroom',
    },
    {
      id: 'tune-batch-size',
      description: 'Tune batch sizes',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.proof.batch_size": 32}'`,
      anyOf: [{ kind: 'config', key: 'speculation.proof.batch_size', atMost: 32 }],
      why: 'batches small enough to finish inside the proof deadline',
    },
    {
      id: 'restore-rollout',
      description: 'Bring the rollout back gradually',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.features.rollout_percentage": 50}'`,
      anyOf: [{ kind: 'config', key: 'speculation.features.rollout_percentage', atLeast: 26, atMost: 75 }],
      why: 'deferred proof demand comes back in steps the workers can absorb',
    },
  ],
  stabiliseFirst: false,
  escalateTo: [],
  onboardingRank: 3,
  impact: {
    unit: 'proof-minutes past the SLA',
    description: 'every second, the proofs queued beyond the healthy batch window (5% of the queue) wait a second longer than they should; a minute of speculation off costs an average minute of the incident left alone',
    harmPerSecond: (now) => (Math.max(0, now.proofQueueRatio - 0.05) * proofQueueCapacity) / 60,
    unavailableWeight: 1,
  },
};

export const proofBacklogScenario: ScenarioDefinition = {
  id: 'proof-backlog',
  incident: 'INC-SPEC-003',
  title: 'Proof generation backlog',
  summary: 'A change to the proof workers makes proofs hang or fail; the proof queue fills until it rejects work.',
  difficulty: 'normal',
  machine: proofBacklogMachine,
  spec: proofBacklogSpec,
};
