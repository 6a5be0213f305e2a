/**
 * A finished drill as both stores keep it: one row of the `drills` table, and the one reading of
 * it back. SQLite keeps `ranked` as 0/1 and PostgreSQL as a boolean; everything else is the same
 * column for column, so the two stores cannot drift in what a stored drill reads as.
 */
import type { JournalEntry } from '../journal/journal';
import type { DrillScore } from '../scoring/drill-scorer';
import type { FinishedDrill, LeaderboardRow } from './drill-store';

export interface DrillRow {
  id: string;
  trainee: string;
  team: string;
  scenario: string;
  difficulty: string;
  ranked: boolean | number;
  score: number;
  ttr_ms: number | null;
  finished_at: string;
  duration_ms: number;
  score_json: string;
  impact_json: string;
  journal_json: string;
  /** Null for drills stored before the facts were kept apart: their journal was what was scored. */
  facts_json: string | null;
}

/** The stored drill a row holds; scores written before rules versions were kept read as version 1. */
export function finishedDrillOf(row: DrillRow): FinishedDrill {
  const journal = JSON.parse(row.journal_json) as JournalEntry[];
  return {
    id: row.id,
    trainee: row.trainee,
    team: row.team,
    scenario: row.scenario,
    difficulty: row.difficulty,
    ranked: row.ranked === true || row.ranked === 1,
    score: { rulesVersion: 1, outcome: null, ...(JSON.parse(row.score_json) as Partial<DrillScore>) } as DrillScore,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    impact: JSON.parse(row.impact_json) as Record<string, number>,
    journal,
    facts: row.facts_json === null ? journal : (JSON.parse(row.facts_json) as JournalEntry[]),
  };
}

/** The columns a leaderboard reads of a drill's row. */
export type LeaderboardDrillRow = Pick<DrillRow, 'id' | 'trainee' | 'team' | 'scenario' | 'difficulty' | 'score' | 'ttr_ms' | 'finished_at'>;

/** A leaderboard of best runs, ranked in the order the store's query returned them. */
export function leaderboardOf(rows: readonly LeaderboardDrillRow[]): LeaderboardRow[] {
  return rows.map((row, index) => ({
    rank: index + 1,
    trainee: row.trainee,
    team: row.team,
    scenario: row.scenario,
    difficulty: row.difficulty,
    score: row.score,
    ttrMs: row.ttr_ms,
    finishedAt: row.finished_at,
    drillId: row.id,
  }));
}
