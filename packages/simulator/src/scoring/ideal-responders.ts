/**
 * The ideal path of each incident, as a scripted responder: the spec's required actions in the
 * runbook's order a minute after the page, the cause's fix as its `cause.fix` says, then the
 * Recovery steps a step at a time (three minutes watched between each), and the declarations a
 * commander makes along the way. It knows the variant (which release, which config change),
 * as an oracle: the ideal is what a responder who read all the evidence at once would do.
 *
 * The counterfactual runs play it in-process (`applyIntent`); the strategy ladder plays the very
 * same script through the HTTP API, so the ideal a score is measured against is the one the
 * ladder shows scores at least 90.
 */
import { alertNames, type EscalationTarget, type ScenarioContext, type Severity } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import type { ResponderIntent } from '../drill/responder-intents';
import type { Channel, CommsTemplate } from '../drill/trainee-session';
import { CommanderProcess, type ProcessOptions } from './commander-process';

/** A look a responder takes: no effect on the world, but some runbook steps are exactly these. */
export type ReadIntent = { kind: 'read'; what: 'rollbacks' | 'proof-worker-status' | 'slashing-history' | 'pods' | 'previous-logs' | 'rollout-history' | 'rollout-status'; pod?: string; deployment?: string };

/** What a trainee declares: recorded for the process score, never a change to the world. */
export type DeclarationIntent =
  | { kind: 'acknowledge' }
  | { kind: 'severity'; severity: Severity }
  | { kind: 'bridge' }
  | { kind: 'comms'; template: CommsTemplate; text: string; channel?: Channel }
  | { kind: 'escalate'; to: EscalationTarget }
  | { kind: 'declare-resolved' };

export type Move = ResponderIntent | ReadIntent | DeclarationIntent;

const declarationKinds: ReadonlySet<string> = new Set(['acknowledge', 'severity', 'bridge', 'comms', 'escalate', 'declare-resolved']);

/** Whether a move changes the world (the counterfactual runs apply only these). */
export function isWorldMove(move: Move): move is ResponderIntent {
  return move.kind !== 'read' && !declarationKinds.has(move.kind);
}

/** What a step of a script sees. */
export interface ScriptView {
  drill: Drill;
  /** The scenario machine's context (the variant, what the cause is, whether it is gone). */
  context: ScenarioContext & Record<string, unknown>;
  nowMs: number;
  /** When the page came (null: not yet). */
  pageMs: number | null;
  /** When the previous step was taken. */
  lastStepMs: number;
  /** The commander's process: the severity called, the updates, the escalations. */
  process: CommanderProcess;
}

/** Which part of the path a step belongs to: the ladder's weaker responders leave some out. */
export type StepPart = 'open' | 'fix' | 'recover' | 'close';

export interface ScriptStep {
  label: string;
  part: StepPart;
  when(view: ScriptView): boolean;
  moves(view: ScriptView): Move[];
}

export interface TakenStep {
  atMs: number;
  label: string;
  part: StepPart;
  /** What its changes were, as `moveSignature`s (empty for a step of reads and declarations). */
  changes?: string[];
}

/** A change, named so that the same change made another way (another replica count, a separate request) reads the same. */
export function moveSignature(move: ResponderIntent): string[] {
  switch (move.kind) {
    case 'config':
      return Object.entries(move.changes).map(([key, value]) => `config ${key}=${String(value)}`);
    case 'scale':
      return [`scale ${move.deployment} ${move.replicas === 0 ? 'to 0' : 'up'}`];
    case 'rollout-undo':
      return [`rollout undo ${move.deployment}`];
    case 'set-template':
      return [`set resources ${move.deployment}`];
    case 'drain':
    case 'gc':
    case 'clear-snapshots':
    case 'check-integrity':
    case 'timeout-proofs':
    case 'stake-status':
      return [move.kind];
  }
}

/** A responder the runs and the ladder drive: asked what to do after every few simulated seconds. */
export interface Responder {
  act(drill: Drill): Move[];
  /** The steps it has taken, with when (the debrief's "what the ideal path did at that moment"). */
  readonly taken: readonly TakenStep[];
}

