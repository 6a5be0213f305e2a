/**
 * The embedded store: SQLite through better-sqlite3, one file in the data folder, nothing to
 * install. WAL journaling and one transaction per finished drill, so a `kill -9` mid-drill
 * leaves every finished drill intact and never half a row.
 */
import { finishedDrillOf, leaderboardOf, type DrillRow, type LeaderboardDrillRow } from './drill-row';
import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DrillScore } from '../scoring/drill-scorer';
import type { RecordedInput } from '../drill/drill-inputs';
import { StoreError, type AttendanceRow, type DrillStore, type FinishedDrill, type FinishedRun, type LeaderboardQuery, type LeaderboardRow, type LeaseRecord, type LiveDrillRecord, type ScheduleFiring, type ScheduleRecord, type SessionRecord } from './drill-store';


const schema = `
  CREATE TABLE IF NOT EXISTS drills (
    id TEXT PRIMARY KEY,
    trainee TEXT NOT NULL,
    team TEXT NOT NULL,
    scenario TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    ranked INTEGER NOT NULL,
    score REAL NOT NULL,
    tta_ms INTEGER,
    ttm_ms INTEGER,
    ttr_ms INTEGER,
    finished_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    score_json TEXT NOT NULL,
    impact_json TEXT NOT NULL,
    journal_json TEXT NOT NULL,
    facts_json TEXT,
    rules_version INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX IF NOT EXISTS drills_board ON drills (ranked, scenario, difficulty, score DESC);
  CREATE TABLE IF NOT EXISTS attendance (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    title TEXT NOT NULL,
    team TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    joined_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    team TEXT NOT NULL,
    scenario TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    seed INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    drill_id TEXT,
    ended_why TEXT
  );
  CREATE TABLE IF NOT EXISTS live_drills (
    id TEXT PRIMARY KEY,
    slot TEXT NOT NULL,
    options_json TEXT NOT NULL,
    extra_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    ended_why TEXT,
    finished_id TEXT
  );
  CREATE INDEX IF NOT EXISTS live_drills_open ON live_drills (ended_at, slot);
  CREATE TABLE IF NOT EXISTS live_inputs (
    drill_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sim_ms INTEGER NOT NULL,
    wall_ms INTEGER NOT NULL,
    input_json TEXT NOT NULL,
    checkpoint_json TEXT,
    PRIMARY KEY (drill_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS leases (
    slot TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS routes (
    token_hash TEXT PRIMARY KEY,
    slot TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS schedules (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS schedule_firings (
    schedule_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    instance TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    session TEXT,
    error TEXT,
    PRIMARY KEY (schedule_id, due_at)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS shared_values (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
`;

const leaseColumns = 'slot, owner, address, expires_at AS expiresAt';

export class SqliteDrillStore implements DrillStore {
  private readonly db: Database.Database;
  /** Prepared once: an input is appended on every request of a live drill. */
  private appendStatement: Database.Statement | undefined;

  /** Opens (or creates) the store; `:memory:` for tests. */
  constructor(readonly path: string) {
    const existed = path !== ':memory:' && existsSync(path);
    try {
      this.db = new Database(path, { fileMustExist: false });
      // Live drills' records hold their tokens (the solo drill's, every game-day participant's):
      // the file is the operator's alone. SQLite gives its -wal and -shm files the database's mode.
      if (path !== ':memory:') for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(schema);
      // Stores made before the facts were kept apart: add the column; their rows keep NULL.
      const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('drills') as Array<{ name: string }>;
      if (!columns.some((column) => column.name === 'facts_json')) this.db.exec('ALTER TABLE drills ADD COLUMN facts_json TEXT');
      // Drills scored before the rules carried a version were scored by version 1.
      if (!columns.some((column) => column.name === 'rules_version')) this.db.exec('ALTER TABLE drills ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 1');
      // Stores made before a finished drill's inputs were kept by its id.
      const liveColumns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('live_drills') as Array<{ name: string }>;
      if (!liveColumns.some((column) => column.name === 'finished_id')) this.db.exec('ALTER TABLE live_drills ADD COLUMN finished_id TEXT');
      this.db.exec('CREATE INDEX IF NOT EXISTS live_drills_finished ON live_drills (finished_id)');
      // Stores made before a session could end for want of its input log.
      const sessionColumns = this.db.prepare('SELECT name FROM pragma_table_info(?)').all('sessions') as Array<{ name: string }>;
      if (!sessionColumns.some((column) => column.name === 'ended_why')) this.db.exec('ALTER TABLE sessions ADD COLUMN ended_why TEXT');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError(
        existed
          ? `${path} is not a gameday database (${reason}); it was left untouched. Move it aside or start with another --data-dir.`
          : `cannot create the gameday database at ${path} (${reason})`,
      );
    }
  }

