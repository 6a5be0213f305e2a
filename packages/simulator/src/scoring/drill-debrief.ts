/**
 * Finishing a drill (score, impact, storage) and what the debrief shows of a finished one: the
 * score, the trainee's timeline beside the ideal path for this variant, and what each missed or
 * harmful action would have changed.
 */
import { randomUUID } from 'node:crypto';
import { alertNames, findScenario } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import { commanderSteps, typedLine } from '../drill/commander-timeline';
import type { JournalEntry } from '../journal/journal';
import { isDrillEvent, isPlatformAlert } from '../journal/scoring-facts';
import type { DrillStore, FinishedDrill } from '../storage/drill-store';
import { counterfactualsOf, judgedSpec, scoreJournal, type DrillScore } from './drill-scorer';
import type { RunMeasure } from './counterfactual-runs';
import { moveSignature } from './ideal-responders';
import { responderIntents } from './journal-replay';
import { acknowledgeTargetMs, scoringRulesVersion } from './scoring-weights';

/** What the incident cost, from the simulation. */
export function incidentImpact(drill: Drill): Record<string, number> {
  const world = drill.world;
  let oomKills = 0;
  for (const pod of world.cluster.pods) if (pod.lastTerminationReason === 'OOMKilled') oomKills += pod.restarts;
  return {
    operations: Math.round(world.totals.operations),
    rollbacks: Math.round(world.totals.rolledBack),
    errors: Math.round(Object.values(world.errors).reduce((sum, count) => sum + count, 0)),
    tasksAborted: Math.round(world.totals.aborted),
    proofsRejected: Math.round(world.proofsFailed),
    corruptedRecords: Math.floor(world.corruptedRecords),
    // The debrief may know what the tools would not say: every slashing during the drill was the incident's.
    slashedTokens: world.slashingEvents.filter((event) => event.simMs >= 0).reduce((sum, event) => sum + event.amount, 0),
    oomKills,
  };
}

/**
 * Scores the drill from its journal's facts, journals the finish, and stores it: once per
 * drill. The record keeps the facts (what a re-score reads) and, to show, the ring's entries
 * with every fact it evicted put back in order.
 */
export function finishDrill(drill: Drill, store: DrillStore, onFinished?: (finished: FinishedDrill) => void): FinishedDrill {
  const score = scoreJournal(drill.journal.facts(), { endMs: drill.clock.now() });
  const impact = incidentImpact(drill);
  const id = randomUUID();
  drill.record({ source: 'sim', action: 'drill.finished', outcome: 'info', detail: { drillId: id, score: score.total, impact } });
  const finished: FinishedDrill = {
    id,
    trainee: drill.trainee.name,
    team: drill.options.team ?? 'solo',
    scenario: drill.scenario.id,
    difficulty: drill.options.difficulty,
    ranked: drill.options.ranked ?? false,
    score,
    finishedAt: new Date().toISOString(),
    durationMs: drill.clock.now(),
    impact,
    journal: drill.journal.withFacts(),
    facts: [...drill.journal.facts()],
  };
  store.save(finished);
  drill.finishedId = id;
  onFinished?.(finished);
  return finished;
}

/** A stored drill's score under the current rules: its own when they scored it, else re-scored from its facts. */
export function currentScore(finished: FinishedDrill): DrillScore {
  return finished.score.rulesVersion === scoringRulesVersion ? finished.score : scoreJournal(finished.facts, { endMs: finished.durationMs });
}

/** Re-scores the stored drills older rules scored (at start-up); returns how many. */
export function rescoreStoredDrills(store: DrillStore): number {
  return store.rescoreOlder(scoringRulesVersion, currentScore);
}

export interface PathStep {
  /** Simulated ms after the page ("+3 min"); negative before it. */
  atMs: number;
  step: string;
  /**
   * A deadline, not a moment: the ideal path's steps are listed by when the runbook and the
   * severity matrix want them done at the latest. When a responder following it made each change
   * is what the outcome gaps say ("the ideal path did it at T+1").
   */
  by?: true;
}

