/**
 * A live drill is its options plus the ordered inputs it received, each at its simulated moment:
 * the responder's changes to the service and the cluster, the trainee's declarations, the
 * facilitator's clock and faults, and the entries the journal was given from outside (every
 * request's). The world is deterministic, so replaying the inputs at their moments rebuilds the
 * same drill: this is how a live drill survives a restart. Each input is applied through the
 * very drill action its request called (as the counterfactual runs apply a finished drill's
 * intents, `responder-intents.ts`), so a replayed input does exactly what the request did.
 *
 * What is not an input: reads (they change nothing but the journal, whose entries are inputs of
 * their own), what the world does on its own (ticks, alerts, the scenario's happenings: the
 * replay does them again), and what an input does in turn (a drain's skip, a reset's start).
 */
import type { JournalInput } from '../journal/journal';
import { GamedayError } from '../core/gameday-error';
import type { DeploymentChange } from '../kube/deployment-change';
import type { ActionJournal } from './action-journal';
import { changeDeployment, scaleDeployment } from './cluster-actions';
import { pauseClock, resumeClock, setClockSpeed } from './clock-controls';
import { Drill, type DrillOptions } from './drill';
import { clearSnapshots, changeConfig, drainSpeculation, runGc, runIntegrityCheck, snapshotStake, timeoutProofs } from './service-actions';
import { acknowledgePage, declareIncident, declareSeverity, escalate, fastForward, joinBridge, postUpdate, sayOnBridge } from './trainee-actions';
import type { Channel, CommsTemplate, EscalationTarget, ImpactQuestionId, SeverityDeclaration } from './trainee-session';
import { divergedParts, worldCheckpoint, type WorldCheckpoint } from './world-fingerprint';

export type DrillInput =
  | { kind: 'start' }
  | { kind: 'reset' }
  | { kind: 'inject'; scenario: string }
  /** A facilitator's (or a control request's) advance of `ms`. */
  | { kind: 'advance'; ms: number; reason: string }
  /** A skip until something held (a fast-forward to the page, a rollout's watch): replayed to where it stopped. */
  | { kind: 'skip'; toMs: number; reason: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'speed'; speed: number }
  /** An entry recorded from outside the drill: a request's, a game-day's note. */
  | { kind: 'journal'; entry: JournalInput }
  | { kind: 'config'; body: unknown; by: string }
  | { kind: 'drain' }
  | { kind: 'gc'; force: boolean }
  | { kind: 'integrity'; full: boolean }
  | { kind: 'clear-snapshots'; olderThanMs: number; dryRun: boolean }
  | { kind: 'timeout-proofs'; olderThanMs: number }
  | { kind: 'stake-status' }
  | { kind: 'scale'; deployment: string; replicas: number }
  | { kind: 'deployment'; deployment: string; change: DeploymentChange }
  /** `alert`: the one the pager showed when Acknowledge was pressed (absent: the first waiting, as in logs from before it was kept). */
  | { kind: 'acknowledge'; alert?: string }
  | { kind: 'severity'; declaration: { severity: SeverityDeclaration['severity']; answers: Partial<Record<ImpactQuestionId, boolean>> } }
  | { kind: 'bridge' }
  | { kind: 'bridge-say'; text: string; by?: string }
  | { kind: 'post'; post: { channel: Channel; template: CommsTemplate; text: string } }
  /** `by`: the game-day participant who escalated (absent in a solo drill, and in logs from before it was kept). */
  | { kind: 'escalate'; to: EscalationTarget; by?: string }
  | { kind: 'declare'; state: 'mitigated' | 'resolved' }
  | { kind: 'fast-forward'; minutes: number }
  /** An input of a layer above the drill (a game-day session's join, its facilitator's start): that layer replays it. */
  | { kind: 'session'; action: string; args: Record<string, unknown> };

/** One input as kept: its simulated moment, the wall moment it was recorded, and now and then a checkpoint of the world just before it. */
export interface RecordedInput {
  simMs: number;
  wallMs: number;
  input: DrillInput;
  checkpoint?: WorldCheckpoint;
}

/** Where a live drill's inputs go (the store): appended in order, synchronously. */
export interface InputSink {
  append(input: RecordedInput): void;
  /** Inputs appended so far (those of earlier runs of the drill included). */
  count(): number;
  /** Whether the next input should carry a checkpoint of the world. */
  checkpointDue(): boolean;
}

/** A replayed input's journal detail: its request's entry is an input of its own. */
function scratch(): ActionJournal {
  return { detail: {}, noteHarm: () => undefined };
}