  save(drill: FinishedDrill): void {
    const insert = this.db.prepare(`INSERT INTO drills (id, trainee, team, scenario, difficulty, ranked, score, tta_ms, ttm_ms, ttr_ms, finished_at, duration_ms, score_json, impact_json, journal_json, facts_json, rules_version)
      VALUES (@id, @trainee, @team, @scenario, @difficulty, @ranked, @score, @tta, @ttm, @ttr, @finishedAt, @durationMs, @scoreJson, @impactJson, @journalJson, @factsJson, @rulesVersion)`);
    this.db.transaction(() =>
      insert.run({
        id: drill.id,
        trainee: drill.trainee,
        team: drill.team,
        scenario: drill.scenario,
        difficulty: drill.difficulty,
        ranked: drill.ranked ? 1 : 0,
        score: drill.score.total,
        tta: drill.score.ttaMs,
        ttm: drill.score.ttmMs,
        ttr: drill.score.ttrMs,
        finishedAt: drill.finishedAt,
        durationMs: drill.durationMs,
        scoreJson: JSON.stringify(drill.score),
        impactJson: JSON.stringify(drill.impact),
        journalJson: JSON.stringify(drill.journal),
        factsJson: JSON.stringify(drill.facts),
        rulesVersion: drill.score.rulesVersion ?? 1,
      }),
    )();
  }

  get(id: string): FinishedDrill | undefined {
    const row = this.db.prepare('SELECT * FROM drills WHERE id = ?').get(id) as DrillRow | undefined;
    if (!row) return undefined;
    return finishedDrillOf(row);
  }

  /**
   * Re-scores every drill scored by rules older than `version` with `rescore` (from its stored
   * facts), in one transaction, so the leaderboard ranks by one set of rules. Returns how many.
   */
  rescoreOlder(version: number, rescore: (drill: FinishedDrill) => DrillScore): number {
    const ids = (this.db.prepare('SELECT id FROM drills WHERE rules_version < ?').all(version) as Array<{ id: string }>).map((row) => row.id);
    const update = this.db.prepare('UPDATE drills SET score = @score, tta_ms = @tta, ttm_ms = @ttm, ttr_ms = @ttr, score_json = @scoreJson, rules_version = @rulesVersion WHERE id = @id');
    this.db.transaction(() => {
      for (const id of ids) {
        const drill = this.get(id)!;
        const score = rescore(drill);
        update.run({ id, score: score.total, tta: score.ttaMs, ttm: score.ttmMs, ttr: score.ttrMs, scoreJson: JSON.stringify(score), rulesVersion: score.rulesVersion });
      }
    })();
    return ids.length;
  }