/** How often a scripted responder looks at the world: the runs and the ladder step by this. */
export const responderStepMs = 5_000;

const watchMs = 3 * 60_000;

export interface ScriptOptions extends ProcessOptions {
  /** How long after the page the opening moves come (the ideal: a minute). */
  openingDelayMs?: number;
  /** Parts of the path left out (the ladder's "stops at mitigation" leaves out fix and recover). */
  skip?: readonly StepPart[];
  /** Declare resolved once this holds (default: once the world says the incident is resolved). */
  declareWhen?: (view: ScriptView) => boolean;
}

/**
 * Runs the steps in order: each waits for its `when`, then makes its moves and the next one is
 * up. Once a step has opened the incident through the commander's process, the process is kept
 * between steps (the call raised, escalations, updates on their cadence) until it is closed.
 */
export class ScriptedResponder implements Responder {
  private index = 0;
  private pageMs: number | null = null;
  private lastStepMs = 0;
  private declared = false;
  private readonly process: CommanderProcess;
  readonly taken: TakenStep[] = [];

  constructor(
    private readonly steps: readonly ScriptStep[],
    options: ProcessOptions = {},
  ) {
    this.process = new CommanderProcess(options);
  }

  act(drill: Drill): Move[] {
    const nowMs = drill.clock.now();
    const spec = drill.scenario.spec;
    if (this.pageMs === null && spec && alertNames(spec).some((alert) => drill.world.alerts.firing().includes(alert))) this.pageMs = nowMs;
    const view: ScriptView = { drill, context: drill.actor.getSnapshot().context as ScriptView['context'], nowMs, pageMs: this.pageMs, lastStepMs: this.lastStepMs, process: this.process };
    const moves: Move[] = [];
    // Several steps may be due at once (a fix right after the opening); each is taken in order.
    while (this.index < this.steps.length && !this.declared) {
      const step = this.steps[this.index]!;
      if (!step.when({ ...view, lastStepMs: this.lastStepMs })) break;
      const made = step.moves({ ...view, lastStepMs: this.lastStepMs });
      moves.push(...made);
      if (made.length > 0) this.taken.push({ atMs: nowMs, label: step.label, part: step.part, changes: made.filter(isWorldMove).flatMap(moveSignature) });
      this.process.noteMoves(made);
      this.lastStepMs = nowMs;
      this.index++;
      if (made.some((move) => move.kind === 'declare-resolved')) this.declared = true;
    }
    if (!this.declared && this.pageMs !== null) moves.push(...this.process.keep(drill, this.pageMs));
    return moves;
  }
}

const paged = (delayMs: number) => (view: ScriptView) => view.pageMs !== null && view.nowMs - view.pageMs >= delayMs;
const watched = (view: ScriptView) => view.nowMs - view.lastStepMs >= watchMs;
const causeGone = (view: ScriptView) => view.context.causeFixed;
const config = (changes: Record<string, boolean | number | string>): ResponderIntent => ({ kind: 'config', changes });

/** The depth back a step at a time from `from`, each watched for three minutes: the runbook's "gradually". */
function depthSteps(from: number): ScriptStep[] {
  const steps: ScriptStep[] = [];
  for (let depth = from + 1; depth <= 4; depth++) steps.push({ label: `raise max_depth to ${depth}`, part: 'recover', when: watched, moves: () => [config({ 'speculation.max_depth': depth })] });
  return steps;
}

/** Re-enable at max_depth 1 once `ready`, then the depth back a step at a time. */
function shallowRestart(ready: (view: ScriptView) => boolean, extra: Move[] = []): ScriptStep[] {
  return [{ label: 're-enable speculation at max_depth 1', part: 'recover', when: ready, moves: () => [...extra, config({ 'speculation.enabled': true, 'speculation.max_depth': 1 })] }, ...depthSteps(1)];
}

interface IncidentPath {
  /** The runbook's Immediate Actions, in its order. */
  immediate(view: ScriptView): Move[];
  /** The cause's fix and the Recovery, after the opening. */
  after: ScriptStep[];
}

function previousLogsPod(drill: Drill, deployment: string): string | undefined {
  const pods = drill.world.cluster.podsOf(deployment);
  return (pods.find((pod) => pod.restarts > 0) ?? pods[0])?.name;
}