export interface Debrief {
  drillId: string;
  trainee: string;
  team: string;
  scenario: { id: string; title: string; incident: string | null; summary: string };
  difficulty: string;
  ranked: boolean;
  score: DrillScore;
  impact: Record<string, number>;
  idealPath: PathStep[];
  yourPath: PathStep[];
  missed: Array<{ description: string; command: string; why: string }>;
  harmful: Array<{ action: string; why: string }>;
  /** Where the outcome's points went: each step of the ideal path against when you made the same change, and what the difference cost. */
  gaps: OutcomeGap[];
}

/** One step of the ideal path beside your response, from the counterfactual runs. */
export interface OutcomeGap {
  /** The ideal path's step. */
  step: string;
  /** When the ideal path took it, and when you made the same change (null: never), simulated ms after the page. */
  idealAtMs: number;
  yoursAtMs: number | null;
  /** What your response cost beyond the ideal path's between those moments (to the horizon, if never), in `unit`. */
  cost: number;
  unit: string;
  /** The sentence the debrief shows. */
  text: string;
}

const at = (ms: number) => `T+${Math.round(ms / 60_000)}`;
const amount = (value: number) => Math.round(value).toLocaleString('en-US');

/** The running total of a run at a moment, from its per-minute samples, priced. */
function totalAt(run: RunMeasure, price: number, simMs: number): number {
  const minute = Math.min(run.perMinute.length, Math.max(0, Math.floor(simMs / 60_000)));
  const sample = minute > 0 ? run.perMinute[minute - 1]! : { harm: 0, unavailableMinutes: 0 };
  return sample.harm + price * sample.unavailableMinutes;
}

/**
 * For each step of the ideal path that changed the service: when you made the same change, and
 * what your response cost beyond the ideal path's meanwhile ("draining at T+3 instead of T+18
 * would have saved 41,000 failed operations"). Steps you took as early as the ideal cost nothing
 * and are left out.
 */
export function outcomeGaps(finished: FinishedDrill, pageMs: number): OutcomeGap[] {
  const unit = finished.score.outcome?.unit;
  if (!unit) return [];
  const runs = counterfactualsOf(finished.facts, finished.durationMs);
  if (runs === null) return [];
  const yours = responderIntents(finished.facts).map((timed) => ({ atMs: timed.atMs, changes: moveSignature(timed.intent) }));
  const gaps: OutcomeGap[] = [];
  for (const step of runs.ideal.steps) {
    if (!step.changes || step.changes.length === 0) continue;
    const match = yours.find((change) => change.changes.some((signature) => step.changes!.includes(signature)));
    const yoursAtMs = match ? match.atMs : null;
    if (yoursAtMs !== null && yoursAtMs <= step.atMs + 60_000) continue;
    const until = yoursAtMs ?? runs.horizonMs;
    const extra = totalAt(runs.actual, runs.minutePrice, until) - totalAt(runs.actual, runs.minutePrice, step.atMs) - (totalAt(runs.ideal, runs.minutePrice, until) - totalAt(runs.ideal, runs.minutePrice, step.atMs));
    const cost = Math.max(0, extra);
    const when = yoursAtMs === null ? 'you never did' : `you did at ${at(yoursAtMs - pageMs)}`;
    gaps.push({
      step: step.label,
      idealAtMs: step.atMs - pageMs,
      yoursAtMs: yoursAtMs === null ? null : yoursAtMs - pageMs,
      cost: Math.round(cost),
      unit,
      text: `${step.label}: the ideal path did it at ${at(step.atMs - pageMs)}, ${when}; ${cost >= 1 ? `doing it then would have saved ${amount(cost)} ${unit}` : 'it cost nothing measurable meanwhile'}`,
    });
  }
  return gaps;
}

function pageOf(journal: readonly JournalEntry[], alerts: readonly string[]): number {
  return journal.find((entry) => isDrillEvent(entry, 'alert.firing') && (alerts.length === 0 || alerts.includes(String(entry.detail?.alert))))?.simMs ?? 0;
}

/** The moment a finished drill's paths count from: its scenario's first page (the drill's start when none came). */
export function pageMsOf(finished: FinishedDrill): number {
  const spec = judgedSpecOf(finished);
  return pageOf(finished.journal, spec ? alertNames(spec) : []);
}

/** What the finished drill was judged against: its scenario with the incidents injected into it. */
export function judgedSpecOf(finished: FinishedDrill) {
  return judgedSpec(finished.facts, findScenario(finished.scenario)?.spec ?? null);
}