/**
 * Applies one input as its request did. An input of a layer above (`session`) goes to `other`.
 */
export function applyInput(drill: Drill, input: DrillInput, other?: (input: Extract<DrillInput, { kind: 'session' }>) => void): void {
  const deployment = (name: string) => {
    const found = drill.world.cluster.deployments.get(name);
    if (!found) throw new GamedayError('NOT_FOUND', `no deployment ${name} to replay a change of`);
    return found;
  };
  switch (input.kind) {
    case 'start':
      return drill.start();
    case 'reset':
      return drill.reset();
    case 'inject':
      return void drill.inject(input.scenario);
    case 'advance':
      return drill.skipTime(input.ms, input.reason);
    case 'skip':
      return drill.skipTo(input.toMs, input.reason);
    case 'pause':
      return pauseClock(drill);
    case 'resume':
      return resumeClock(drill);
    case 'speed':
      return setClockSpeed(drill, input.speed);
    case 'journal': {
      // A fresh object: the journal makes the object it is given its entry.
      const { source, action, outcome, status, actor, detail, effect } = input.entry;
      return drill.record({ source, action, outcome, ...(status === undefined ? {} : { status }), ...(actor === undefined ? {} : { actor }), ...(detail === undefined ? {} : { detail }), ...(effect === undefined ? {} : { effect }) });
    }
    case 'config':
      return void changeConfig(drill, input.body, scratch(), input.by);
    case 'drain':
      // The realtime wait is the request's; the drain itself goes on in the world as the replay advances.
      return void drainSpeculation(drill, 0, scratch());
    case 'gc':
      return void runGc(drill, input.force, scratch());
    case 'integrity':
      return void runIntegrityCheck(drill, input.full, 0, scratch());
    case 'clear-snapshots':
      return void clearSnapshots(drill, input.olderThanMs, input.dryRun, scratch());
    case 'timeout-proofs':
      return void timeoutProofs(drill, input.olderThanMs, scratch());
    case 'stake-status':
      return void snapshotStake(drill, scratch());
    case 'scale':
      return scaleDeployment(drill, deployment(input.deployment), input.replicas, scratch());
    case 'deployment':
      return changeDeployment(drill, deployment(input.deployment), input.change, scratch());
    case 'acknowledge':
      return void acknowledgePage(drill, scratch(), input.alert);
    case 'severity':
      return void declareSeverity(drill, input.declaration, scratch());
    case 'bridge':
      return void joinBridge(drill, scratch());
    case 'bridge-say':
      return void sayOnBridge(drill, input.text, scratch(), input.by);
    case 'post':
      return void postUpdate(drill, input.post, scratch());
    case 'escalate':
      return void escalate(drill, input.to, scratch(), input.by);
    case 'declare':
      return declareIncident(drill, input.state, scratch());
    case 'fast-forward':
      return void fastForward(drill, input.minutes, scratch());
    case 'session':
      if (!other) throw new GamedayError('INVALID_PARAMETER', `a ${input.action} input needs its game-day session to replay`);
      return other(input);
  }
}

/**
 * A game-day session's input as far as the drill is concerned: its facilitator's pause and resume
 * act on the clock (true); the others (joins, start, hints) change nothing in the world (false).
 */
export function sessionClockInput(input: Extract<DrillInput, { kind: 'session' }>, drill: Drill): boolean {
  if (input.action === 'pause') drill.clock.pause();
  else if (input.action === 'resume') drill.clock.resume();
  else return false;
  return true;
}

/** Where a replay left the recorded drill: the input whose checkpoint the rebuilt world did not match. */
export interface Divergence {
  /** The input's place in the log (0-based). */
  index: number;
  simMs: number;
  /** Which parts of the world differ, as `part: expected → actual`. */
  parts: string[];
}

export interface ReplayResult {
  drill: Drill;
  /** Set when the rebuilt world left the recorded one: the inputs after it were not applied. */
  divergence: Divergence | null;
  /** How many inputs were applied. */
  applied: number;
}

export interface ReplayOptions {
  /** Inputs of a layer above the drill. */
  other?: (input: Extract<DrillInput, { kind: 'session' }>, drill: Drill) => void;
  /** Called after each input is applied (a game-day session keeps its own state in step). */
  wallNow?: () => number;
}

/**
 * Replays a drill's inputs forward, as far as asked: each input applied at its simulated moment,
 * on the drill's own clock held still, each checkpoint compared with the rebuilt world before its
 * input. At the first difference it stops there and says what diverged, so a drill is never
 * silently wrong. `replayDrill` runs one to the end; a rewind keeps one and moves it forward as a
 * trainee scrubs, so a later moment costs only the inputs between.
 */
