/**
 * How far the trainee has come against the runbook, read from the journal: which required
 * actions are done, the outcome once they declare the incident resolved, and (on easy) the
 * hints the onboarding path gives.
 */
import { matchesAction, type ScenarioContext } from '@gameday/scenarios';
import { worldResolvedAt } from '../journal/scoring-facts';
import type { Drill } from './drill';

export interface RequiredActionStatus {
  id: string;
  description: string;
  command: string;
  doneAtMs: number | null;
}

export interface DrillOutcome {
  passed: boolean;
  reasons: string[];
}

/** The spec's required actions, each with when the journal first shows it done. */
export function requiredActions(drill: Drill): RequiredActionStatus[] {
  const spec = drill.scenario.spec;
  if (!spec) return [];
  // The facts, not the ring: a flood of other requests must not undo a step already done.
  const entries = drill.journal.facts();
  return spec.requiredActions.map((action) => {
    const done = entries.find((entry) => action.anyOf.some((matcher) => matchesAction(matcher, entry)));
    return { id: action.id, description: action.description, command: action.command, doneAtMs: done ? done.simMs : null };
  });
}

/**
 * Passed: when it was declared resolved the world met its resolved condition (the cause gone,
 * the service back to normal for long enough), every required action done, nothing harmful.
 */
export function drillOutcome(drill: Drill): DrillOutcome | null {
  const declaredMs = drill.trainee.resolvedMs;
  if (declaredMs === null) return null;
  const reasons: string[] = [];
  const spec = drill.scenario.spec;
  if (spec && !worldResolvedAt(drill.journal.facts(), declaredMs)) {
    const phase = drill.phase();
    const stage = phase === 'mitigated' || phase === 'recovered' ? `${phase}, not resolved` : `still ${phase}`;
    reasons.push(`the service was not restored when it was declared resolved (${stage}); resolved means: ${drill.resolution().condition}`);
  }
  for (const action of requiredActions(drill)) if (action.doneAtMs === null) reasons.push(`runbook step not done: ${action.description} (${action.command})`);
  for (const harm of (drill.actor.getSnapshot().context as ScenarioContext).harmful) reasons.push(`harmful: ${harm.why}`);
  return { passed: reasons.length === 0, reasons };
}

/** On easy, once the page has come in: which runbook section this is, and the next step. */
export function onboardingHints(drill: Drill, paged: boolean): string[] {
  const spec = drill.scenario.spec;
  if (drill.options.difficulty !== 'easy' || !spec || !paged) return [];
  const next = requiredActions(drill).find((action) => action.doneAtMs === null);
  return [
    `This alert is covered by the runbook's ${spec.incident} (${drill.scenario.title}). Its trigger: ${spec.trigger}.`,
    next ? `Next step: ${next.description}. In the terminal: ${next.command}` : 'Every immediate action is done: watch the dashboard, post an update, and declare mitigated when it holds.',
  ];
}
