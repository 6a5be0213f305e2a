/**
 * Scores a drill from its journal's facts alone, never from numbers a client sends: the same
 * facts always give the same score, so any past drill can be re-scored. It reads entries only
 * through the predicates of journal/scoring-facts.ts, so everything it reads is a fact the
 * journal keeps whatever its ring evicts. Each dimension comes with its points and the reason,
 * in words a trainee can learn from.
 *
 * Outcome first: the impact the responder avoided is measured against the same drill left
 * alone and played along the ideal path (counterfactual-runs.ts, deterministic, so a re-score
 * measures the same), and whether the service was restored is read from the world's own
 * resolved condition, not the button. Process points count in the share the outcome earned
 * (`processScale` in scoring-weights.ts).
 */
import { alertNames, combineSpecs, findScenario, matchesAction, type ScenarioSpec, type Severity } from '@gameday/scenarios';
import { detailText, type JournalEntry } from '../journal/journal';
import { isChange, isDeclaration, isDrillEvent, isRequest, type DeclarationRoute } from '../journal/scoring-facts';
import { isDrillEvent as isEvent, worldResolvedAt } from '../journal/scoring-facts';
import { counterfactuals, type Counterfactuals } from './counterfactual-runs';
import { responderIntents, runKeyOf, sinceLastReset } from './journal-replay';
import { acknowledgeTargetMs, processScale, scoringRulesVersion, scoringWeights, type ScoreDimensionId } from './scoring-weights';
import type { Grade } from './grade';
import { gradeSeverity } from './severity-grading';
import { assessmentTimeline, incidentSeverity, lastMs } from './severity-timeline';
import { gradeComms } from './comms-grading';
import { gradeEscalation } from './escalation-grading';

export interface ScoreDimension {
  id: ScoreDimensionId;
  label: string;
  points: number;
  max: number;
  reason: string;
  /** A process dimension's own points before the outcome's share scaled them (set only when it did): whether the step itself was done well. */
  beforeOutcomeShare?: number;
}

/** The outcome as measured: the three runs' impact at the horizon, and the share avoided. */
export interface ScoreOutcome {
  unit: string;
  /** Simulated ms from the drill's start to the moment every run was measured at. */
  horizonMs: number;
  noResponder: number;
  ideal: number;
  yours: number;
  /** (noResponder − yours) / (noResponder − ideal), between -1 and 1. */
  share: number;
  /** What the process points were multiplied by. */
  processScale: number;
}

export interface DrillScore {
  /** The version of the rules that scored it (scoring-weights.ts). */
  rulesVersion: number;
  total: number;
  max: number;
  scenario: string;
  trueSeverity: Severity | null;
  /** Simulated ms from the page to acknowledge, to mitigated, to resolved (null: never). */
  ttaMs: number | null;
  ttmMs: number | null;
  ttrMs: number | null;
  dimensions: ScoreDimension[];
  /** The required actions, done or missed, for the debrief. */
  actions: Array<{ id: string; description: string; command: string; doneAtMs: number | null; deadlineMs: number | null; late: boolean; doneBy: string | null }>;
  harmful: Array<{ atMs: number; action: string; why: string; by: string | null }>;
  /** Incidents a facilitator injected on top of the scenario; their actions are in `actions`. */
  injected: string[];
  /** The measured outcome; null when there was nothing to measure (the baseline, a drill with no start). */
  outcome: ScoreOutcome | null;
}

export interface ScoreOptions {
  /** The spec to judge by (default: the drill's scenario's, with its injected faults'). */
  spec?: ScenarioSpec | null;
  /** When the drill ended, simulated ms (default: its `drill.finished` fact, else its last fact). */
  endMs?: number;
}

/** The moment a drill ended, from its facts. */
export function endOf(entries: readonly JournalEntry[]): number {
  const finished = entries.find((entry) => isEvent(entry, 'drill.finished'));
  return finished?.simMs ?? entries.at(-1)?.simMs ?? 0;
}

const minutes = (ms: number) => `${Math.round(ms / 6000) / 10} min`;
const ui = (entries: JournalEntry[], route: DeclarationRoute) => entries.filter((entry) => isDeclaration(entry, route));
/** Full points up to `target`, none from `zeroAt`, linear between. */
const decay = (elapsed: number, target: number, zeroAt: number, max: number) => (elapsed <= target ? max : elapsed >= zeroAt ? 0 : Math.round((max * (zeroAt - elapsed)) / (zeroAt - target) * 10) / 10);

