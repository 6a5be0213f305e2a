/**
 * A game-day's results: the team's score (the scoring issue's breakdown, unchanged) and who
 * earned which part of it. Points go to the person whose action earned them (the first to
 * acknowledge, the last to declare the severity, whoever ran each required runbook action,
 * whoever posted the updates); a harmful action costs its author; what only the team earns
 * together (mitigating, resolving, stabilising first) stays the team's.
 */
import type { JournalEntry } from '../journal/journal';
import { isDeclaration, type DeclarationRoute } from '../journal/scoring-facts';
import type { DrillScore, ScoreDimension } from '../scoring/drill-scorer';
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
  for (const person of input.participants) people.set(person.name, { name: person.name, role: person.role, joinedAt: person.joinedAt, points: 0, commands: 0, rejected: 0, credits: [] });
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
  for (const id of ['stabilise', 'outcome', 'restored'] as const) teamPoints += dimension(id);

  const participants = [...people.values()].map((person) => ({ ...person, points: round(person.points) })).sort((a, b) => b.points - a.points || a.joinedAt.localeCompare(b.joinedAt));
  return { session: input.session, title: input.title, team: input.team, scenario: score.scenario, status: input.status, score, teamPoints: round(teamPoints), participants };
}
