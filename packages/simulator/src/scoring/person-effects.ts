/**
 * Each person's share of a team drill's outcome, from their own actions' effect: the drill is
 * replayed without that person's changes (a leave-one-out run, deterministic like every
 * counterfactual run) and measured at the same horizon; what the impact would have been without
 * them, less what it was, is what their changes avoided (or, negative, added). It is put in the
 * outcome's points on the same scale the team's outcome is: the impact points are the share of
 * the avoidable impact (no responder − ideal), so a person's are theirs of the same. What no one
 * person's changes did alone (two changes that only work together) stays the team's.
 */
import type { JournalEntry } from '../journal/journal';
import { counterfactualsOf, endOf } from './drill-scorer';
import { replayedImpact } from './counterfactual-runs';
import { responderIntents, runKeyOf, sinceLastReset } from './journal-replay';
import { scoringWeights } from './scoring-weights';
import { findScenario } from '@gameday/scenarios';

export interface PersonEffect {
  name: string;
  /** Changes they made to the service (what the leave-one-out run leaves out). */
  changes: number;
  /** The impact without their changes, and with everyone's (the drill as it went), in the incident's unit. */
  without: number;
  actual: number;
  /** without − actual: positive when their changes avoided impact, negative when they added it. */
  avoided: number;
  /** Their share of the impact points (`scoringWeights.outcome`), negative for impact added. */
  points: number;
  reason: string;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const count = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * The outcome effect of each of `people` in the drill these facts record. Null when there is
 * nothing to replay (no start in the facts, or a scenario without an impact measure).
 */
export function personEffects(facts: readonly JournalEntry[], people: readonly string[]): PersonEffect[] | null {
  const entries = sinceLastReset(facts);
  const key = runKeyOf(entries);
  const spec = key === null ? null : findScenario(key.scenario)?.spec;
  if (key === null || !spec) return null;
  const runs = counterfactualsOf(entries, endOf(entries));
  if (runs === null) return null;
  const intents = responderIntents(entries);
  const noResponder = runs.noop.total;
  const tolerance = Math.max(1, 0.01 * noResponder);
  // The scorer's scale: the avoidable impact, or (nothing avoidable) the impact left alone.
  const scale = Math.max(tolerance, noResponder - runs.ideal.total >= tolerance ? noResponder - runs.ideal.total : noResponder);
  const max = scoringWeights.outcome.points;
  const unit = spec.impact.unit;
  return people.map((name) => {
    const theirs = intents.filter((intent) => intent.actor === name).length;
    if (theirs === 0) return { name, changes: 0, without: runs.actual.total, actual: runs.actual.total, avoided: 0, points: 0, reason: 'made no change to the service: no share of the outcome' };
    const without = replayedImpact(key, runs, intents.filter((intent) => intent.actor !== name));
    const avoided = without - runs.actual.total;
    const points = round1(Math.max(-max, Math.min(max, (max * avoided) / scale)));
    const changes = `${theirs} change${theirs > 1 ? 's' : ''}`;
    const verdict = Math.abs(avoided) < tolerance ? 'their changes made no difference the impact shows' : avoided > 0 ? `their changes avoided ${count(avoided)}` : `their changes added ${count(-avoided)}`;
    return { name, changes: theirs, without, actual: runs.actual.total, avoided, points, reason: `without their ${changes} the drill would have cost ${count(without)} ${unit} instead of ${count(runs.actual.total)}: ${verdict} (${points >= 0 ? '+' : ''}${points} of the ${max} impact points)` };
  });
}
