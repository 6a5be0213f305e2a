/**
 * A finished drill opened at any moment, and what grows from it: a rewind replays its recorded
 * inputs up to the moment (`DrillReplayer`, the very replay that rebuilds a live drill after a
 * restart, checked by its checkpoints); a branch is a new practice drill rebuilt the same way up
 * to a moment, whose world must equal the origin's there, that the trainee then goes on with; a
 * ghost is the best finished run of a scenario, seed and difficulty, whose steps show on a new
 * drill's timeline at the moments it took them.
 */
import { GamedayError } from '../core/gameday-error';
import { DrillReplayer, sessionClockInput, type RecordedInput, type ReplayOptions } from '../drill/drill-inputs';
import { Drill, type DrillOptions, type GhostRun } from '../drill/drill';
import type { SeriesSample } from '../drill/metric-series';
import { responderSteps, traineeView, type TraineeView } from '../drill/trainee-view';
import { worldFingerprint } from '../drill/world-fingerprint';
import type { DrillStore, FinishedDrill, FinishedRun } from '../storage/drill-store';
import { currentScore, pageMsOf, pathOf, type PathStep } from './drill-debrief';

/** A game-day's drill replays without its session: the facilitator's pause and resume still act on the clock. */
const withoutSession: ReplayOptions = { other: (input, drill) => void sessionClockInput(input, drill) };

/** A finished drill as it was at one moment: what its drill page showed, read-only. */
export interface RewindView {
  drillId: string;
  simMs: number;
  durationMs: number;
  fingerprint: string;
  view: TraineeView;
  /** The dashboard's samples up to the moment. */
  series: SeriesSample[];
}

/** A finished drill's recorded run, or a clear error: unknown, or finished before inputs were kept. */
export function recordedRun(store: DrillStore, finished: FinishedDrill): FinishedRun {
  const run = store.finishedRun(finished.id);
  if (!run) throw new GamedayError('CONFLICT', `drill ${finished.id} was finished before its inputs were kept: it can be read, not replayed`);
  return run;
}

/** `simMs` as a moment of `finished`: a whole number of simulated ms from 0 to the drill's duration (`lastMs`, if less). */
export function checkedMoment(finished: FinishedDrill, simMs: number, field: string, lastMs = finished.durationMs): number {
  if (!Number.isInteger(simMs) || simMs < 0 || simMs > lastMs) {
    throw new GamedayError('INVALID_PARAMETER', `${field} must be a whole number of simulated ms from 0 to ${lastMs} (drill ${finished.id} ran ${finished.durationMs} ms); got ${String(simMs)}`, { field, allowed: [`0..${lastMs}`] });
  }
  return simMs;
}

/**
 * Rewinds finished drills, keeping the last few replays: scrubbing forward extends a kept replay
 * by the inputs between (a drill cannot be run backwards, so an earlier moment replays from the
 * start).
 */
export class DrillRewinds {
  private readonly replays = new Map<string, DrillReplayer>();

  constructor(
    private readonly store: DrillStore,
    private readonly keep = 4,
  ) {}

  /** The replay of `finished` standing at `simMs` (validated by the caller). */
  private replayAt(finished: FinishedDrill, simMs: number): DrillReplayer {
    let replayer = this.replays.get(finished.id);
    if (!replayer || replayer.simMs > simMs) {
      replayer?.drill.stop();
      const run = recordedRun(this.store, finished);
      replayer = new DrillReplayer(run.options as unknown as DrillOptions, run.inputs, withoutSession);
    }
    // Most recently used last: the oldest is let go first.
    this.replays.delete(finished.id);
    this.replays.set(finished.id, replayer);
    for (const [id, old] of this.replays) {
      if (this.replays.size <= this.keep) break;
      old.drill.stop();
      this.replays.delete(id);
    }
    replayer.advanceTo(simMs, true);
    if (replayer.divergence) {
      const { index, parts } = replayer.divergence;
      throw new GamedayError('CONFLICT', `drill ${finished.id} does not replay as recorded past input ${index} (${parts.join('; ')}): it cannot be rewound beyond ${replayer.divergence.simMs} ms`);
    }
    return replayer;
  }

