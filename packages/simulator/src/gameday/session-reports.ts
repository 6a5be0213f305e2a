/**
 * What the facilitator reads about sessions: a session's summary, a team's results (live and
 * provisional until its drill is finished, then from the stored drill), and every team's
 * standings across finished game-days. Attendance is the store's own (kept across restarts);
 * the CSV exports are the routes' rendering of these.
 */
import { GamedayError } from '../core/gameday-error';
import { scoreJournal } from '../scoring/drill-scorer';
import type { ScoreDimensionId } from '../scoring/scoring-weights';
import type { DrillStore, FinishedDrill } from '../storage/drill-store';
import type { GameDaySession, Hint, Participant, SessionStatus } from './game-day-session';
import type { SessionRegistry } from './session-registry';
import type { AnnounceResult } from './slack-announcer';
import { teamResults, type TeamResult } from './team-results';

export interface SessionSummary {
  code: string;
  title: string;
  team: string;
  status: SessionStatus;
  /** The scenario running (for a surprise, the one drawn); only the facilitator sees this. */
  scenario: string;
  requested: string;
  difficulty: string;
  seed: number;
  speed: number;
  faults: string[];
  phase: string;
  expectedSeverity: string;
  simMs: number;
  simTime: string;
  url: string | null;
  /** The drill's UI with the session's admin token: for the facilitator to watch or step in. */
  adminUrl: string | null;
  joinUrl: string;
  participants: Participant[];
  hints: Hint[];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  drillId: string | null;
  score: number | null;
  announcement: AnnounceResult | null;
  /** In a fleet's list: the instance running it. */
  instance?: string | undefined;
  /** In a fleet's list: why it was read from the store rather than from its instance. */
  note?: string | undefined;
}

/** One team's finished game-day: its score, the score's dimensions, its times, its people. */
export type TeamStanding = {
  team: string;
  session: string;
  title: string;
  scenario: string;
  difficulty: string;
  score: number;
  ttaMs: number | null;
  ttmMs: number | null;
  ttrMs: number | null;
  participants: string;
  finishedAt: string;
} & Record<ScoreDimensionId, number>;

export class SessionReports {
  constructor(
    private readonly store: DrillStore,
    private readonly registry: SessionRegistry,
  ) {}

  summary(session: GameDaySession, announcement: AnnounceResult | null): SessionSummary {
    const drill = session.drill;
    const finished = drill.finishedId ? this.store.get(drill.finishedId) : undefined;
    const url = session.endpoint ? this.registry.browserUrl(session.endpoint) : null;
    return {
      code: session.code,
      title: session.settings.title,
      team: session.settings.team,
      status: session.status,
      scenario: drill.scenario.id,
      requested: session.settings.scenario,
      difficulty: session.settings.difficulty,
      seed: session.settings.seed,
      speed: drill.clock.speed,
      faults: drill.faults.map((fault) => fault.scenario.id),
      phase: drill.phase() || 'not started',
      expectedSeverity: drill.expectedSeverity(),
      simMs: drill.clock.now(),
      simTime: drill.simDate().toISOString(),
      url,
      // The facilitator may watch (and act in) the drill with the session's own admin token.
      adminUrl: url === null ? null : `${url}/#token=${encodeURIComponent(session.adminToken)}`,
      joinUrl: this.registry.joinUrl(session.code),
      participants: session.participants,
      hints: session.hints,
      createdAt: session.createdAt,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      drillId: drill.finishedId,
      score: finished?.score.total ?? null,
      announcement,
    };
  }

  /** The team's score and each participant's share; live (provisional) until the drill is finished. */
  results(code: string): TeamResult {
    const live = this.registry.find(code);
    const record = live?.record() ?? this.store.sessions().find((candidate) => candidate.code === code.toUpperCase());
    if (!record) throw new GamedayError('NOT_FOUND', `no game-day with code ${code}`, { field: 'code' });
    const finished: FinishedDrill | undefined = record.drillId ? this.store.get(record.drillId) : undefined;
    const journal = finished?.journal ?? live?.drill.journal.withFacts() ?? [];
    return teamResults({
      session: record.code,
      title: record.title,
      team: record.team,
      status: live?.status ?? (record.endedAt ? 'ended' : 'closed'),
      participants: this.store.attendance(record.code),
      journal,
      score: finished?.score ?? scoreJournal(live?.drill.journal.facts() ?? []),
    });
  }

  /**
   * Every team's finished game-days, best first: the score with its breakdown by dimension and
   * who took part (the competition's standings, and training records).
   */
  teams(): TeamStanding[] {
    const standings: TeamStanding[] = [];
    for (const record of this.store.sessions()) {
      const finished = record.drillId ? this.store.get(record.drillId) : undefined;
      if (!finished) continue;
      const people = this.store.attendance(record.code);
      standings.push({
        team: record.team,
        session: record.code,
        title: record.title,
        scenario: record.scenario,
        difficulty: record.difficulty,
        score: finished.score.total,
        ...Object.fromEntries(finished.score.dimensions.map((dimension) => [dimension.id, dimension.points])),
        ttaMs: finished.score.ttaMs,
        ttmMs: finished.score.ttmMs,
        ttrMs: finished.score.ttrMs,
        participants: people.map((person) => `${person.name} (${person.role})`).join('; '),
        finishedAt: finished.finishedAt,
      } as TeamStanding);
    }
    return standings.sort((a, b) => b.score - a.score || (a.ttrMs ?? Infinity) - (b.ttrMs ?? Infinity) || a.finishedAt.localeCompare(b.finishedAt));
  }
}
