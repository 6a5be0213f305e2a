/**
 * INC-SPEC-005, stake slashing. Speculative commits start signing conflicting results; the
 * validator is slashed for double-signing, again and again while speculation runs. Disabling
 * speculation stops further slashing; `agenc stake status > file` preserves the evidence;
 * `agenc stake slashing-history` shows each offence and the commits it cites. The signing bug
 * is the engine team's to fix: at a seeded time after the page they say so in #incidents and
 * ship it as a new speculation-engine release that rolls out where `kubectl rollout history`
 * shows it. Nothing is fixed unseen. Re-enabling before the fix lets the slashing resume;
 * re-enabling deeper than max_depth 1, or all at once, while the fix is fresh brings some back.
 *
 * The penalty variant (some seeds, normal and hard): no bug. A failover promoted the standby
 * signer at onset (`stake.standby_signer.enabled`, in the config history) while the primary kept
 * signing, so two hosts sign with the validator's key and the chain slashes it for double
 * signing, legitimately, whatever speculation does. The slashing history tells the two apart:
 * a speculative task's result beside a worker's, or two different signers, neither speculative.
 * Nothing ships from the engine team; the fix is the responder's: shut the standby signer.
 *
 * On hard, in either variant, a teammate raised `stake.signer.clock_skew_tolerance_ms` just
 * before onset (in the config history): the signer now signs for slots the chain has moved past,
 * the same signer twice for one slot, the second after the slot ended. The incident is not over
 * until the tolerance is back within two seconds.
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
import type { Difficulty } from './scenario-types';
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

/**
 * Double signs an hour while the standby signer signs with the validator's key beside the
 * primary (`stake.standby_signer.enabled`): two hosts, each signing its own view of a slot now
 * and then. Declared with the incident whose penalty variant is this; the world applies it in
 * every drill, whatever speculation does.
 */
export const duplicateSignerSlashingPerHour = 14;

/**
 * Double signs an hour when `stake.signer.clock_skew_tolerance_ms` lets the signer sign for a
 * slot the chain has already moved past: past two seconds of slack, the later it may sign, the
 * more often its late signature lands beside a different one for the same slot. Declared with
 * the incident whose hard variant raises it; the world applies it in every drill.
 */
export function lateSigningSlashingPerHour(toleranceMs: number): number {
  return toleranceMs <= lateSigningSlackMs ? 0 : ((toleranceMs - lateSigningSlackMs) / 1000) * 3;
}
/** The tolerance at and under which no late signature conflicts with another. */
export const lateSigningSlackMs = 2_000;
/** The chain's penalty for a double sign when no scenario says otherwise, in tokens. */
export const doubleSignPenaltyTokens = 400;

/** A config change someone outside the drill made: when, what, who and why. */
export interface SignerChange<T> {
  atMs: number;
  value: T;
  by: string;
  reason: string;
}

export interface StakeSlashingVariant extends CommonVariant {
  /** `bug`: speculative commits sign conflicting results; `penalty`: a duplicate signer after a failover. */
  kind: 'bug' | 'penalty';
  /** Slashing events per hour at the peak, while speculation runs (the bug). */
  peakSlashingPerHour: number;
  /** Tokens slashed per event. */
  slashAmount: number;
  /** The engine team's fix (the bug variant; never shipped in the penalty variant). */
  fix: SigningFix;
  /** The penalty variant: the failover that turned the standby signer on, at onset; null for the bug. */
  failover: SignerChange<true> | null;
  /** Hard only: the raised clock-skew tolerance, just before onset; null on easy and normal. */
  toleranceChange: SignerChange<number> | null;
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
  /** When the signing fix had rolled out (the bug variant): the Recovery's "fresh fix" counts from here. */
  causeFixedAtMs: number | null;
  /** A too-fast restore brings part of the slashing back until then. */
  relapseUntilMs: number | null;
  /** `stake.standby_signer.enabled` as the failover and the responder left it. */
  standbySigner: boolean;
  /** `stake.signer.clock_skew_tolerance_ms` as the teammate and the responder left it. */
  toleranceMs: number;
  /** Which of the outside changes are out. */
  announced: { failover: boolean; tolerance: boolean };
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
  // Drawn after everything above, so existing seeds keep their timings and amounts.
  const penalty = faker.number.float() < 0.3;
  const operator = `${faker.person.firstName().toLowerCase()}.${faker.person.lastName().charAt(0).toLowerCase()}`;
  const failover: SignerChange<true> = {
    atMs: common.onsetAtMs,
    value: true,
    by: operator,
    reason: faker.helpers.arrayElement([
      `failover: primary signer host unreachable from monitoring (OPS-${faker.number.int({ min: 100, max: 999 })})`,
      'promote standby signer while the primary host is patched',
      `signer failover runbook step 3 (VAL-${faker.number.int({ min: 100, max: 999 })})`,
    ]),
  };
  const teammate = faker.person.firstName().toLowerCase();
  const toleranceChange: SignerChange<number> = {
    atMs: Math.max(1000, common.onsetAtMs - faker.number.int({ min: 5, max: 40 }) * 1000),
    value: faker.helpers.arrayElement([4000, 4500, 5000, 6000]),
    by: teammate,
    reason: faker.helpers.arrayElement([
      `missed attestations on a node with NTP drift (OPS-${faker.number.int({ min: 100, max: 999 })})`,
      'signer refuses to sign during clock step-adjustments; give it more slack',
      `reduce missed-attestation penalties (VAL-${faker.number.int({ min: 100, max: 999 })})`,
    ]),
  };
  return {
    ...common,
    kind: penaltyVariant(input.difficulty, penalty) ? 'penalty' : 'bug',
    peakSlashingPerHour,
    slashAmount,
    fix,
    failover: penaltyVariant(input.difficulty, penalty) ? failover : null,
    toleranceChange: input.difficulty === 'hard' ? toleranceChange : null,
  };
}