  at(finished: FinishedDrill, simMs: number): RewindView {
    const moment = checkedMoment(finished, simMs, 'simMs');
    const { drill } = this.replayAt(finished, moment);
    return { drillId: finished.id, simMs: moment, durationMs: finished.durationMs, fingerprint: worldFingerprint(drill), view: traineeView(drill), series: drill.series.since(-1) };
  }

  /** The origin's world fingerprint at `simMs`: what a branch from there must start from. */
  fingerprintAt(finished: FinishedDrill, simMs: number): string {
    return worldFingerprint(this.replayAt(finished, simMs).drill);
  }
}

/**
 * A new practice drill from `origin` at `atMs`: rebuilt from the origin's inputs up to that
 * moment, its world checked against the origin's there, then live. Its log begins with those
 * inputs; it is linked to its origin (`branchOf`). Up to one ms before the resolution: a branch
 * of a resolved drill would have nothing left to do.
 */
export function branchDrill(store: DrillStore, rewinds: DrillRewinds, origin: FinishedDrill, atMs: number, carry: Partial<DrillOptions> = {}): Drill {
  const moment = checkedMoment(origin, atMs, 'atMs', Math.max(0, origin.durationMs - 1));
  const run = recordedRun(store, origin);
  if (run.inputs.some((recorded) => recorded.input.kind === 'session' && recorded.simMs <= moment)) {
    throw new GamedayError('CONFLICT', `drill ${origin.id} is a game-day's: it can be rewound, but a branch of it would carry the session's inputs into a solo drill`);
  }
  const { ghost: _ghost, ...options } = run.options as unknown as DrillOptions;
  const replayer = new DrillReplayer({ ...options, ...carry, ranked: false, branchOf: { drillId: origin.id, atMs: moment } }, run.inputs).advanceTo(moment, true);
  const expected = rewinds.fingerprintAt(origin, moment);
  const actual = worldFingerprint(replayer.drill);
  if (replayer.divergence || actual !== expected) {
    replayer.drill.stop();
    throw new GamedayError('CONFLICT', `a branch of drill ${origin.id} at ${moment} ms would not start from its world there (fingerprint ${actual}, the origin's ${expected})`);
  }
  replayer.drill.inheritInputs(run.inputs.slice(0, replayer.applied));
  replayer.drill.endReplay();
  return replayer.drill;
}

/** The ghost to race on a scenario, difficulty and seed: the best finished run with its inputs kept, or undefined. */
export function ghostRun(store: DrillStore, query: { scenario: string; difficulty: string; seed?: number | undefined }): { finished: FinishedDrill; run: FinishedRun; ghost: GhostRun } | undefined {
  const finished = store.bestRun(query);
  const run = finished ? store.finishedRun(finished.id) : undefined;
  if (!finished || !run) return undefined;
  // The request that started the ghost's drill is not a step on the racer's timeline: the race has its own start.
  const steps = responderSteps(finished.journal.filter((entry) => !(entry.source === 'ui' && entry.action === 'POST /trainer/drills')));
  return { finished, run, ghost: { drillId: finished.id, trainee: finished.trainee, score: currentScore(finished).total, steps } };
}

/**
 * A new practice drill racing the ghost of `query` (the best run on its seed, or on any seed when
 * none is given): the ghost's scenario, seed, difficulty, onset and epoch, so the trainee meets
 * the very incident it met; its steps go on the timeline. Undefined when there is no ghost.
 */
export function ghostDrill(store: DrillStore, query: { scenario: string; difficulty: string; seed?: number | undefined }, carry: Partial<DrillOptions>): Drill | undefined {
  const found = ghostRun(store, query);
  if (!found) return undefined;
  const { scenario, seed, difficulty, onsetDelayMs, epochMs, scrapeGaps } = found.run.options as unknown as DrillOptions;
  return new Drill({ scenario, seed, difficulty, onsetDelayMs: onsetDelayMs ?? 0, ...(epochMs === undefined ? {} : { epochMs }), ...(scrapeGaps === undefined ? {} : { scrapeGaps }), clock: 'virtual', speed: 1, ...carry, ranked: false, ghost: found.ghost });
}

