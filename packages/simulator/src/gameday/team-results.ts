/**
 * A game-day's results: the team's score, by the same rules as any drill (the drill's own
 * score), and who earned which part of it. The outcome's impact points follow each person's own
 * changes: the drill replayed without them (scoring/person-effects.ts) shows the impact they
 * avoided or added, and that share of the points is theirs, negative for harm. Process points
 * go to the person whose action earned them (the first to acknowledge, the last to declare the
 * severity, whoever ran each required runbook action, posted the updates, escalated); a
 * harmful action costs its author. What only the team earns together stays the team's: the
 * service restored, stabilising first, and the part of the outcome no one person's changes
 * made alone.
 */
import type { JournalEntry } from '../journal/journal';
import { isDeclaration, type DeclarationRoute } from '../journal/scoring-facts';
import type { DrillScore, ScoreDimension } from '../scoring/drill-scorer';
import { personEffects, type PersonEffect } from '../scoring/person-effects';
import type { AttendanceRow } from '../storage/drill-store';

export interface Credit {
  dimension: ScoreDimension['id'];
  points: number;
  what: string;
}

export interface ParticipantResult {
  name: string;
  role: string;
  joinedAt: string;
  points: number;
  /** Requests they made against the service (admin API, kubectl, agenc, terminal). */
  commands: number;
  rejected: number;
  credits: Credit[];
  /** Their changes' effect on the outcome (the drill replayed without them); null when it was not measured. */
  effect: Pick<PersonEffect, 'changes' | 'without' | 'actual' | 'avoided' | 'points' | 'reason'> | null;
}

export interface TeamResult {
  session: string;
  title: string;
  team: string;
  scenario: string;
  status: string;
  score: DrillScore;
  /** Points earned by the team as a whole, not credited to one person. */
  teamPoints: number;
  participants: ParticipantResult[];
}

const round = (points: number) => Math.round(points * 10) / 10;
const commandSources = new Set(['admin', 'kube', 'agenc', 'metrics', 'other']);

export function teamResults(input: {
  session: string;
  title: string;
  team: string;
  status: string;
  participants: ReadonlyArray<Pick<AttendanceRow, 'name' | 'role' | 'joinedAt'>>;
  journal: readonly JournalEntry[];
  score: DrillScore;
}): TeamResult {
  const { journal, score } = input;
  const people = new Map<string, ParticipantResult>();
  for (const person of input.participants) people.set(person.name, { name: person.name, role: person.role, joinedAt: person.joinedAt, points: 0, commands: 0, rejected: 0, credits: [], effect: null });
  let teamPoints = 0;
  const credit = (name: string | null | undefined, dimension: ScoreDimension['id'], points: number, what: string) => {
    const person = name ? people.get(name) : undefined;
    if (!person) {
      teamPoints += points;
      return;
    }
    person.credits.push({ dimension, points: round(points), what });
    person.points += points;
  };
  // Read as the scorer reads them (an acknowledged platform warning is not the page).
  const uiActions = (route: DeclarationRoute) => journal.filter((entry) => isDeclaration(entry, route));
  const dimension = (id: ScoreDimension['id']) => score.dimensions.find((candidate) => candidate.id === id)?.points ?? 0;

  for (const entry of journal) {
    const person = entry.actor ? people.get(entry.actor) : undefined;
    if (!person) continue;
    // The service requests they made (a terminal line counts through the requests it makes).
    if (commandSources.has(entry.source)) {
      person.commands++;
      if (entry.outcome === 'rejected') person.rejected++;
    }
  }

  const firstOf = (route: DeclarationRoute) => uiActions(route)[0]?.actor;
  const lastOf = (route: DeclarationRoute) => uiActions(route).at(-1)?.actor;
  credit(firstOf('/trainer/acknowledge'), 'acknowledge', dimension('acknowledge'), 'acknowledged the page');
  credit(lastOf('/trainer/severity'), 'severity', dimension('severity'), 'declared the severity');
  credit(firstOf('/trainer/bridge'), 'bridge', dimension('bridge'), 'opened the bridge');

  const done = score.actions.filter((action) => action.doneAtMs !== null);
  const runbook = dimension('runbook');
  if (done.length === 0) teamPoints += runbook;
  for (const action of done) credit(action.doneBy, 'runbook', runbook / done.length, action.description);

  // Safety: the points harm lost are taken from their authors, shared; what is left of the dimension is the team's.
  const safety = score.dimensions.find((candidate) => candidate.id === 'safety');
  const harmCost = safety && score.harmful.length > 0 ? (safety.max - safety.points) / score.harmful.length : 0;
  for (const harm of score.harmful) credit(harm.by, 'safety', -harmCost, `harmful: ${harm.why}`);
  teamPoints += dimension('safety') + harmCost * score.harmful.length;

  for (const id of ['comms', 'escalation'] as const) {
    const entries = uiActions(id === 'comms' ? '/trainer/comms' : '/trainer/escalations');
    const points = dimension(id);
    if (entries.length === 0) teamPoints += points;
    for (const entry of entries) credit(entry.actor, id, points / entries.length, id === 'comms' ? `posted ${String(entry.detail?.template)} to ${String(entry.detail?.channel)}` : `escalated to ${String(entry.detail?.to)}`);
  }
  for (const id of ['stabilise', 'restored'] as const) teamPoints += dimension(id);

  // The outcome: each person's share is what their own changes avoided or added; the rest is what they did together.
  const effects = score.outcome === null ? null : personEffects(journal, [...people.keys()]);
  let outcomeLeft = dimension('outcome');
  for (const effect of effects ?? []) {
    const { name, ...measured } = effect;
    const person = people.get(name)!;
    person.effect = { ...measured, without: Math.round(measured.without), actual: Math.round(measured.actual), avoided: Math.round(measured.avoided) };
    if (effect.changes === 0) continue;
    credit(name, 'outcome', effect.points, effect.reason);
    outcomeLeft -= effect.points;
  }
  teamPoints += outcomeLeft;

  const participants = [...people.values()].map((person) => ({ ...person, points: round(person.points) })).sort((a, b) => b.points - a.points || a.joinedAt.localeCompare(b.joinedAt));
  return { session: input.session, title: input.title, team: input.team, scenario: score.scenario, status: input.status, score, teamPoints: round(teamPoints), participants };
}