/** Easy drills are always the bug: the penalty variant asks a responder to read the evidence against it. */
function penaltyVariant(difficulty: Difficulty, drawn: boolean): boolean {
  return difficulty !== 'easy' && drawn;
}

/** Slashing events an hour the variant reaches at its peak, left alone. */
function peakPerHour(variant: StakeSlashingVariant): number {
  return variant.kind === 'penalty' ? duplicateSignerSlashingPerHour : variant.peakSlashingPerHour;
}

/**
 * Funds lost over an hour at the peak, left alone: significant (P1) or some (P1-P2). Live, the
 * severity engine reads the tokens slashed in the last 24 hours instead, as a responder does.
 */
function fundsAtRisk(variant: StakeSlashingVariant): 'some' | 'significant' {
  return variant.slashAmount * peakPerHour(variant) >= significantLossTokens ? 'significant' : 'some';
}

/** The signing bug is fixed: the engine team's release has rolled out (the bug variant only). */
function bugFixed(context: StakeSlashingContext): boolean {
  return context.variant.kind === 'bug' && context.fraction > 0 && context.fixRolledOut && context.engineImage === context.variant.fix.image;
}

/** The signers' own causes are gone: no standby signing beside the primary (after the failover), no late signing. */
function signersFixed(context: StakeSlashingContext): boolean {
  const duplicateGone = context.variant.kind === 'bug' || (context.announced.failover && !context.standbySigner);
  return duplicateGone && lateSigningSlashingPerHour(context.toleranceMs) === 0;
}

/** Whether anything still gets the validator slashed at these readings: speculation on before the bug fix, a second signer, late signing. */
function slashingSourceActive(context: StakeSlashingContext, speculationEnabled: boolean): boolean {
  const bugActive = context.variant.kind === 'bug' && !bugFixed(context) && speculationEnabled;
  return bugActive || context.standbySigner || lateSigningSlashingPerHour(context.toleranceMs) > 0;
}