/** One input as the comparison names it. */
function inputLabel(recorded: RecordedInput | undefined): string | null {
  if (!recorded) return null;
  const { input } = recorded;
  if (input.kind !== 'journal') return input.kind;
  const command = input.entry.detail?.command;
  return typeof command === 'string' ? `$ ${command}` : typeof input.entry.detail?.summary === 'string' ? input.entry.detail.summary : input.entry.action;
}

/** An input without what only says when it was recorded on the wall (its checkpoint, its entry's wall stamp). */
function inputKey(recorded: RecordedInput): string {
  const { input } = recorded;
  const plain = input.kind === 'journal' ? { ...input, entry: { ...input.entry, wallMs: undefined } } : input;
  return JSON.stringify([recorded.simMs, plain]);
}

/** Where two runs' inputs first differ: the moment, and what each did there (null: nothing more). */
export function firstDifference(a: readonly RecordedInput[], b: readonly RecordedInput[]): { index: number; simMs: number; a: string | null; b: string | null } | null {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a[index];
    const right = b[index];
    if (left && right && inputKey(left) === inputKey(right)) continue;
    return { index, simMs: Math.min(left?.simMs ?? Number.POSITIVE_INFINITY, right?.simMs ?? Number.POSITIVE_INFINITY), a: inputLabel(left), b: inputLabel(right) };
  }
  return null;
}

/** A run beside another in a debrief: who, score, impact. */
export interface RunSummary {
  drillId: string;
  trainee: string;
  score: number;
  impact: Record<string, number>;
}

const summary = (finished: FinishedDrill): RunSummary => ({ drillId: finished.id, trainee: finished.trainee, score: currentScore(finished).total, impact: finished.impact });

/** What a branch's debrief adds: its origin beside it, and the first moment their inputs differ. */
export interface BranchComparison {
  atMs: number;
  origin: RunSummary;
  branch: RunSummary;
  /** Branch minus origin, per impact measure. */
  impactDelta: Record<string, number>;
  firstDifference: { simMs: number; origin: string | null; branch: string | null } | null;
}

/** What a ghost race's debrief adds: the ghost's run, to be shown beside the trainee's. */
export interface GhostComparison {
  /** `path` counts from the race's page, as the race's own path does: the two share one zero. */
  ghost: RunSummary & { path: PathStep[] };
  yours: RunSummary;
}

/** The comparisons a finished drill's debrief carries: with its origin (a branch) or its ghost (a race); nulls when neither. */
export function runComparisons(store: DrillStore, finished: FinishedDrill): { branch: BranchComparison | null; ghost: GhostComparison | null } {
  const run = store.finishedRun(finished.id);
  const options = run?.options as Partial<DrillOptions> | undefined;
  let branch: BranchComparison | null = null;
  const origin = options?.branchOf ? store.get(options.branchOf.drillId) : undefined;
  if (run && options?.branchOf && origin) {
    const originRun = store.finishedRun(origin.id);
    // The request that made the branch is the branch's first entry, not something it did differently.
    const made = (recorded: RecordedInput) => recorded.input.kind === 'journal' && /^POST \/trainer\/drills\/[^/]+\/branch$/.test(recorded.input.entry.action);
    const difference = originRun ? firstDifference(originRun.inputs, run.inputs.filter((recorded) => !made(recorded))) : null;
    const impactDelta: Record<string, number> = {};
    for (const key of new Set([...Object.keys(origin.impact), ...Object.keys(finished.impact)])) impactDelta[key] = (finished.impact[key] ?? 0) - (origin.impact[key] ?? 0);
    branch = {
      atMs: options.branchOf.atMs,
      origin: summary(origin),
      branch: summary(finished),
      impactDelta,
      firstDifference: difference ? { simMs: difference.simMs, origin: difference.a, branch: difference.b } : null,
    };
  }
  const ghostFinished = options?.ghost ? store.get(options.ghost.drillId) : undefined;
  // Side by side on one clock: the ghost's page may have come at another moment, or not at all.
  const ghost = ghostFinished ? { ghost: { ...summary(ghostFinished), path: pathOf(ghostFinished, pageMsOf(finished)) }, yours: summary(finished) } : null;
  return { branch, ghost };
}