const incidentPaths: Record<string, () => IncidentPath> = {
  'rollback-storm': () => ({
    immediate: () => [config({ 'speculation.enabled': false }), { kind: 'drain' }, { kind: 'read', what: 'rollbacks' }],
    after: [
      {
        label: 'put speculation.task_timeout_ms back (the teammate lowered it)',
        part: 'fix',
        when: () => true,
        moves: (view) => ((view.context.variant as { timeoutChange: unknown } | undefined)?.timeoutChange ? [config({ 'speculation.task_timeout_ms': 30_000 })] : []),
      },
      ...shallowRestart(causeGone),
    ],
  }),
  'memory-exhaustion': () => ({
    immediate: () => [{ kind: 'gc', force: true }, { kind: 'clear-snapshots', olderThanMs: 30 * 60_000 }, config({ 'speculation.max_depth': 2 })],
    after: [
      {
        label: 'fix the cause: roll the release back, or a limit that fits the working set',
        part: 'fix',
        when: () => true,
        moves: (view) => {
          const variant = view.context.variant as { cause: { kind: string }; retentionChange: unknown };
          const moves: Move[] = [{ kind: 'read', what: 'rollout-history', deployment: 'speculation-engine' }];
          moves.push(variant.cause.kind === 'release' ? { kind: 'rollout-undo', deployment: 'speculation-engine' } : { kind: 'set-template', deployment: 'speculation-engine', memoryLimitBytes: 8 * 1024 ** 3 });
          if (variant.retentionChange) moves.push(config({ 'speculation.snapshots.retention_minutes': 20 }));
          return moves;
        },
      },
      { label: 'tune snapshot limits', part: 'recover', when: () => true, moves: () => [config({ 'speculation.snapshots.max_count': 2000 })] },
      { label: 'wait for the fix to roll out', part: 'recover', when: causeGone, moves: () => [] },
      ...depthSteps(2),
    ],
  }),
  'proof-backlog': () => ({
    immediate: () => [
      { kind: 'read', what: 'proof-worker-status' },
      { kind: 'scale', deployment: 'proof-worker', replicas: 16 },
      config({ 'speculation.features.rollout_percentage': 25 }),
      { kind: 'timeout-proofs', olderThanMs: 10 * 60_000 },
    ],
    after: [
      {
        label: 'undo the change: the proof-worker release, the batch size',
        part: 'fix',
        when: () => true,
        moves: (view) => {
          const variant = view.context.variant as { release: unknown; batchChange: { from: number } | null };
          const moves: Move[] = [];
          if (variant.release) moves.push({ kind: 'rollout-undo', deployment: 'proof-worker' });
          if (variant.batchChange) moves.push(config({ 'speculation.proof.batch_size': variant.batchChange.from }));
          return moves;
        },
      },
      {
        label: 'bring the rollout back to 50%',
        part: 'recover',
        when: (view) => {
          const readings = view.drill.world.readings();
          return causeGone(view) && readings.proofQueueRatio < 0.05 && readings.proofWorkersFailing === 0;
        },
        moves: () => [config({ 'speculation.features.rollout_percentage': 50 })],
      },
      { label: 'bring the rollout back to 75%', part: 'recover', when: watched, moves: () => [config({ 'speculation.features.rollout_percentage': 75 })] },
      { label: 'bring the rollout back to 100%', part: 'recover', when: watched, moves: () => [config({ 'speculation.features.rollout_percentage': 100 })] },
    ],
  }),
  'state-corruption': () => ({
    immediate: () => [config({ 'speculation.enabled': false }), { kind: 'scale', deployment: 'agenc-worker', replicas: 0 }, { kind: 'check-integrity', full: true }],
    after: [
      {
        label: 'put speculation.commit_validation back to strict (the teammate loosened it)',
        part: 'fix',
        when: () => true,
        moves: (view) => ((view.context.variant as { validationChange: unknown }).validationChange ? [config({ 'speculation.commit_validation': 'strict' })] : []),
      },
      // The engine team's fix and the data team's restore come from outside; a clean full check is the proof.
      { label: 'validate the data with a full integrity check', part: 'recover', when: (view) => causeGone(view) && view.context.restored === true, moves: () => [{ kind: 'check-integrity', full: true }] },
      // The restore may not be finished at the first check: again every three minutes until one is clean.
      ...Array.from({ length: 6 }, (): ScriptStep => ({
        label: 'check again until clean',
        part: 'recover',
        when: (view) => view.context.validated === true || watched(view),
        moves: (view) => (view.context.validated === true ? [] : [{ kind: 'check-integrity', full: true }]),
      })),
      ...shallowRestart((view) => view.context.validated === true, [{ kind: 'scale', deployment: 'agenc-worker', replicas: 4 }]),
    ],
  }),
  'stake-slashing': () => ({
    immediate: () => [config({ 'speculation.enabled': false }), { kind: 'stake-status' }, { kind: 'read', what: 'slashing-history' }],
    after: [
      {
        // The bug's fix comes from the engine team; the penalty's and the late signing's are the responder's.
        label: 'shut the duplicate signer (the penalty), put the clock-skew tolerance back (hard)',
        part: 'fix',
        when: () => true,
        moves: (view) => {
          const variant = view.context.variant as { kind: 'bug' | 'penalty'; toleranceChange: unknown };
          const changes: Record<string, boolean | number> = {};
          if (variant.kind === 'penalty') changes['stake.standby_signer.enabled'] = false;
          if (variant.toleranceChange) changes['stake.signer.clock_skew_tolerance_ms'] = 500;
          return Object.keys(changes).length > 0 ? [config(changes)] : [];
        },
      },
      ...shallowRestart(causeGone),
    ],
  }),
  'gateway-crashloop': () => ({
    immediate: (view) => [
      { kind: 'read', what: 'pods' },
      { kind: 'read', what: 'previous-logs', pod: previousLogsPod(view.drill, 'agenc-gateway') ?? 'agenc-gateway' },
      { kind: 'read', what: 'rollout-history', deployment: 'agenc-gateway' },
    ],
    after: [
      { label: 'roll the release back', part: 'fix', when: () => true, moves: () => [{ kind: 'rollout-undo', deployment: 'agenc-gateway' }] },
      { label: 'watch the rollback complete', part: 'recover', when: watched, moves: () => [{ kind: 'read', what: 'rollout-status', deployment: 'agenc-gateway' }] },
    ],
  }),
};