/** A finished drill's path as the debrief lists it, counted from `pageMs` (another drill's page, to set two paths side by side). */
export function pathOf(finished: FinishedDrill, pageMs: number): PathStep[] {
  return yourPath(finished.journal, pageMs);
}

/** What the trainee did, relative to the page, as the debrief lists it. */
/**
 * What the trainee did, relative to the page, as the debrief lists it: one step per command or
 * action (a terminal line's requests folded into it, a kubectl command's into one), and no line
 * the terminal refused (the journal keeps those).
 */
function yourPath(journal: readonly JournalEntry[], pageMs: number): PathStep[] {
  const describe = (entry: JournalEntry): string | undefined => {
    const detail = entry.detail ?? {};
    if (entry.source === 'ui' && entry.outcome === 'accepted') return typeof detail.summary === 'string' ? detail.summary : typeof detail.command === 'string' ? `$ ${typedLine(detail.command)}` : undefined;
    if (entry.source === 'admin' || entry.source === 'agenc' || entry.source === 'kube' || entry.source === 'other') return `${entry.outcome === 'rejected' ? '✗ ' : ''}${entry.action}`;
    // A platform warning that fired beside the incident was an alert, not the page.
    if (isDrillEvent(entry, 'alert.firing')) return `${isPlatformAlert(String(detail.alert)) ? 'alert' : 'page'}: ${String(detail.alert)}`;
    if (isDrillEvent(entry, 'phase') && ['mitigated', 'recovered'].includes(String(detail.to))) return `incident ${String(detail.to)}`;
    return undefined;
  };
  return commanderSteps(journal, describe).map(({ entry, what }) => ({ atMs: entry.simMs - pageMs, step: entry.effect === 'harmful' ? `${what} (harmful)` : what }));
}

export function debriefOf(stored: FinishedDrill): Debrief {
  const finished = { ...stored, score: currentScore(stored) };
  const scenario = findScenario(finished.scenario);
  const spec = judgedSpecOf(finished);
  const pageMs = pageMsOf(finished);
  const severity = finished.score.trueSeverity;
  const ideal: PathStep[] = [];
  if (spec) {
    // The page this run had (a milder storm pages with its elevated-rate warning), else the spec's first rule.
    const paged = finished.journal.find((entry) => entry.simMs === pageMs && isDrillEvent(entry, 'alert.firing') && alertNames(spec).includes(String(entry.detail?.alert)));
    ideal.push({ atMs: 0, step: `page: ${paged ? String(paged.detail?.alert) : (spec.alertRules[0]?.name ?? spec.trigger)}` });
    const by = (atMs: number, step: string) => ideal.push({ atMs, step, by: true });
    by(Math.min(acknowledgeTargetMs[severity ?? 'P2'], 5 * 60_000), 'acknowledge the page');
    by(5 * 60_000, `declare ${severity ?? 'the severity the matrix gives'}`);
    if (severity === 'P1') by(10 * 60_000, 'join the incident bridge');
    for (const action of spec.requiredActions) by(action.deadlineMs ?? 15 * 60_000, `${action.description}: ${action.command}`);
    if (severity === 'P1' || severity === 'P2') by(15 * 60_000, 'first update to #incidents');
    by(15 * 60_000, `mitigated: ${spec.mitigated.description}`);
    by(45 * 60_000, 'declare resolved, with the resolution update');
    ideal.sort((a, b) => a.atMs - b.atMs);
  }
  const requiredById = new Map((spec?.requiredActions ?? []).map((action) => [action.id, action]));
  return {
    drillId: finished.id,
    trainee: finished.trainee,
    team: finished.team,
    scenario: { id: finished.scenario, title: scenario?.title ?? finished.scenario, incident: scenario?.incident ?? null, summary: scenario?.summary ?? '' },
    difficulty: finished.difficulty,
    ranked: finished.ranked,
    score: finished.score,
    impact: finished.impact,
    idealPath: ideal,
    yourPath: yourPath(finished.journal, pageMs),
    missed: finished.score.actions.filter((action) => action.doneAtMs === null).map((action) => ({ description: action.description, command: action.command, why: requiredById.get(action.id)?.why ?? '' })),
    harmful: finished.score.harmful.map((harm) => ({ action: harm.action, why: harm.why })),
    gaps: outcomeGaps(finished, pageMs),
  };
}
