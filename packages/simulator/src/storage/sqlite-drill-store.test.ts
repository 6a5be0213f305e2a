/**
 * The store keeps a finished drill's facts beside its journal (issue 13, 7), and still reads
 * drills stored before the facts were kept apart.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../journal/journal';
import type { DrillScore } from '../scoring/drill-scorer';
import type { FinishedDrill } from './drill-store';
import { SqliteDrillStore } from './sqlite-drill-store';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const entry = (seq: number, action: string): JournalEntry => ({ seq, simMs: seq * 1000, wallMs: 0, source: 'sim', action, outcome: 'info' });
const score = { total: 50, max: 100, scenario: 'rollback-storm', trueSeverity: 'P1', ttaMs: null, ttmMs: null, ttrMs: 60_000, dimensions: [], actions: [], harmful: [], injected: [], rulesVersion: 2, outcome: null } satisfies DrillScore;

const drill = (facts: JournalEntry[], journal: JournalEntry[]): FinishedDrill => ({
  id: 'drill-1',
  trainee: 'Ada',
  team: 'solo',
  scenario: 'rollback-storm',
  difficulty: 'normal',
  ranked: false,
  score,
  finishedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 60_000,
  impact: {},
  journal,
  facts,
});

describe('SqliteDrillStore', () => {
  it('keeps the facts and the journal of a finished drill apart', () => {
    const store = new SqliteDrillStore(':memory:');
    const facts = [entry(1, 'drill.started')];
    const journal = [entry(1, 'drill.started'), entry(2, 'clock.skip')];
    store.save(drill(facts, journal));
    expect(store.get('drill-1')).toMatchObject({ facts, journal });
    store.close();
  });

  it('opens a store made before facts were kept, and reads an old drill’s journal as its facts', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gameday-store-'));
    folders.push(folder);
    const path = join(folder, 'gameday.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE drills (id TEXT PRIMARY KEY, trainee TEXT NOT NULL, team TEXT NOT NULL, scenario TEXT NOT NULL, difficulty TEXT NOT NULL, ranked INTEGER NOT NULL,
      score REAL NOT NULL, tta_ms INTEGER, ttm_ms INTEGER, ttr_ms INTEGER, finished_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, score_json TEXT NOT NULL, impact_json TEXT NOT NULL, journal_json TEXT NOT NULL)`);
    const journal = [entry(1, 'drill.started'), entry(2, 'clock.skip')];
    old
      .prepare(`INSERT INTO drills VALUES ('old-1', 'Ada', 'solo', 'rollback-storm', 'normal', 0, 50, NULL, NULL, 60000, '2025-01-01T00:00:00.000Z', 60000, ?, '{}', ?)`)
      .run(JSON.stringify(score), JSON.stringify(journal));
    old.close();

    const store = new SqliteDrillStore(path);
    expect(store.get('old-1')).toMatchObject({ journal, facts: journal });
    store.save(drill([entry(1, 'drill.started')], journal));
    expect(store.get('drill-1')?.facts).toEqual([entry(1, 'drill.started')]);
    store.close();
    // Opened again, the column is there and nothing is added twice.
    new SqliteDrillStore(path).close();
  });

  it('re-scores the drills older rules scored, and only those, so the board ranks by one set of rules', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gameday-store-'));
    folders.push(folder);
    const store = new SqliteDrillStore(join(folder, 'gameday.db'));
    const { rulesVersion: _version, outcome: _outcome, ...versionOne } = score;
    store.save({ ...drill([entry(1, 'drill.started')], []), id: 'old', ranked: true, score: versionOne as unknown as DrillScore });
    store.save({ ...drill([entry(1, 'drill.started')], []), id: 'new', ranked: true, trainee: 'Bo', score: { ...score, total: 60 } });
    expect(store.get('old')?.score.rulesVersion).toBe(1);
    const rescored: string[] = [];
    expect(store.rescoreOlder(2, (old) => (rescored.push(old.id), { ...score, total: 71 }))).toBe(1);
    expect(rescored).toEqual(['old']);
    expect(store.get('old')?.score).toMatchObject({ rulesVersion: 2, total: 71 });
    expect(store.leaderboard({}).map((row) => [row.drillId, row.score])).toEqual([['old', 71], ['new', 60]]);
    expect(store.rescoreOlder(2, () => score)).toBe(0);
    store.close();
  });
});

describe('the database file', () => {
  it('is the operator\'s alone, with its write-ahead log: it holds live drills\' tokens', () => {
    const folder = mkdtempSync(join(tmpdir(), 'gameday-store-'));
    folders.push(folder);
    const path = join(folder, 'gameday.db');
    const store = new SqliteDrillStore(path);
    store.saveSession({ code: 'ABCDEF', title: 'T', team: 'blue', scenario: 'rollback-storm', difficulty: 'normal', seed: 1, createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, endedAt: null, drillId: null });
    try {
      for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(store.sessions()).toEqual([expect.objectContaining({ code: 'ABCDEF', endedWhy: null })]);
    } finally {
      store.close();
    }
  });
});