/** The incidents with an ideal path (every registered incident). */
export const incidentsWithIdealPath = Object.keys(incidentPaths);

/**
 * The steps of an incident's path with `options` applied. Null for a scenario without one (the
 * healthy baseline has nothing to respond to).
 */
export function pathSteps(scenario: string, options: ScriptOptions = {}): ScriptStep[] | null {
  const make = incidentPaths[scenario];
  if (!make) return null;
  const path = make();
  const skip = new Set(options.skip ?? []);
  const openingDelayMs = options.openingDelayMs ?? 60_000;
  const opening: ScriptStep = {
    label: "acknowledge, declare the severity, the runbook's Immediate Actions, the first update, the escalations",
    part: 'open',
    when: paged(openingDelayMs),
    moves: (view) => {
      const immediate = path.immediate(view).filter((move) => !(skip.has('fix') && move.kind === 'rollout-undo'));
      return [...view.process.opening(view.drill, view.pageMs!), ...immediate, ...view.process.announce(view.drill, view.pageMs!)];
    },
  };
  const close: ScriptStep = {
    label: 'declare resolved, with the resolution update',
    part: 'close',
    when: options.declareWhen ?? ((view) => view.drill.resolution().state === 'resolved'),
    moves: (view) => view.process.close(view.drill, view.pageMs),
  };
  return [opening, ...path.after.filter((step) => !skip.has(step.part)), close];
}

/** The ideal responder of a scenario, or null for the baseline. */
export function idealResponder(scenario: string, options: ScriptOptions = {}): ScriptedResponder | null {
  const steps = pathSteps(scenario, options);
  return steps === null ? null : new ScriptedResponder(steps, options.severity ? { severity: options.severity } : {});
}