export class DrillReplayer {
  readonly drill: Drill;
  divergence: Divergence | null = null;
  /** How many inputs were applied. */
  applied = 0;
  private wallMs: number;

  constructor(
    options: DrillOptions,
    readonly inputs: readonly RecordedInput[],
    private readonly replay: ReplayOptions = {},
  ) {
    this.drill = new Drill(options);
    this.wallMs = inputs[0]?.wallMs ?? Date.now();
    this.drill.beginReplay(() => this.wallMs);
  }

  /** Whether every input has been applied. */
  get done(): boolean {
    return this.divergence !== null || this.applied === this.inputs.length;
  }

  /** The simulated moment the rebuilt drill stands at. */
  get simMs(): number {
    return this.drill.clock.now();
  }

  /**
   * Applies the inputs up to and including simulated moment `simMs` (all of them without one);
   * with `clockToo`, the clock then moves on to `simMs` itself. Not backwards: a drill cannot be
   * un-run, so an earlier moment needs a new replayer.
   */
  advanceTo(simMs = Number.POSITIVE_INFINITY, clockToo = false): this {
    const drill = this.drill;
    while (this.divergence === null && this.applied < this.inputs.length) {
      const index = this.applied;
      const recorded = this.inputs[index]!;
      if (recorded.simMs > simMs) break;
      // An entry keeps the wall moment it was stamped with; what the world records on the way to an input, that input's.
      const stamped = recorded.input.kind === 'journal' ? (recorded.input.entry as { wallMs?: unknown }).wallMs : undefined;
      this.wallMs = typeof stamped === 'number' ? stamped : recorded.wallMs;
      if (drill.started && recorded.simMs > drill.clock.now()) drill.clock.advanceTo(recorded.simMs);
      if (recorded.checkpoint) {
        const parts = divergedParts(recorded.checkpoint, worldCheckpoint(drill));
        if (parts.length > 0) {
          this.divergence = { index, simMs: recorded.simMs, parts };
          break;
        }
      }
      try {
        applyInput(drill, recorded.input, this.replay.other ? (input) => this.replay.other!(input, drill) : undefined);
      } catch (error) {
        // Appended inputs were accepted when they happened: one refused now has diverged.
        this.divergence = { index, simMs: recorded.simMs, parts: [`input ${recorded.input.kind} refused on replay: ${error instanceof Error ? error.message : String(error)}`] };
        break;
      }
      this.applied++;
    }
    if (clockToo && this.divergence === null && drill.started && Number.isFinite(simMs) && simMs > drill.clock.now()) drill.clock.advanceTo(simMs);
    return this;
  }
}

/**
 * Rebuilds a drill from its options and inputs (a `DrillReplayer` run to the end); a realtime
 * drill follows the wall again only once it is rebuilt. A realtime drill that was running goes
 * on by the wall time that passed since its last input (the clock of a real service kept going
 * while the trainer was down); a paused one stays where it was paused.
 */
export function replayDrill(options: DrillOptions, inputs: readonly RecordedInput[], replay: ReplayOptions = {}): ReplayResult {
  const replayer = new DrillReplayer(options, inputs, replay).advanceTo();
  const { drill, divergence, applied } = replayer;
  if (divergence === null && drill.started && drill.clock.mode === 'realtime' && !drill.clock.isPaused) {
    const last = inputs[inputs.length - 1];
    const downMs = last ? Math.max(0, (replay.wallNow ?? Date.now)() - last.wallMs) : 0;
    // Bounded: a drill left down for days goes on from eight simulated hours later, not from a week of ticks.
    const goneMs = Math.min(downMs * drill.clock.speed, 8 * 3_600_000);
    if (goneMs > 0) drill.clock.advanceTo(drill.clock.now() + Math.floor(goneMs));
  }
  if (divergence === null) drill.endReplay();
  else {
    // Readable as far as it was rebuilt, and still: a world that left the record is not run on.
    drill.stop();
  }
  return { drill, divergence, applied };
}

/** The options that rebuild a drill, as plain data (what a live drill's record keeps). */
export function liveOptions(drill: Drill): Record<string, unknown> {
  const { scenario, seed, clock, speed, difficulty, journalCapacity, onsetDelayMs, trainee, team, ranked, scrapeGaps, branchOf, ghost } = drill.options;
  return { scenario, seed, clock, speed, difficulty, journalCapacity, onsetDelayMs, trainee, team, ranked, scrapeGaps, branchOf, ghost, epochMs: drill.epochMs };
}
