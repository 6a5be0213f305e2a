/**
 * Finishing a drill (score, impact, storage) and what the debrief shows of a finished one: the
 * score, the trainee's timeline beside the ideal path for this variant, and what each missed or
 * harmful action would have changed.
 */
import { randomUUID } from 'node:crypto';
import { alertNames, findScenario } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import type { JournalEntry } from '../journal/journal';
import { isDrillEvent } from '../journal/scoring-facts';
import type { DrillStore, FinishedDrill } from '../storage/drill-store';
import { scoreJournal, type DrillScore } from './drill-scorer';
import { acknowledgeTargetMs } from './scoring-weights';

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

export interface PathStep {
  /** Simulated ms after the page ("+3 min"); negative before it. */
  atMs: number;
  step: string;
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
}

function pageOf(journal: readonly JournalEntry[], alerts: readonly string[]): number {
  return journal.find((entry) => isDrillEvent(entry, 'alert.firing') && (alerts.length === 0 || alerts.includes(String(entry.detail?.alert))))?.simMs ?? 0;
}

/** What the trainee did, relative to the page, as the debrief lists it. */
function yourPath(journal: readonly JournalEntry[], pageMs: number): PathStep[] {
  const steps: PathStep[] = [];
  for (const entry of journal) {
    const detail = entry.detail ?? {};
    let step: string | undefined;
    if (entry.source === 'ui' && entry.outcome === 'accepted') step = typeof detail.summary === 'string' ? detail.summary : typeof detail.command === 'string' ? `$ ${detail.command.split('\n')[0]}` : undefined;
    else if (entry.source === 'admin' || entry.source === 'agenc' || entry.source === 'kube' || entry.source === 'other') step = `${entry.outcome === 'rejected' ? '✗ ' : ''}${entry.action}`;
    else if (isDrillEvent(entry, 'alert.firing')) step = `page: ${String(detail.alert)}`;
    else if (isDrillEvent(entry, 'phase') && ['mitigated', 'recovered'].includes(String(detail.to))) step = `incident ${String(detail.to)}`;
    if (step !== undefined) steps.push({ atMs: entry.simMs - pageMs, step: entry.effect === 'harmful' ? `${step} (harmful)` : step });
  }
  return steps;
}

export function debriefOf(finished: FinishedDrill): Debrief {
  const scenario = findScenario(finished.scenario);
  const spec = scenario?.spec ?? null;
  const pageMs = pageOf(finished.journal, spec ? alertNames(spec) : []);
  const severity = finished.score.trueSeverity;
  const ideal: PathStep[] = [];
  if (spec) {
    ideal.push({ atMs: 0, step: `page: ${spec.alertRules[0]?.name ?? spec.trigger}` });
    ideal.push({ atMs: Math.min(acknowledgeTargetMs[severity ?? 'P2'], 5 * 60_000), step: 'acknowledge the page' });
    ideal.push({ atMs: 5 * 60_000, step: `declare ${severity ?? 'the severity the matrix gives'}` });
    if (severity === 'P1') ideal.push({ atMs: 10 * 60_000, step: 'join the incident bridge' });
    for (const action of spec.requiredActions) ideal.push({ atMs: action.deadlineMs ?? 15 * 60_000, step: `${action.description}: ${action.command}` });
    if (severity === 'P1' || severity === 'P2') ideal.push({ atMs: 15 * 60_000, step: 'first update to #incidents' });
    ideal.push({ atMs: 15 * 60_000, step: `mitigated: ${spec.mitigated.description}` });
    ideal.push({ atMs: 45 * 60_000, step: 'declare resolved, with the resolution update' });
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
  };
}