  leaderboard(query: LeaderboardQuery): LeaderboardRow[] {
    const rows = this.db
      .prepare(
        `SELECT id, trainee, team, scenario, difficulty, score, ttr_ms, finished_at FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY lower(trainee) ORDER BY score DESC, COALESCE(ttr_ms, 9e15) ASC, finished_at ASC) AS best
           FROM drills
           WHERE ranked = 1 AND (@scenario IS NULL OR scenario = @scenario) AND (@difficulty IS NULL OR difficulty = @difficulty)
             AND (@finishedBefore IS NULL OR finished_at <= @finishedBefore)
         ) WHERE best = 1
         ORDER BY score DESC, COALESCE(ttr_ms, 9e15) ASC, finished_at ASC
         LIMIT @limit`,
      )
      .all({ scenario: query.scenario ?? null, difficulty: query.difficulty ?? null, limit: query.limit ?? 100, finishedBefore: query.finishedBefore ?? null }) as Array<LeaderboardDrillRow>;
    return leaderboardOf(rows);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM drills').get() as { n: number }).n;
  }

  recordAttendance(row: AttendanceRow): void {
    this.db.prepare('INSERT INTO attendance (session, title, team, name, role, joined_at) VALUES (@session, @title, @team, @name, @role, @joinedAt)').run(row);
  }

  attendance(session?: string): AttendanceRow[] {
    return this.db
      .prepare('SELECT session, title, team, name, role, joined_at AS joinedAt FROM attendance WHERE @session IS NULL OR session = @session ORDER BY seq')
      .all({ session: session ?? null }) as AttendanceRow[];
  }

  saveSession(record: SessionRecord): void {
    this.db
      .prepare(
        `INSERT INTO sessions (code, title, team, scenario, difficulty, seed, created_at, started_at, ended_at, drill_id, ended_why)
         VALUES (@code, @title, @team, @scenario, @difficulty, @seed, @createdAt, @startedAt, @endedAt, @drillId, @endedWhy)
         ON CONFLICT (code) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, drill_id = excluded.drill_id, ended_why = excluded.ended_why`,
      )
      .run({ ...record, endedWhy: record.endedWhy ?? null });
  }

  sessions(): SessionRecord[] {
    return this.db
      .prepare('SELECT code, title, team, scenario, difficulty, seed, created_at AS createdAt, started_at AS startedAt, ended_at AS endedAt, drill_id AS drillId, ended_why AS endedWhy FROM sessions ORDER BY created_at')
      .all() as SessionRecord[];
  }