/** The drivers and the cause's state from what the context knows. */
function driven(context: StakeSlashingContext, simMs: number): Pick<StakeSlashingContext, 'drivers' | 'causeFixed' | 'causeFixedAtMs'> {
  const fixed = bugFixed(context);
  const relapsing = context.relapseUntilMs !== null && simMs < context.relapseUntilMs;
  // The penalty variant has no speculative bug: its slashing is the world's, from the two signers.
  const bugPerHour = context.variant.kind === 'penalty' ? 0 : context.variant.peakSlashingPerHour;
  const perHour = fixed ? (relapsing ? bugPerHour * relapseShare : 0) : bugPerHour * context.fraction;
  const primaryFixed = context.variant.kind === 'bug' ? fixed : context.fraction > 0 && signersFixed(context);
  return {
    drivers: { ...context.drivers, slashingPerHour: perHour, slashAmount: context.variant.slashAmount },
    causeFixed: primaryFixed && signersFixed(context),
    causeFixedAtMs: fixed ? (context.causeFixedAtMs ?? simMs) : null,
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
  const outside = outsideChanges(context, event.simMs);
  if (outside) return { ...outside, ...driven({ ...context, ...outside }, event.simMs) };
  const { readings, simMs } = event;
  const rolledOut = !context.fixRolledOut && context.engineImage === context.variant.fix.image && simMs >= context.variant.fix.atMs + rolloutSettleMs && readings.speculationPodsReady >= readings.speculationPodsDesired;
  const relapseOver = context.relapseUntilMs !== null && simMs >= context.relapseUntilMs;
  if (!rolledOut && !relapseOver) return {};
  const next = { ...context, fixRolledOut: context.fixRolledOut || rolledOut, relapseUntilMs: relapseOver ? null : context.relapseUntilMs };
  return { fixRolledOut: next.fixRolledOut, relapseUntilMs: next.relapseUntilMs, ...driven(next, simMs) };
}

/**
 * The config changes others make, each once at its moment: the failover turning the standby
 * signer on (penalty variant), the teammate's raised clock-skew tolerance (hard). Null when
 * nothing is due.
 */
function outsideChanges(context: StakeSlashingContext, simMs: number): Pick<StakeSlashingContext, 'announced' | 'standbySigner' | 'toleranceMs' | 'happenings'> | null {
  const { failover, toleranceChange } = context.variant;
  const dueFailover = failover !== null && !context.announced.failover && simMs >= failover.atMs;
  const dueTolerance = toleranceChange !== null && !context.announced.tolerance && simMs >= toleranceChange.atMs;
  if (!dueFailover && !dueTolerance) return null;
  const happenings: Happening[] = [];
  if (dueTolerance) happenings.push({ kind: 'config', changes: { 'stake.signer.clock_skew_tolerance_ms': toleranceChange.value }, by: toleranceChange.by, reason: toleranceChange.reason });
  if (dueFailover) happenings.push({ kind: 'config', changes: { 'stake.standby_signer.enabled': true }, by: failover.by, reason: failover.reason });
  return {
    announced: { failover: context.announced.failover || dueFailover, tolerance: context.announced.tolerance || dueTolerance },
    standbySigner: dueFailover ? true : context.standbySigner,
    toleranceMs: dueTolerance ? toleranceChange.value : context.toleranceMs,
    happenings: [...context.happenings, ...happenings],
  };
}

function restoreTooFastReason(context: StakeSlashingContext, event: WorldEvent): string | null {
  // Speculation is only the cause in the bug variant: how fast it comes back matters only there.
  if (event.type !== 'config.changed' || context.variant.kind !== 'bug') return null;
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
    // Judged with the outside changes due by this reading, so a failover due now counts at once.
    isSlashingStopped: ({ context, event }) => event.type === 'world.observed' && !slashingSourceActive({ ...context, ...outsideChanges(context, event.simMs) }, event.readings.speculationEnabled),
    isSlashingAgain: ({ context, event }) => event.type === 'world.observed' && slashingSourceActive({ ...context, ...outsideChanges(context, event.simMs) }, event.readings.speculationEnabled),
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled,
    isEngineRevision: ({ event }) => (event.type === 'deployment.rolledBack' || event.type === 'deployment.updated') && event.name === 'speculation-engine',
    isBug: ({ context }) => context.variant.kind === 'bug',
    isReenabledBeforeFix: ({ context, event }) => context.variant.kind === 'bug' && !bugFixed(context) && configChanges(event)['speculation.enabled'] === true,
    isStandbySignerOn: ({ event }) => configChanges(event)['stake.standby_signer.enabled'] === true,
    isSkewToleranceWidened: ({ context, event }) => {
      const tolerance = configChanges(event)['stake.signer.clock_skew_tolerance_ms'];
      return typeof tolerance === 'number' && tolerance > Math.max(lateSigningSlackMs, context.toleranceMs);
    },
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
    trackConfig: assign(({ context, event }) => {
      const changes = configChanges(event);
      const standby = changes['stake.standby_signer.enabled'];
      const tolerance = changes['stake.signer.clock_skew_tolerance_ms'];
      return {
        tracked: trackedConfigAfter(context.tracked, event),
        standbySigner: typeof standby === 'boolean' ? standby : context.standbySigner,
        toleranceMs: typeof tolerance === 'number' ? tolerance : context.toleranceMs,
      };
    }),
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
      standbySigner: false,
      toleranceMs: 500,
      announced: { failover: false, tolerance: false },
    };
  },
  initial: 'healthy',
  // The engine team ships the fix at its seeded time, whatever phase the incident is in; the penalty variant has no bug to fix.
  after: { fixShips: { guard: 'isBug', actions: ['shipFix', 'recompute'] } },
  on: {
    'stake.snapshotted': { actions: 'markEvidence' },
    'config.changed': {
      // Every check reads the context before this change; the tracking comes last.
      actions: enqueueActions(({ enqueue, check }) => {
        if (check('isReenabledBeforeFix')) enqueue({ type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the signing bug was fixed: slashing resumes' } });
        if (check('isStandbySignerOn')) enqueue({ type: 'recordHarm', params: { action: 'standby-signer-on', why: "turned the standby signer on while the primary signs: two hosts sign with the validator's key" } });
        if (check('isSkewToleranceWidened')) enqueue({ type: 'recordHarm', params: { action: 'widen-clock-skew', why: 'widened the signer clock-skew tolerance past two seconds: the signer signs for slots the chain has moved past' } });
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
    { id: 'standby-signer-on', description: 'Turn the standby signer on (stake.standby_signer.enabled: true) while the primary signs', why: "two hosts sign with the validator's key: the chain slashes it for every slot they disagree on" },
    { id: 'widen-clock-skew', description: 'Widen stake.signer.clock_skew_tolerance_ms past two seconds', why: 'the signer signs for slots the chain has moved past, a second commit for each' },
  ],
  mitigated: {
    all: [{ reading: 'speculationEnabled', op: '==', value: false }],
    forMs: 60_000,
    description: "speculation disabled: no further slashing from speculative commits (a duplicate signer's or a late signer's slashing goes on until it is shut)",
  },
  resolved: {
    all: [...normalSettings, { reading: 'slashingEventsLastHour', op: '==', value: 0 }],
    forMs: 30 * 60_000,
    description:
      'the cause gone (the signing fix rolled out, or in the penalty variant the duplicate signer shut; on hard also the clock-skew tolerance back), speculation at its normal settings (enabled, max_depth 4 or more, rollout 100%) and no slashing in the last hour, for 30 minutes',
  },
  cause: {
    kind: 'bug',
    description:
      'speculative execution signed conflicting commits for the same slot, and the validator was slashed for double-signing. In the penalty variant (some seeds, normal and hard) there is no bug: a failover turned the standby signer on while the primary kept signing, and the chain slashed the validator legitimately for the two hosts signing different commits for a slot. On hard, a teammate had also raised stake.signer.clock_skew_tolerance_ms just before onset: the signer signed again for slots the chain had moved past',
    evidence: [
      {
        command: 'agenc stake slashing-history --since 24h',
        shows: 'each slashing event with its offence and the commits it cites: the bug, one signed by a speculation-engine pod for a speculative task; the penalty, two different signers (an agenc worker and signer-b.validators.internal), neither speculative; on hard, one signer twice, the second signature after the slot ended',
      },
      { command: "agenc messages --channel '#incidents'", shows: 'the bug: the engine team saying when the fix ships and which release it is (nothing ships in the penalty variant)' },
      { command: 'kubectl rollout history deployment/speculation-engine -n production', shows: 'the bug: the fix rolling out as a new revision with its change-cause' },
      { command: 'agenc config history --since 2h', shows: 'the penalty: the failover that set stake.standby_signer.enabled to true at onset; on hard, who raised stake.signer.clock_skew_tolerance_ms, when and why' },
    ],
    fix: 'the bug: the engine team ships a fix for the signing bug as a new speculation-engine deploy at a seeded time after the page, announced in #incidents and #deploys; the cause is gone once it has rolled out. The penalty: nothing to dispute and nothing ships; the responder shuts the duplicate signer (stake.standby_signer.enabled: false). On hard, the responder also puts stake.signer.clock_skew_tolerance_ms back within two seconds',
  },
  recovery: [
    {
      id: 'shut-duplicate-signer',
      description: 'Penalty variant: shut the duplicate signer',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"stake.standby_signer.enabled": false}'`,
      anyOf: [{ kind: 'config', key: 'stake.standby_signer.enabled', value: false }],
      why: "one host signing with the validator's key cannot sign two commits for a slot",
    },
    {
      id: 'clock-skew-tolerance',
      description: 'Hard: put the signer clock-skew tolerance back',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"stake.signer.clock_skew_tolerance_ms": 500}'`,
      anyOf: [{ kind: 'config', key: 'stake.signer.clock_skew_tolerance_ms', atMost: lateSigningSlackMs }],
      why: 'a signer that may not sign late cannot sign a second commit for a slot the chain has moved past',
    },
    reenableShallowStep({ id: 'reenable-shallow', description: 'Re-enable at max_depth 1 once the fix is out', why: 'a fix that does not hold hurts a few shallow chains, not every chain' }),
    increaseDepthStep({ id: 'increase-depth-gradually', description: 'Increase the depth a step at a time, watching the slashing history', why: 'each step is watched before the next' }),
  ],
  stabiliseFirst: true,
  escalateTo: ['engineering-leadership', 'finance'],
  people: {
    finance: "Finance here. What's our exposure on the slashing: how many tokens so far, and is it still going? We need a number before the treasury call.",
  },
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
  summary: 'The validator is slashed for double-signing, again and again.',
  difficulty: 'normal',
  machine: stakeSlashingMachine,
  spec: stakeSlashingSpec,
};