/**
 * What a run is judged against: its scenario's spec (`own`; null for the baseline) with the
 * sections of every incident a facilitator injected (`fault.injected` in `entries`). A quiet
 * baseline with an incident injected is judged by that incident alone.
 */
export function judgedSpec(entries: readonly JournalEntry[], own: ScenarioSpec | null): ScenarioSpec | null {
  const injected = entries
    .filter((entry) => isDrillEvent(entry, 'fault.injected'))
    .map((entry) => findScenario(String(entry.detail?.scenario))?.spec)
    .filter((found): found is ScenarioSpec => found !== undefined && found !== null);
  const [first, ...more] = own === null ? injected : [own, ...injected];
  return first === undefined ? null : more.length > 0 ? combineSpecs(first, ...more) : first;
}

export function scoreJournal(allEntries: readonly JournalEntry[], options: ScoreOptions = {}): DrillScore {
  const entries = sinceLastReset(allEntries);
  const specOverride = options.spec;
  const started = entries.find((entry) => isDrillEvent(entry, 'drill.started'));
  const scenarioId = typeof started?.detail?.scenario === 'string' ? started.detail.scenario : 'baseline';
  const spec = judgedSpec(entries, specOverride === undefined ? (findScenario(scenarioId)?.spec ?? null) : specOverride);
  const all = [...entries];
  const resolve = ui(all, '/trainer/declare').find((entry) => entry.detail?.state === 'resolved');
  const resolvedMs = resolve?.simMs ?? null;
  // Actions after the incident was declared resolved do not count: the drill was over.
  const inDrill = resolvedMs === null ? all : all.filter((entry) => entry.simMs <= resolvedMs);

  const alerts = inDrill.filter((entry) => isDrillEvent(entry, 'alert.firing') && (spec === null || alertNames(spec).includes(String(entry.detail?.alert))));
  const page = alerts[0];
  const pageMs = page?.simMs ?? null;
  // The one notion of the incident's severity the graders judge by: the worst from the page to a
  // short window after it, or a worse level held for a sustained stretch, never a moment's blip.
  const trueSeverity: Severity | null = incidentSeverity(assessmentTimeline(inDrill), pageMs, lastMs(inDrill));
  const dimensions: ScoreDimension[] = [];
  /** Process points are given as a share of their dimension's maximum. */
  const add = (id: ScoreDimensionId, share: number, reason: string) => {
    const max = scoringWeights[id].points;
    dimensions.push({ id, label: scoringWeights[id].label, points: Math.min(max, share * max), max, reason });
  };
  const full = 1;
  /** A grader gives points out of its own maximum; the dimension takes the same share of its weight. */
  const addGrade = (id: ScoreDimensionId, grade: Grade) => add(id, grade.max > 0 ? grade.points / grade.max : full, grade.reason);

  // Acknowledge.
  const ack = ui(inDrill, '/trainer/acknowledge')[0];
  let ttaMs: number | null = null;
  if (pageMs === null) add('acknowledge', full, 'no page came: nothing to acknowledge');
  else if (!ack) add('acknowledge', 0, 'the page was never acknowledged');
  else {
    ttaMs = Math.max(0, ack.simMs - pageMs);
    const target = acknowledgeTargetMs[trueSeverity ?? 'P2'];
    add('acknowledge', decay(ttaMs, target, 3 * target, 1), `acknowledged ${minutes(ttaMs)} after the page; the runbook's target for ${trueSeverity ?? 'P2'} is ${minutes(target)}`);
  }

  // Bridge.
  const bridge = ui(inDrill, '/trainer/bridge')[0];
  if (trueSeverity !== 'P1' || pageMs === null) add('bridge', full, `not required for ${trueSeverity ?? 'an incident without a page'}`);
  else if (!bridge) add('bridge', 0, 'a P1 asks for the incident bridge within 15 minutes; never joined');
  else {
    const after = bridge.simMs - pageMs;
    add('bridge', after <= 15 * 60_000 ? full : 0.4, `joined the bridge ${minutes(after)} after the page (P1: within 15 min)`);
  }

  // Severity.
  addGrade('severity', gradeSeverity(inDrill, pageMs));

  // Runbook actions, their order and deadlines.
  const commandEntries = inDrill.filter((entry) => isRequest(entry) && (pageMs === null || entry.simMs >= pageMs));
  const actions = (spec?.requiredActions ?? []).map((action) => {
    const done = commandEntries.find((entry) => action.anyOf.some((matcher) => matchesAction(matcher, entry)));
    const doneAtMs = done ? done.simMs : null;
    const deadlineMs = action.deadlineMs ?? null;
    const late = doneAtMs !== null && deadlineMs !== null && pageMs !== null && doneAtMs - pageMs > deadlineMs;
    return { id: action.id, description: action.description, command: action.command, doneAtMs, deadlineMs, late, order: action.order, doneBy: done?.actor ?? null };
  });
  if (actions.length === 0) add('runbook', full, 'no runbook actions required');
  else {
    const share = 1 / actions.length;
    let points = actions.reduce((sum, action) => sum + (action.doneAtMs === null ? 0 : action.late ? share / 2 : share), 0);
    const ordered = actions.filter((action) => action.doneAtMs !== null && action.order !== undefined);
    let inversions = 0;
    for (let i = 0; i < ordered.length; i++) for (let j = i + 1; j < ordered.length; j++) if ((ordered[i]!.order! - ordered[j]!.order!) * (ordered[i]!.doneAtMs! - ordered[j]!.doneAtMs!) < 0) inversions++;
    points = Math.max(0, points - (0.5 / scoringWeights.runbook.points) * inversions);
    const missing = actions.filter((action) => action.doneAtMs === null).map((action) => action.description);
    const late = actions.filter((action) => action.late).map((action) => action.description);
    const parts = [`${actions.length - missing.length} of ${actions.length} required actions done`];
    if (missing.length > 0) parts.push(`missed: ${missing.join('; ')}`);
    if (late.length > 0) parts.push(`late: ${late.join('; ')}`);
    if (inversions > 0) parts.push(`${inversions} out of the runbook's order`);
    add('runbook', points, parts.join('; '));
  }

  // Safety.
  const harmful = inDrill.filter((entry) => entry.effect === 'harmful').map((entry) => ({ atMs: entry.simMs, action: entry.action, why: detailText(entry.detail?.harm) || 'harmful', by: entry.actor ?? null }));
  add('safety', harmful.length === 0 ? full : 0, harmful.length === 0 ? 'nothing harmful done' : `harmful: ${harmful.map((harm) => harm.why).join('; ')} (what it cost is in Impact avoided)`);

  // Stabilise first.
  if (spec === null || !spec.stabiliseFirst) add('stabilise', full, 'the cause is clear in this runbook section; no stabilising step needed first');
  else {
    const changes = commandEntries.filter(isChange);
    const first = changes[0];
    const disabledFirst = first !== undefined && (first.detail?.changes as Record<string, unknown> | undefined)?.['speculation.enabled'] === false;
    add('stabilise', disabledFirst ? full : 0, disabledFirst ? 'speculation disabled before any other change' : first ? 'the first change was not disabling speculation; the runbook says stabilise first when the cause is unclear' : 'no change was made');
  }

  // Time to mitigate and to resolve, for the debrief and the readiness metrics (the outcome is what scores them).
  const mitigated = pageMs === null ? undefined : inDrill.find((entry) => isDrillEvent(entry, 'phase') && entry.simMs >= pageMs && ['mitigated', 'recovered'].includes(String(entry.detail?.to)));
  const ttmMs = mitigated && pageMs !== null ? mitigated.simMs - pageMs : null;
  const ttrMs = resolvedMs !== null && pageMs !== null ? resolvedMs - pageMs : null;

  // Comms.
  addGrade('comms', gradeComms(inDrill, pageMs));

  // Escalation.
  addGrade('escalation', gradeEscalation(inDrill, pageMs, spec));

  // Outcome: the impact avoided against the counterfactual runs, and the service restored as the world has it.
  const endMs = options.endMs ?? endOf(entries);
  const outcome = spec === null ? null : measureOutcome(entries, spec, endMs);
  const outcomeDimensions: ScoreDimension[] = [];
  const addOutcome = (id: 'outcome' | 'restored', points: number, reason: string) =>
    outcomeDimensions.push({ id, label: scoringWeights[id].label, points: round1(points), max: scoringWeights[id].points, reason });
  if (outcome === null) addOutcome('outcome', scoringWeights.outcome.points, spec === null ? 'nothing was broken: no impact to avoid' : 'no start in the journal: nothing to measure');
  else addOutcome('outcome', outcome.share * scoringWeights.outcome.points, outcomeReason(outcome));
  if (spec === null) addOutcome('restored', scoringWeights.restored.points, 'nothing was broken');
  else if (resolvedMs !== null) {
    const restored = worldResolvedAt(entries, resolvedMs);
    addOutcome('restored', restored ? scoringWeights.restored.points : 0, restored ? 'declared resolved with the service restored (the world met its resolved condition)' : `declared resolved while not restored: ${spec.resolved.description}`);
  } else {
    const restored = worldResolvedAt(entries, endMs);
    addOutcome('restored', restored ? 10 : 0, restored ? 'the service was restored but never declared resolved' : 'the service was not restored when the drill ended');
  }
  const outcomeEarned = outcomeDimensions.reduce((sum, dimension) => sum + dimension.points, 0);
  const scale = processScale(outcomeEarned);
  if (outcome) outcome.processScale = round2(scale);
  // Process counts in the share the outcome earned: it adds to a good outcome, never lifts a bad one.
  const scaled = dimensions.map((dimension) => ({
    ...dimension,
    points: round1(dimension.points * scale),
    reason: scale < 1 && dimension.points > 0 ? `${dimension.reason} (× ${round2(scale)}, the outcome's share)` : dimension.reason,
    ...(scale < 1 ? { beforeOutcomeShare: round1(dimension.points) } : {}),
  }));
  const scored = [...outcomeDimensions, ...scaled];
  const total = Math.max(0, round1(scored.reduce((sum, dimension) => sum + dimension.points, 0)));
  return {
    rulesVersion: scoringRulesVersion,
    total,
    max: 100,
    scenario: scenarioId,
    trueSeverity,
    ttaMs,
    ttmMs,
    ttrMs,
    dimensions: scored,
    actions: actions.map(({ order: _order, ...action }) => action),
    harmful,
    injected: entries.filter((entry) => isDrillEvent(entry, 'fault.injected')).map((entry) => String(entry.detail?.scenario)),
    outcome,
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** The counterfactual runs of this journal (null without a start to replay from). */
export function counterfactualsOf(entries: readonly JournalEntry[], endMs: number): Counterfactuals | null {
  const key = runKeyOf(entries);
  return key === null ? null : counterfactuals(key, endMs, responderIntents(entries));
}

function measureOutcome(entries: readonly JournalEntry[], spec: ScenarioSpec, endMs: number): ScoreOutcome | null {
  const runs = counterfactualsOf(entries, endMs);
  if (runs === null) return null;
  const noResponder = runs.noop.total;
  const ideal = runs.ideal.total;
  const yours = runs.actual.total;
  const avoidable = noResponder - ideal;
  const tolerance = Math.max(1, 0.01 * noResponder);
  // An incident with (next to) nothing avoidable yet: judged by not adding to it.
  const share =
    avoidable < tolerance
      ? yours <= Math.max(noResponder, ideal) + tolerance
        ? 1
        : -Math.min(1, (yours - Math.max(noResponder, ideal)) / Math.max(noResponder, tolerance))
      : Math.max(-1, Math.min(1, (noResponder - yours) / avoidable));
  return { unit: spec.impact.unit, horizonMs: runs.horizonMs, noResponder: Math.round(noResponder), ideal: Math.round(ideal), yours: Math.round(yours), share: round2(share), processScale: 1 };
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

function outcomeReason(outcome: ScoreOutcome): string {
  const minutesTo = Math.round(outcome.horizonMs / 60_000);
  const base = `by minute ${minutesTo}: left alone it cost ${count(outcome.noResponder)} ${outcome.unit}, the ideal path ${count(outcome.ideal)}, your response ${count(outcome.yours)}`;
  if (outcome.share < 0) return `${base}: ${count(outcome.yours - outcome.noResponder)} more than doing nothing`;
  return `${base}: ${Math.round(outcome.share * 100)}% of the avoidable impact avoided`;
}
