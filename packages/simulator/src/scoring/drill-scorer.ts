/**
 * Scores a drill from its journal's facts alone, never from numbers a client sends: the same
 * facts always give the same score, so any past drill can be re-scored. It reads entries only
 * through the predicates of journal/scoring-facts.ts, so everything it reads is a fact the
 * journal keeps whatever its ring evicts. Each dimension comes with its points and the reason,
 * in words a trainee can learn from.
 */
import { alertNames, combineSpecs, findScenario, matchesAction, severities, type ScenarioSpec, type Severity } from '@gameday/scenarios';
import { detailText, type JournalEntry } from '../journal/journal';
import { isChange, isDeclaration, isDrillEvent, isRequest, type DeclarationRoute } from '../journal/scoring-facts';
import { acknowledgeTargetMs, scoringWeights, type ScoreDimensionId } from './scoring-weights';
import type { Grade } from './grade';
import { gradeSeverity } from './severity-grading';
import { gradeComms } from './comms-grading';
import { gradeEscalation } from './escalation-grading';

export interface ScoreDimension {
  id: ScoreDimensionId;
  label: string;
  points: number;
  max: number;
  reason: string;
}

export interface DrillScore {
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
}

const minutes = (ms: number) => `${Math.round(ms / 6000) / 10} min`;
const rank = (severity: Severity) => severities.indexOf(severity);
const isSeverity = (value: unknown): value is Severity => typeof value === 'string' && (severities as readonly string[]).includes(value);
const ui = (entries: JournalEntry[], route: DeclarationRoute) => entries.filter((entry) => isDeclaration(entry, route));
/** Full points up to `target`, none from `zeroAt`, linear between. */
const decay = (elapsed: number, target: number, zeroAt: number, max: number) => (elapsed <= target ? max : elapsed >= zeroAt ? 0 : Math.round((max * (zeroAt - elapsed)) / (zeroAt - target) * 10) / 10);