  beginLive(record: LiveDrillRecord): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare("UPDATE live_drills SET ended_at = ?, ended_why = 'replaced' WHERE slot = ? AND ended_at IS NULL").run(now, record.slot);
      this.db
        .prepare('INSERT INTO live_drills (id, slot, options_json, extra_json, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(record.id, record.slot, JSON.stringify(record.options), JSON.stringify(record.extra), record.startedAt);
    })();
  }

  appendInput(drillId: string, seq: number, input: RecordedInput): void {
    this.appendStatement ??= this.db.prepare('INSERT INTO live_inputs (drill_id, seq, sim_ms, wall_ms, input_json, checkpoint_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.appendStatement.run(drillId, seq, input.simMs, input.wallMs, JSON.stringify(input.input), input.checkpoint ? JSON.stringify(input.checkpoint) : null);
  }

  endLive(drillId: string, why: string): void {
    this.db.prepare('UPDATE live_drills SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS NULL').run(new Date().toISOString(), why, drillId);
  }

  updateLiveExtra(drillId: string, extra: Record<string, unknown>): void {
    this.db.prepare('UPDATE live_drills SET extra_json = ? WHERE id = ?').run(JSON.stringify(extra), drillId);
  }

  liveDrills(): LiveDrillRecord[] {
    const rows = this.db.prepare('SELECT id, slot, options_json, extra_json, started_at FROM live_drills WHERE ended_at IS NULL ORDER BY started_at, rowid').all() as Array<{ id: string; slot: string; options_json: string; extra_json: string; started_at: string }>;
    return rows.map((row) => ({ id: row.id, slot: row.slot, options: JSON.parse(row.options_json) as Record<string, unknown>, extra: JSON.parse(row.extra_json) as Record<string, unknown>, startedAt: row.started_at }));
  }

  liveInputs(drillId: string): RecordedInput[] {
    const rows = this.db.prepare('SELECT sim_ms, wall_ms, input_json, checkpoint_json FROM live_inputs WHERE drill_id = ? ORDER BY seq').all(drillId) as Array<{ sim_ms: number; wall_ms: number; input_json: string; checkpoint_json: string | null }>;
    return rows.map((row) => ({
      simMs: row.sim_ms,
      wallMs: row.wall_ms,
      input: JSON.parse(row.input_json) as RecordedInput['input'],
      ...(row.checkpoint_json === null ? {} : { checkpoint: JSON.parse(row.checkpoint_json) as NonNullable<RecordedInput['checkpoint']> }),
    }));
  }

  linkFinished(liveId: string, finishedId: string): void {
    this.db.prepare('UPDATE live_drills SET finished_id = ? WHERE id = ?').run(finishedId, liveId);
  }

  finishedRun(finishedId: string): FinishedRun | undefined {
    const row = this.db.prepare('SELECT id, options_json FROM live_drills WHERE finished_id = ?').get(finishedId) as { id: string; options_json: string } | undefined;
    if (!row) return undefined;
    return { finishedId, liveId: row.id, options: JSON.parse(row.options_json) as Record<string, unknown>, inputs: this.liveInputs(row.id) };
  }

  bestRun(query: { scenario: string; difficulty: string; seed?: number | undefined }): FinishedDrill | undefined {
    const row = this.db
      .prepare(
        `SELECT d.id FROM drills d JOIN live_drills l ON l.finished_id = d.id
         WHERE d.ranked = 1 AND d.scenario = @scenario AND d.difficulty = @difficulty AND (@seed IS NULL OR json_extract(l.options_json, '$.seed') = @seed)
         ORDER BY d.score DESC, COALESCE(d.ttr_ms, 9e15) ASC, d.finished_at ASC LIMIT 1`,
      )
      .get({ scenario: query.scenario, difficulty: query.difficulty, seed: query.seed ?? null }) as { id: string } | undefined;
    return row ? this.get(row.id) : undefined;
  }

  // One process holds an SQLite file, so its own clock decides expiry: the leases keep the same
  // answers as PostgreSQL's for the contract, though nothing takes a slot over here.
  claimLease(slot: string, owner: string, address: string, ttlMs: number): boolean {
    const now = Date.now();
    const taken = this.db
      .prepare(
        `INSERT INTO leases (slot, owner, address, expires_at) VALUES (@slot, @owner, @address, @expiresAt)
         ON CONFLICT (slot) DO UPDATE SET owner = excluded.owner, address = excluded.address, expires_at = excluded.expires_at
         WHERE leases.expires_at <= @now OR leases.owner = excluded.owner`,
      )
      .run({ slot, owner, address, expiresAt: now + ttlMs, now });
    return taken.changes > 0;
  }

  renewLeases(owner: string, ttlMs: number): string[] {
    const rows = this.db.prepare('UPDATE leases SET expires_at = ? WHERE owner = ? RETURNING slot').all(Date.now() + ttlMs, owner) as Array<{ slot: string }>;
    return rows.map((row) => row.slot).sort();
  }

  releaseLease(slot: string, owner: string): void {
    this.db.prepare('DELETE FROM leases WHERE slot = ? AND owner = ?').run(slot, owner);
  }

  lease(slot: string): LeaseRecord | undefined {
    return this.db.prepare(`SELECT ${leaseColumns} FROM leases WHERE slot = ?`).get(slot) as LeaseRecord | undefined;
  }

  expiredLeases(): LeaseRecord[] {
    return this.db
      .prepare(`SELECT ${leaseColumns} FROM leases l WHERE expires_at <= ? AND EXISTS (SELECT 1 FROM live_drills d WHERE d.slot = l.slot AND d.ended_at IS NULL) ORDER BY expires_at, slot`)
      .all(Date.now()) as LeaseRecord[];
  }

  addRoute(tokenHash: string, slot: string): void {
    this.db.prepare('INSERT INTO routes (token_hash, slot) VALUES (?, ?) ON CONFLICT (token_hash) DO UPDATE SET slot = excluded.slot').run(tokenHash, slot);
  }

  routeOf(tokenHash: string): string | undefined {
    return (this.db.prepare('SELECT slot FROM routes WHERE token_hash = ?').get(tokenHash) as { slot: string } | undefined)?.slot;
  }

  leasesUnder(prefix: string): Array<LeaseRecord & { live: boolean }> {
    // substr, not LIKE: a prefix is taken as it is, with no wildcard in it.
    const rows = this.db.prepare(`SELECT ${leaseColumns}, expires_at > ? AS live FROM leases WHERE substr(slot, 1, ?) = ? ORDER BY slot`).all(Date.now(), prefix.length, prefix) as Array<LeaseRecord & { live: number }>;
    return rows.map((row) => ({ ...row, live: row.live === 1 }));
  }

  sharedValue(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM shared_values WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setSharedValue(key: string, value: string | null, keep = false): string | undefined {
    if (value === null) {
      this.db.prepare('DELETE FROM shared_values WHERE key = ?').run(key);
      return undefined;
    }
    this.db.prepare(`INSERT INTO shared_values (key, value) VALUES (?, ?) ON CONFLICT (key) DO ${keep ? 'NOTHING' : 'UPDATE SET value = excluded.value'}`).run(key, value);
    return this.sharedValue(key);
  }

  schedules(): ScheduleRecord[] {
    const rows = this.db.prepare('SELECT id, json, created_at FROM schedules ORDER BY created_at, id').all() as Array<{ id: string; json: string; created_at: string }>;
    return rows.map((row) => ({ id: row.id, schedule: JSON.parse(row.json) as Record<string, unknown>, createdAt: row.created_at }));
  }

  addSchedule(record: ScheduleRecord): boolean {
    return this.db.prepare('INSERT INTO schedules (id, json, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING').run(record.id, JSON.stringify(record.schedule), record.createdAt).changes === 1;
  }

  removeSchedule(id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM schedule_firings WHERE schedule_id = ?').run(id);
      return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes === 1;
    })();
  }

  claimFiring(firing: Pick<ScheduleFiring, 'scheduleId' | 'dueAt' | 'instance' | 'firedAt'>): boolean {
    // Only while the schedule is kept: an instance that has not yet seen its removal claims nothing.
    return (
      this.db
        .prepare('INSERT INTO schedule_firings (schedule_id, due_at, instance, fired_at) SELECT @scheduleId, @dueAt, @instance, @firedAt WHERE EXISTS (SELECT 1 FROM schedules WHERE id = @scheduleId) ON CONFLICT (schedule_id, due_at) DO NOTHING')
        .run({ scheduleId: firing.scheduleId, dueAt: firing.dueAt, instance: firing.instance, firedAt: firing.firedAt }).changes === 1
    );
  }

  settleFiring(scheduleId: string, dueAt: string, outcome: { session: string } | { error: string }): void {
    this.db.prepare('UPDATE schedule_firings SET session = ?, error = ? WHERE schedule_id = ? AND due_at = ?').run('session' in outcome ? outcome.session : null, 'error' in outcome ? outcome.error : null, scheduleId, dueAt);
  }

  lastFirings(): ScheduleFiring[] {
    return this.db
      .prepare(
        `SELECT schedule_id AS scheduleId, due_at AS dueAt, instance, fired_at AS firedAt, session, error FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY schedule_id ORDER BY due_at DESC) AS latest FROM schedule_firings
         ) WHERE latest = 1 ORDER BY schedule_id`,
      )
      .all() as ScheduleFiring[];
  }

  close(): void {
    this.db.close();
  }
}
