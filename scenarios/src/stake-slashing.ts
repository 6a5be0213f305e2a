/**
 * INC-SPEC-005, stake slashing. Speculative commits start signing conflicting results; the
 * validator is slashed for double-signing, again and again while speculation runs. Disabling
 * speculation stops further slashing; `agenc stake status > file` preserves the evidence;
 * `agenc stake slashing-history` shows each offence and the commits it cites. The signing bug
 * is the engine team's to fix: at a seeded time after the page they say so in #incidents and
 * ship it as a new speculation-engine release that rolls out where `kubectl rollout history`
 * shows it. Nothing is fixed unseen. Re-enabling before the fix lets the slashing resume;
 * re-enabling deeper than max_depth 1, or all at once, while the fix is fresh brings some back.
 */
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import {
  commonVariant,
  configChanges,
  defaultTrackedConfig,
  disableSpeculationStep,
  incidentContext,
  increaseDepthStep,
  peakCircumstances,
  phaseDelays,
  reenableShallowStep,
  restoringTooFast,
  trackedConfigAfter,
  variantFaker,
  withHarm,
  type CommonVariant,
  type TrackedConfig,
} from './incident-kit';
import { type Happening, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { growthOf, normalSettings, type ScenarioSpec } from './scenario-spec';
import { assessSeverity, calmFacts, significantLossTokens } from './severity';

/** The engine team's fix: a speculation-engine release, announced before it rolls out. */
export interface SigningFix {
  /** When the engine team ships it, simulated ms after the drill starts (after the page). */
  atMs: number;
  image: string;
  changeCause: string;
  /** Who on the engine team announces and deploys it. */
  by: string;
}

export interface StakeSlashingVariant extends CommonVariant {
  /** Slashing events per hour at the peak, while speculation runs. */
  peakSlashingPerHour: number;
  /** Tokens slashed per event. */
  slashAmount: number;
  fix: SigningFix;
}

export interface StakeSlashingContext extends ScenarioContext {
  variant: StakeSlashingVariant;
  evidencePreserved: boolean;
  /** How hard the bug bites now (0 before onset; 0.6, 1, 2 as it develops). */
  fraction: number;
  /** The image speculation-engine runs, once the drill has changed it (null: the one it started with). */
  engineImage: string | null;
  /** The fix's rollout has finished: every speculation pod is ready on it. */
  fixRolledOut: boolean;
  tracked: TrackedConfig;
  causeFixedAtMs: number | null;
  /** A too-fast restore brings part of the slashing back until then. */
  relapseUntilMs: number | null;
}

/** Share of the peak slashing a too-fast restore brings back while the fix is fresh. */
const relapseShare = 0.3;
const relapseMs = 5 * 60_000;
/** How long the fix's rollout is given before its pods are counted: three pods, a rolling update. */
const rolloutSettleMs = 2 * 60_000;
const signingChanges = ['sign speculative results only after finality', 'one signing nonce per slot across speculative branches', 'drop signatures of rolled-back speculative commits'];

export function stakeSlashingVariant(input: ScenarioInput): StakeSlashingVariant {
  const faker = variantFaker(input, 5);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  // The first slashing comes soon after onset, so the trigger is met for real.
  const peakSlashingPerHour = faker.number.int({ min: 12, max: 40 });
  const slashAmount = faker.helpers.arrayElement([faker.number.int({ min: 150, max: 600 }), faker.number.int({ min: 2_000, max: 6_000 })]);
  // The draw the hidden fix timer took: now when the engine team ships the fix.
  const atMs = common.onsetAtMs + faker.number.int({ min: 30, max: 50 }) * 60_000;
  const image = `agenc/speculation-engine:2.14.${faker.number.int({ min: 4, max: 6 })}`;
  const fix: SigningFix = {
    atMs,
    image,
    changeCause: `deploy ${image} (${faker.helpers.arrayElement(signingChanges)}; release pipeline #${faker.number.int({ min: 50_000, max: 59_999 })})`,
    by: `${faker.person.firstName().toLowerCase()}.${faker.person.lastName().charAt(0).toLowerCase()}`,
  };
  return { ...common, peakSlashingPerHour, slashAmount, fix };
}

/**
 * Funds lost over an hour at the peak, left alone: significant (P1) or some (P1-P2). Live, the
 * severity engine reads the tokens slashed in the last 24 hours instead, as a responder does.
 */
function fundsAtRisk(variant: StakeSlashingVariant): 'some' | 'significant' {
  return variant.slashAmount * variant.peakSlashingPerHour >= significantLossTokens ? 'significant' : 'some';
}

/** The drivers and the cause's state from what the context knows. */
function driven(context: StakeSlashingContext, simMs: number): Pick<StakeSlashingContext, 'drivers' | 'causeFixed' | 'causeFixedAtMs'> {
  const fixRunning = context.fixRolledOut && context.engineImage === context.variant.fix.image;
  const causeFixed = context.fraction > 0 && fixRunning;
  const relapsing = context.relapseUntilMs !== null && simMs < context.relapseUntilMs;
  const perHour = causeFixed ? (relapsing ? context.variant.peakSlashingPerHour * relapseShare : 0) : context.variant.peakSlashingPerHour * context.fraction;
  return {
    drivers: { ...context.drivers, slashingPerHour: perHour, slashAmount: context.variant.slashAmount },
    causeFixed,
    causeFixedAtMs: causeFixed ? (context.causeFixedAtMs ?? simMs) : null,
  };
}

/** The simulated moment of an event; a phase's own timer carries none, and finds the fix not yet shipped. */
function simMsOf(event: { simMs?: number }): number {
  return typeof event.simMs === 'number' ? event.simMs : 0;
}

/**
 * What each observation tells the machine, whatever phase it is in: the fix has finished
 * rolling out (on the fix's image, given time for its rolling update, every speculation pod
 * ready), and a too-fast restore's relapse is over.
 */
function observedUpdate(context: StakeSlashingContext, event: WorldEvent): Partial<StakeSlashingContext> {
  if (event.type !== 'world.observed') return {};
  const { readings, simMs } = event;
  const rolledOut = !context.fixRolledOut && context.engineImage === context.variant.fix.image && simMs >= context.variant.fix.atMs + rolloutSettleMs && readings.speculationPodsReady >= readings.speculationPodsDesired;
  const relapseOver = context.relapseUntilMs !== null && simMs >= context.relapseUntilMs;
  if (!rolledOut && !relapseOver) return {};
  const next = { ...context, fixRolledOut: context.fixRolledOut || rolledOut, relapseUntilMs: relapseOver ? null : context.relapseUntilMs };
  return { fixRolledOut: next.fixRolledOut, relapseUntilMs: next.relapseUntilMs, ...driven(next, simMs) };
}

function restoreTooFastReason(context: StakeSlashingContext, event: WorldEvent): string | null {
  if (event.type !== 'config.changed') return null;
  return restoringTooFast(context.tracked, trackedConfigAfter(context.tracked, event), context.causeFixedAtMs, event.simMs);
}

export const stakeSlashingMachine = setup({
  types: {
    context: {} as StakeSlashingContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: {
    ...phaseDelays,
    fixShips: ({ context }) => context.variant.fix.atMs,
  },
  guards: {
    isSlashingStopped: ({ event }) => event.type === 'world.observed' && !event.readings.speculationEnabled,
    isSlashingAgain: ({ context, event }) => event.type === 'world.observed' && !context.causeFixed && event.readings.speculationEnabled,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled,
    isEngineRevision: ({ event }) => (event.type === 'deployment.rolledBack' || event.type === 'deployment.updated') && event.name === 'speculation-engine',
    isReenabledBeforeFix: ({ context, event }) => !context.causeFixed && configChanges(event)['speculation.enabled'] === true,
    isRestoringTooFast: ({ context, event }) => restoreTooFastReason(context, event) !== null,
  },
  actions: {
    setFraction: assign((_, params: { fraction: number }) => ({ fraction: params.fraction })),
    recompute: assign(({ context, event }) => driven(context, simMsOf(event))),
    shipFix: assign(({ context }) => {
      const { fix } = context.variant;
      const happenings: Happening[] = [
        { kind: 'message', channel: '#incidents', from: fix.by, text: `engine team: we reproduced the conflicting signatures from speculative commits; the fix is ${fix.image}, deploying to production now` },
        { kind: 'message', channel: '#deploys', from: fix.by, text: `rolling out ${fix.image} to production (${fix.changeCause.replace(/^deploy \S+ \(/, '').replace(/\)$/, '')})` },
        { kind: 'deploy', deployment: 'speculation-engine', image: fix.image, changeCause: fix.changeCause, by: fix.by },
      ];
      return { engineImage: fix.image, fixRolledOut: false, happenings: [...context.happenings, ...happenings] };
    }),
    observe: assign(({ context, event }) => observedUpdate(context, event)),
    trackEngineImage: assign(({ event }) => {
      assertEvent(event, ['deployment.rolledBack', 'deployment.updated']);
      return { engineImage: event.image };
    }),
    trackConfig: assign(({ context, event }) => ({ tracked: trackedConfigAfter(context.tracked, event) })),
    markEvidence: assign({ evidencePreserved: true }),
    startRelapse: assign(({ event }) => ({ relapseUntilMs: simMsOf(event) + relapseMs })),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
    recordRestoreTooFast: assign(({ context, event }) => withHarm(context, event, { action: 'restore-too-fast', why: restoreTooFastReason(context, event) ?? 'restored too fast while the fix was fresh' })),
  },
}).createMachine({
  id: 'stake-slashing',
  context: ({ input }) => {
    const variant = stakeSlashingVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, fundsAtRisk: fundsAtRisk(variant), ...peakCircumstances(variant, input) }),
      evidencePreserved: false,
      fraction: 0,
      engineImage: null,
      fixRolledOut: false,
      tracked: { ...defaultTrackedConfig },
      causeFixedAtMs: null,
      relapseUntilMs: null,
    };
  },
  initial: 'healthy',
  // The engine team ships the fix at its seeded time, whatever phase the incident is in.
  after: { fixShips: { actions: ['shipFix', 'recompute'] } },
  on: {
    'stake.snapshotted': { actions: 'markEvidence' },
    'config.changed': {
      // Every check reads the context before this change; the tracking comes last.
      actions: enqueueActions(({ enqueue, check }) => {
        if (check('isReenabledBeforeFix')) enqueue({ type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the signing bug was fixed: slashing resumes' } });
        if (check('isRestoringTooFast')) {
          enqueue('recordRestoreTooFast');
          enqueue('startRelapse');
        }
        enqueue('trackConfig');
        enqueue('recompute');
      }),
    },
    // A rollback (or another image) takes the fix away again; rolling forward to it brings it back once it has rolled out.
    'deployment.rolledBack': { guard: 'isEngineRevision', actions: ['trackEngineImage', 'recompute'] },
    'deployment.updated': { guard: 'isEngineRevision', actions: ['trackEngineImage', 'recompute'] },
    'world.observed': { actions: 'observe' },
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: [{ type: 'setFraction', params: { fraction: 0.6 } }, 'recompute'],
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    escalating: {
      entry: [{ type: 'setFraction', params: { fraction: 1 } }, 'recompute'],
      after: { turnCritical: 'critical' },
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    critical: {
      entry: [{ type: 'setFraction', params: { fraction: 2 } }, 'recompute'],
      on: { 'world.observed': [{ guard: 'isSlashingStopped', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    mitigated: {
      on: {
        'world.observed': [
          { guard: 'isRecovered', target: 'recovered', actions: 'observe' },
          { guard: 'isSlashingAgain', target: 'critical', actions: 'observe' },
          { actions: 'observe' },
        ],
      },
    },
    recovered: {
      // A rollback off the fix brings the slashing back.
      on: { 'world.observed': [{ guard: 'isSlashingAgain', target: 'critical', actions: 'observe' }, { actions: 'observe' }] },
    },
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
  harmfulActions: [
    { id: 'reenable-before-fix', description: 'Re-enable speculation before the fix', why: 'slashing resumes' },
    { id: 'restore-too-fast', description: 'Re-enable too deep or all at once while the fix is fresh', why: 'a fix that does not hold slashes the validator again at full depth' },
  ],
  mitigated: { all: [{ reading: 'speculationEnabled', op: '==', value: false }], forMs: 60_000, description: 'speculation disabled: no further slashing' },
  resolved: {
    all: [...normalSettings, { reading: 'slashingEventsLastHour', op: '==', value: 0 }],
    forMs: 30 * 60_000,
    description: 'the signing fix rolled out, speculation at its normal settings (enabled, max_depth 4 or more, rollout 100%) and no slashing in the last hour, for 30 minutes',
  },
  cause: {
    kind: 'bug',
    description: 'speculative execution signed conflicting commits for the same slot, and the validator was slashed for double-signing',
    evidence: [
      { command: 'agenc stake slashing-history --since 24h', shows: 'each slashing event with its offence and the commits it cites, one signed by a speculation-engine pod for a speculative task' },
      { command: "agenc messages --channel '#incidents'", shows: 'the engine team saying when the fix ships and which release it is' },
      { command: 'kubectl rollout history deployment/speculation-engine -n production', shows: 'the fix rolling out as a new revision with its change-cause' },
    ],
    fix: 'the engine team ships a fix for the signing bug as a new speculation-engine deploy at a seeded time after the page, announced in #incidents and #deploys; the cause is gone once it has rolled out',
  },
  recovery: [
    reenableShallowStep({ id: 'reenable-shallow', description: 'Re-enable at max_depth 1 once the fix is out', why: 'a fix that does not hold hurts a few shallow chains, not every chain' }),
    increaseDepthStep({ id: 'increase-depth-gradually', description: 'Increase the depth a step at a time, watching the slashing history', why: 'each step is watched before the next' }),
  ],
  stabiliseFirst: true,
  escalateTo: ['engineering-leadership', 'finance'],
  onboardingRank: 4,
  impact: {
    unit: 'tokens slashed',
    description: 'every token the validator is slashed; a minute of speculation off costs an average minute of the incident left alone',
    harmPerSecond: (now, before) => growthOf(now.slashedTokens, before.slashedTokens),
    unavailableWeight: 1,
  },
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