export function scoreJournal(entries: readonly JournalEntry[], specOverride?: ScenarioSpec | null): DrillScore {
  const started = entries.find((entry) => isDrillEvent(entry, 'drill.started'));
  const scenarioId = typeof started?.detail?.scenario === 'string' ? started.detail.scenario : 'baseline';
  const ownSpec = specOverride === undefined ? (findScenario(scenarioId)?.spec ?? null) : specOverride;
  // Faults a facilitator injected: the responder is judged against their sections too.
  const injected = entries.filter((entry) => isDrillEvent(entry, 'fault.injected')).map((entry) => String(entry.detail?.scenario));
  const injectedSpecs = injected.map((id) => findScenario(id)?.spec).filter((found): found is ScenarioSpec => found !== undefined && found !== null);
  const spec = ownSpec !== null && injectedSpecs.length > 0 ? combineSpecs(ownSpec, ...injectedSpecs) : ownSpec;
  const all = [...entries];
  const resolve = ui(all, '/trainer/declare').find((entry) => entry.detail?.state === 'resolved');
  const resolvedMs = resolve?.simMs ?? null;
  // Actions after the incident was declared resolved do not count: the drill was over.
  const inDrill = resolvedMs === null ? all : all.filter((entry) => entry.simMs <= resolvedMs);

  const alerts = inDrill.filter((entry) => isDrillEvent(entry, 'alert.firing') && (spec === null || alertNames(spec).includes(String(entry.detail?.alert))));
  const page = alerts[0];
  const pageMs = page?.simMs ?? null;
  const declarations = ui(inDrill, '/trainer/severity').filter((entry) => isSeverity(entry.detail?.severity));
  const expectedSeen = [...alerts, ...declarations].map((entry) => entry.detail?.expectedSeverity).filter(isSeverity);
  const trueSeverity: Severity | null = expectedSeen.length === 0 ? null : expectedSeen.reduce((worst, severity) => (rank(severity) < rank(worst) ? severity : worst));
  const dimensions: ScoreDimension[] = [];
  const add = (id: ScoreDimensionId, points: number, reason: string) => {
    const max = scoringWeights[id].points;
    dimensions.push({ id, label: scoringWeights[id].label, points: Math.min(max, points), max, reason });
  };
  const addGrade = (id: ScoreDimensionId, grade: Grade) => add(id, grade.points, grade.reason);

  // Acknowledge.
  const ack = ui(inDrill, '/trainer/acknowledge')[0];
  let ttaMs: number | null = null;
  if (pageMs === null) add('acknowledge', scoringWeights.acknowledge.points, 'no page came: nothing to acknowledge');
  else if (!ack) add('acknowledge', 0, 'the page was never acknowledged');
  else {
    ttaMs = Math.max(0, ack.simMs - pageMs);
    const target = acknowledgeTargetMs[trueSeverity ?? 'P2'];
    add('acknowledge', decay(ttaMs, target, 3 * target, scoringWeights.acknowledge.points), `acknowledged ${minutes(ttaMs)} after the page; the runbook's target for ${trueSeverity ?? 'P2'} is ${minutes(target)}`);
  }

  // Bridge.
  const bridge = ui(inDrill, '/trainer/bridge')[0];
  if (trueSeverity !== 'P1' || pageMs === null) add('bridge', scoringWeights.bridge.points, `not required for ${trueSeverity ?? 'an incident without a page'}`);
  else if (!bridge) add('bridge', 0, 'a P1 asks for the incident bridge within 15 minutes; never joined');
  else {
    const after = bridge.simMs - pageMs;
    add('bridge', after <= 15 * 60_000 ? scoringWeights.bridge.points : 2, `joined the bridge ${minutes(after)} after the page (P1: within 15 min)`);
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
  if (actions.length === 0) add('runbook', scoringWeights.runbook.points, 'no runbook actions required');
  else {
    const share = scoringWeights.runbook.points / actions.length;
    let points = actions.reduce((sum, action) => sum + (action.doneAtMs === null ? 0 : action.late ? share / 2 : share), 0);
    const ordered = actions.filter((action) => action.doneAtMs !== null && action.order !== undefined);
    let inversions = 0;
    for (let i = 0; i < ordered.length; i++) for (let j = i + 1; j < ordered.length; j++) if ((ordered[i]!.order! - ordered[j]!.order!) * (ordered[i]!.doneAtMs! - ordered[j]!.doneAtMs!) < 0) inversions++;
    points = Math.max(0, points - 2 * inversions);
    const missing = actions.filter((action) => action.doneAtMs === null).map((action) => action.description);
    const late = actions.filter((action) => action.late).map((action) => action.description);
    const parts = [`${actions.length - missing.length} of ${actions.length} required actions done`];
    if (missing.length > 0) parts.push(`missed: ${missing.join('; ')}`);
    if (late.length > 0) parts.push(`late: ${late.join('; ')}`);
    if (inversions > 0) parts.push(`${inversions} out of the runbook's order`);
    add('runbook', Math.round(points * 10) / 10, parts.join('; '));
  }

  // Safety.
  const harmful = inDrill.filter((entry) => entry.effect === 'harmful').map((entry) => ({ atMs: entry.simMs, action: entry.action, why: detailText(entry.detail?.harm) || 'harmful', by: entry.actor ?? null }));
  add('safety', Math.max(-10, scoringWeights.safety.points - 10 * harmful.length), harmful.length === 0 ? 'nothing harmful done' : `harmful: ${harmful.map((harm) => harm.why).join('; ')}`);

  // Stabilise first.
  if (spec === null || !spec.stabiliseFirst) add('stabilise', scoringWeights.stabilise.points, 'the cause is clear in this runbook section; no stabilising step needed first');
  else {
    const changes = commandEntries.filter(isChange);
    const first = changes[0];
    const disabledFirst = first !== undefined && (first.detail?.changes as Record<string, unknown> | undefined)?.['speculation.enabled'] === false;
    add('stabilise', disabledFirst ? scoringWeights.stabilise.points : 0, disabledFirst ? 'speculation disabled before any other change' : first ? 'the first change was not disabling speculation; the runbook says stabilise first when the cause is unclear' : 'no change was made');
  }

  // Mitigate.
  const mitigated = pageMs === null ? undefined : inDrill.find((entry) => isDrillEvent(entry, 'phase') && entry.simMs >= pageMs && ['mitigated', 'recovered'].includes(String(entry.detail?.to)));
  const ttmMs = mitigated && pageMs !== null ? mitigated.simMs - pageMs : null;
  if (pageMs === null) add('mitigate', scoringWeights.mitigate.points, 'no incident to mitigate');
  else if (ttmMs === null) add('mitigate', 0, 'the incident never reached its mitigated condition');
  else add('mitigate', decay(ttmMs, 15 * 60_000, 60 * 60_000, scoringWeights.mitigate.points), `mitigated ${minutes(ttmMs)} after the page (full within 15 min)`);

  // Resolve.
  const ttrMs = resolvedMs !== null && pageMs !== null ? resolvedMs - pageMs : null;
  if (resolvedMs === null) add('resolve', 0, 'never declared resolved');
  else if (pageMs !== null && (mitigated === undefined || mitigated.simMs > resolvedMs)) add('resolve', 0, 'declared resolved while the incident was still not mitigated');
  else add('resolve', ttrMs === null || ttrMs <= 60 * 60_000 ? 5 : 3, ttrMs === null ? 'declared resolved' : `declared resolved ${minutes(ttrMs)} after the page`);

  // Comms.
  addGrade('comms', gradeComms(inDrill, pageMs));

  // Escalation.
  addGrade('escalation', gradeEscalation(inDrill, pageMs, spec));

  const total = Math.round(dimensions.reduce((sum, dimension) => sum + dimension.points, 0) * 10) / 10;
  return {
    total,
    max: 100,
    scenario: scenarioId,
    trueSeverity,
    ttaMs,
    ttmMs,
    ttrMs,
    dimensions,
    actions: actions.map(({ order: _order, ...action }) => action),
    harmful,
    injected,
  };
}
