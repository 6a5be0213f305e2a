/**
 * A run's score so far, for a race against a ghost: at a moment T, the score the run would have
 * had had it stopped at T. The real scorer (`scoreJournal`, the rules that score a finished
 * drill: the outcome measured against the counterfactual runs, then the process) reads the facts
 * known by T and takes T as the drill's end, exactly as finishing the drill at T would. Nothing
 * makes it climb: a change that made things worse lowers it, a required action not yet done is
 * missing from it, an incident not yet restored earns no restored points.
 *
 * The ghost's facts come from its own finished run replayed to the moment (`DrillReplayer`, the
 * replayer a rewind and a restart use), never from anything the racer does. Scores are taken at
 * whole simulated minutes (a view at 12:40 shows the score at minute 12): each costs one
 * counterfactual run of the responder's changes, so a race scores at most once a simulated minute
 * for each side, and the ghost's minutes are kept for every race of that ghost.
 */
import { DrillReplayer, sessionClockInput } from '../drill/drill-inputs';
import type { Drill, DrillOptions } from '../drill/drill';
import type { RaceScoring, ScoreSoFar } from '../drill/trainee-view';
import type { JournalEntry } from '../journal/journal';
import type { DrillStore } from '../storage/drill-store';
import { currentScore } from './drill-debrief';
import { scoreJournal } from './drill-scorer';

/** Scores so far are taken at whole simulated minutes. */
export const scoreStepMs = 60_000;

/** The moment a view at `simMs` shows the scores of: the last whole minute. */
export const scoredMoment = (simMs: number): number => Math.floor(Math.max(0, simMs) / scoreStepMs) * scoreStepMs;

/** The score of a run whose facts are `facts` had it stopped at `simMs`: what was known by then, ended there. */
export function scoreSoFar(facts: readonly JournalEntry[], simMs: number): number {
  return scoreJournal(
    facts.filter((entry) => entry.simMs <= simMs),
    { endMs: simMs },
  ).total;
}

/** One ghost's scores so far by minute, and the replay of its run standing at the last minute scored. */
interface GhostCurve {
  durationMs: number;
  finalScore: number;
  options: DrillOptions;
  inputs: DrillReplayer['inputs'];
  replayer: DrillReplayer | null;
  byMinute: Map<number, number | null>;
}

/**
 * The scores so far of the races a server runs: each ghost's curve, filled in minute by minute
 * as races reach them and kept for the next race of the same ghost (the last `keep` ghosts), and
 * the racer's own score at its current minute.
 */
export class RaceScores implements RaceScoring {
  private readonly ghosts = new Map<string, GhostCurve | null>();
  private readonly yours = new WeakMap<Drill, { key: string; score: number }>();

  constructor(
    private readonly store: DrillStore,
    private readonly keep = 4,
  ) {}

  /** The ghost `ghostId`'s score so far at `simMs` (a whole minute); null when its run cannot be replayed there. */
  ghostAt(ghostId: string, simMs: number): number | null {
    const curve = this.curve(ghostId);
    if (!curve) return null;
    // Past its finish the ghost has stopped: its score is its final one.
    if (simMs >= curve.durationMs) return curve.finalScore;
    if (curve.byMinute.has(simMs)) return curve.byMinute.get(simMs)!;
    if (!curve.replayer || curve.replayer.simMs > simMs) {
      curve.replayer?.drill.stop();
      // A game-day's run replays without its session, as a rewind does.
      curve.replayer = new DrillReplayer({ ...curve.options }, curve.inputs, { other: (input, drill) => void sessionClockInput(input, drill) });
    }
    curve.replayer.advanceTo(simMs, true);
    // A run that no longer replays as recorded has no honest score past where it left the record.
    const score = curve.replayer.divergence ? null : scoreSoFar(curve.replayer.drill.journal.facts(), simMs);
    curve.byMinute.set(simMs, score);
    if (curve.replayer.done) {
      curve.replayer.drill.stop();
      curve.replayer = null;
    }
    return score;
  }

  /** The racer's own score so far at `simMs` (a whole minute), from its live facts: scored again only when a fact by then is added. */
  yoursAt(drill: Drill, simMs: number): number {
    const facts = drill.journal.facts();
    let known = 0;
    for (const entry of facts) if (entry.simMs <= simMs) known++;
    const key = `${simMs}:${known}`;
    const kept = this.yours.get(drill);
    if (kept?.key === key) return kept.score;
    const score = scoreSoFar(facts, simMs);
    this.yours.set(drill, { key, score });
    return score;
  }

  /** What a race's view shows: both scores at the drill's last whole minute (null: not racing). */
  soFar(drill: Drill): ScoreSoFar | null {
    const ghost = drill.options.ghost;
    if (!ghost) return null;
    const atMs = scoredMoment(drill.clock.now());
    return { atMs, ghost: this.ghostAt(ghost.drillId, atMs), yours: drill.started ? this.yoursAt(drill, atMs) : null };
  }

  /** Stops the kept replays. */
  close(): void {
    for (const curve of this.ghosts.values()) curve?.replayer?.drill.stop();
    this.ghosts.clear();
  }

  private curve(ghostId: string): GhostCurve | null {
    if (!this.ghosts.has(ghostId)) {
      const finished = this.store.get(ghostId);
      const run = finished ? this.store.finishedRun(ghostId) : undefined;
      this.ghosts.set(
        ghostId,
        finished && run ? { durationMs: finished.durationMs, finalScore: currentScore(finished).total, options: run.options as unknown as DrillOptions, inputs: run.inputs, replayer: null, byMinute: new Map() } : null,
      );
    }
    const curve = this.ghosts.get(ghostId)!;
    // Most recently used last: the oldest ghost is let go first.
    this.ghosts.delete(ghostId);
    this.ghosts.set(ghostId, curve);
    for (const [id, old] of this.ghosts) {
      if (this.ghosts.size <= this.keep) break;
      old?.replayer?.drill.stop();
      this.ghosts.delete(id);
    }
    return curve;
  }
}
