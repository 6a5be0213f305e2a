/**
 * The shared store: PostgreSQL (`gameday serve --store postgres://…`), so several `gameday serve`
 * instances keep one set of finished drills, leaderboards, attendance, sessions and live drills'
 * inputs. The same tables as the SQLite store, created or brought up to date on connect under
 * an advisory lock (two instances starting at once migrate once). Every value goes as a
 * parameter. Calls block until PostgreSQL answers (blocking-postgres.ts): an input is committed
 * before the request that made it is answered, as with SQLite.
 */
import { finishedDrillOf, leaderboardOf, type DrillRow, type LeaderboardDrillRow } from './drill-row';
import type { DrillScore } from '../scoring/drill-scorer';
import type { RecordedInput } from '../drill/drill-inputs';
import { BlockingPostgres, type Statement } from './blocking-postgres';
import { StoreError, type AttendanceRow, type DrillStore, type FinishedDrill, type FinishedRun, type LeaderboardQuery, type LeaderboardRow, type LeaseRecord, type LiveDrillRecord, type ScheduleFiring, type ScheduleRecord, type SessionRecord } from './drill-store';


/** Any number, the same in every gameday store: the lock two instances take to migrate one at a time. */
const migrationLock = 4_711_017;

/**
 * Each step brings the schema from its index to the next; `gameday_schema` records how many
 * ran. Timestamps are ISO 8601 text compared byte-wise (COLLATE "C"), as SQLite compares them.
 */
const migrations: string[][] = [
  [
    `CREATE TABLE drills (
      id TEXT PRIMARY KEY,
      trainee TEXT NOT NULL,
      team TEXT NOT NULL,
      scenario TEXT NOT NULL,
      difficulty TEXT NOT NULL,
      ranked BOOLEAN NOT NULL,
      score DOUBLE PRECISION NOT NULL,
      tta_ms BIGINT,
      ttm_ms BIGINT,
      ttr_ms BIGINT,
      finished_at TEXT COLLATE "C" NOT NULL,
      duration_ms BIGINT NOT NULL,
      score_json TEXT NOT NULL,
      impact_json TEXT NOT NULL,
      journal_json TEXT NOT NULL,
      facts_json TEXT,
      rules_version INTEGER NOT NULL DEFAULT 1
    )`,
    'CREATE INDEX drills_board ON drills (ranked, scenario, difficulty, score DESC)',
    `CREATE TABLE attendance (
      seq BIGSERIAL PRIMARY KEY,
      session TEXT NOT NULL,
      title TEXT NOT NULL,
      team TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      joined_at TEXT COLLATE "C" NOT NULL
    )`,
    'CREATE INDEX attendance_session ON attendance (session, seq)',
    `CREATE TABLE sessions (
      code TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      team TEXT NOT NULL,
      scenario TEXT NOT NULL,
      difficulty TEXT NOT NULL,
      seed BIGINT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL,
      started_at TEXT COLLATE "C",
      ended_at TEXT COLLATE "C",
      drill_id TEXT,
      ended_why TEXT
    )`,
    `CREATE TABLE live_drills (
      seq BIGSERIAL UNIQUE,
      id TEXT PRIMARY KEY,
      slot TEXT NOT NULL,
      options_json TEXT NOT NULL,
      extra_json TEXT NOT NULL,
      started_at TEXT COLLATE "C" NOT NULL,
      ended_at TEXT COLLATE "C",
      ended_why TEXT
    )`,
    'CREATE INDEX live_drills_open ON live_drills (slot) WHERE ended_at IS NULL',
    `CREATE TABLE live_inputs (
      drill_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      sim_ms BIGINT NOT NULL,
      wall_ms BIGINT NOT NULL,
      input_json TEXT NOT NULL,
      checkpoint_json TEXT,
      PRIMARY KEY (drill_id, seq)
    )`,
  ],
  // A finished drill's inputs kept by its id: rewind, branch and the ghost replay them.
  ['ALTER TABLE live_drills ADD COLUMN finished_id TEXT', 'CREATE INDEX live_drills_finished ON live_drills (finished_id)'],
  // Several instances on one store: who runs each live slot, and which slot a token acts in.
  [
    `CREATE TABLE leases (
      slot TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      address TEXT NOT NULL,
      expires_at BIGINT NOT NULL
    )`,
    'CREATE INDEX leases_owner ON leases (owner)',
    `CREATE TABLE routes (
      token_hash TEXT PRIMARY KEY,
      slot TEXT NOT NULL
    )`,
  ],
  // Schedules kept for every instance, and each occurrence claimed by the one that opens it.
  [
    `CREATE TABLE schedules (
      id TEXT PRIMARY KEY,
      json TEXT NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL
    )`,
    `CREATE TABLE schedule_firings (
      schedule_id TEXT NOT NULL,
      due_at TEXT COLLATE "C" NOT NULL,
      instance TEXT NOT NULL,
      fired_at TEXT COLLATE "C" NOT NULL,
      session TEXT,
      error TEXT,
      PRIMARY KEY (schedule_id, due_at)
    )`,
  ],
  // Small values the fleet shares: the leaderboard freeze, so every instance freezes and thaws together.
  [
    `CREATE TABLE shared_values (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )`,
  ],
];

/**
 * PostgreSQL's own clock in epoch ms: expiry is decided by the one clock every instance shares,
 * never by an instance's (clock_timestamp, not now(): the moment of the statement, not of its transaction).
 */
const nowMs = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
const leaseColumns = 'slot, owner, address, expires_at AS "expiresAt"';

export class PostgresDrillStore implements DrillStore {
  private readonly db: BlockingPostgres;

  /** Connects to `url` (postgres://user@host:port/db) and creates or migrates the schema. */
  constructor(readonly url: string) {
    this.db = new BlockingPostgres(url);
    try {
      this.migrate();
    } catch (error) {
      this.db.close();
      throw new StoreError(`cannot use the PostgreSQL store: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The schema's version (how many migrations ran). */
  schemaVersion(): number {
    return this.db.query<{ version: number }>('SELECT version FROM gameday_schema')[0]?.version ?? 0;
  }

  private migrate(): void {
    // The lock is the connection's: an instance starting beside another waits, then finds the work done.
    this.db.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    try {
      this.db.transaction([
        { text: 'CREATE TABLE IF NOT EXISTS gameday_schema (version INTEGER NOT NULL)' },
        { text: 'INSERT INTO gameday_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM gameday_schema)' },
      ]);
      const from = this.schemaVersion();
      if (from > migrations.length) throw new StoreError(`its schema is version ${from}, newer than this gameday knows (${migrations.length}); upgrade gameday`);
      if (from === migrations.length) return;
      this.db.transaction([...migrations.slice(from).flat().map((text) => ({ text })), { text: 'UPDATE gameday_schema SET version = $1', values: [migrations.length] }]);
    } finally {
      this.db.query('SELECT pg_advisory_unlock($1)', [migrationLock]);
    }
  }

  save(drill: FinishedDrill): void {
    this.db.transaction([
      {
        text: `INSERT INTO drills (id, trainee, team, scenario, difficulty, ranked, score, tta_ms, ttm_ms, ttr_ms, finished_at, duration_ms, score_json, impact_json, journal_json, facts_json, rules_version)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        values: [
          drill.id,
          drill.trainee,
          drill.team,
          drill.scenario,
          drill.difficulty,
          drill.ranked,
          drill.score.total,
          drill.score.ttaMs,
          drill.score.ttmMs,
          drill.score.ttrMs,
          drill.finishedAt,
          drill.durationMs,
          JSON.stringify(drill.score),
          JSON.stringify(drill.impact),
          JSON.stringify(drill.journal),
          JSON.stringify(drill.facts),
          drill.score.rulesVersion ?? 1,
        ],
      },
    ]);
  }

  get(id: string): FinishedDrill | undefined {
    const row = this.db.query<DrillRow>('SELECT * FROM drills WHERE id = $1', [id])[0];
    if (!row) return undefined;
    return finishedDrillOf(row);
  }

  /**
   * Re-scores (in this process: `rescore` is code) every drill scored by rules older than
   * `version`, then writes all the new scores in one transaction that only touches rows still
   * older, so two instances starting together write each drill once.
   */
  rescoreOlder(version: number, rescore: (drill: FinishedDrill) => DrillScore): number {
    const ids = this.db.query<{ id: string }>('SELECT id FROM drills WHERE rules_version < $1 ORDER BY id', [version]).map((row) => row.id);
    if (ids.length === 0) return 0;
    const updates = ids.map((id): Statement => {
      const score = rescore(this.get(id)!);
      return {
        text: 'UPDATE drills SET score = $2, tta_ms = $3, ttm_ms = $4, ttr_ms = $5, score_json = $6, rules_version = $7 WHERE id = $1 AND rules_version < $7',
        values: [id, score.total, score.ttaMs, score.ttmMs, score.ttrMs, JSON.stringify(score), score.rulesVersion],
      };
    });
    this.db.transaction(updates);
    return ids.length;
  }

  leaderboard(query: LeaderboardQuery): LeaderboardRow[] {
    const rows = this.db.query<LeaderboardDrillRow>(
      `SELECT id, trainee, team, scenario, difficulty, score, ttr_ms, finished_at FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY lower(trainee) ORDER BY score DESC, COALESCE(ttr_ms, 9e15) ASC, finished_at ASC) AS best
         FROM drills
         WHERE ranked AND ($1::text IS NULL OR scenario = $1) AND ($2::text IS NULL OR difficulty = $2)
           AND ($3::text IS NULL OR finished_at <= $3)
       ) AS ranked_drills WHERE best = 1
       ORDER BY score DESC, COALESCE(ttr_ms, 9e15) ASC, finished_at ASC
       LIMIT $4`,
      [query.scenario ?? null, query.difficulty ?? null, query.finishedBefore ?? null, query.limit ?? 100],
    );
    return leaderboardOf(rows);
  }

  count(): number {
    return this.db.query<{ n: number }>('SELECT count(*) AS n FROM drills')[0]!.n;
  }

  recordAttendance(row: AttendanceRow): void {
    this.db.query('INSERT INTO attendance (session, title, team, name, role, joined_at) VALUES ($1, $2, $3, $4, $5, $6)', [row.session, row.title, row.team, row.name, row.role, row.joinedAt]);
  }

  attendance(session?: string): AttendanceRow[] {
    return this.db.query<AttendanceRow>('SELECT session, title, team, name, role, joined_at AS "joinedAt" FROM attendance WHERE $1::text IS NULL OR session = $1 ORDER BY seq', [session ?? null]);
  }

  saveSession(record: SessionRecord): void {
    this.db.query(
      `INSERT INTO sessions (code, title, team, scenario, difficulty, seed, created_at, started_at, ended_at, drill_id, ended_why)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (code) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, drill_id = excluded.drill_id, ended_why = excluded.ended_why`,
      [record.code, record.title, record.team, record.scenario, record.difficulty, record.seed, record.createdAt, record.startedAt, record.endedAt, record.drillId, record.endedWhy ?? null],
    );
  }

  sessions(): SessionRecord[] {
    return this.db.query<SessionRecord>(
      'SELECT code, title, team, scenario, difficulty, seed, created_at AS "createdAt", started_at AS "startedAt", ended_at AS "endedAt", drill_id AS "drillId", ended_why AS "endedWhy" FROM sessions ORDER BY created_at, code',
    );
  }

  beginLive(record: LiveDrillRecord): void {
    this.db.transaction([
      { text: "UPDATE live_drills SET ended_at = $1, ended_why = 'replaced' WHERE slot = $2 AND ended_at IS NULL", values: [new Date().toISOString(), record.slot] },
      {
        text: 'INSERT INTO live_drills (id, slot, options_json, extra_json, started_at) VALUES ($1, $2, $3, $4, $5)',
        values: [record.id, record.slot, JSON.stringify(record.options), JSON.stringify(record.extra), record.startedAt],
      },
    ]);
  }

  appendInput(drillId: string, seq: number, input: RecordedInput): void {
    this.db.query('INSERT INTO live_inputs (drill_id, seq, sim_ms, wall_ms, input_json, checkpoint_json) VALUES ($1, $2, $3, $4, $5, $6)', [
      drillId,
      seq,
      input.simMs,
      input.wallMs,
      JSON.stringify(input.input),
      input.checkpoint ? JSON.stringify(input.checkpoint) : null,
    ]);
  }

  endLive(drillId: string, why: string): void {
    this.db.query('UPDATE live_drills SET ended_at = $1, ended_why = $2 WHERE id = $3 AND ended_at IS NULL', [new Date().toISOString(), why, drillId]);
  }

  updateLiveExtra(drillId: string, extra: Record<string, unknown>): void {
    this.db.query('UPDATE live_drills SET extra_json = $1 WHERE id = $2', [JSON.stringify(extra), drillId]);
  }

  liveDrills(): LiveDrillRecord[] {
    const rows = this.db.query<{ id: string; slot: string; options_json: string; extra_json: string; started_at: string }>(
      'SELECT id, slot, options_json, extra_json, started_at FROM live_drills WHERE ended_at IS NULL ORDER BY started_at, seq',
    );
    return rows.map((row) => ({ id: row.id, slot: row.slot, options: JSON.parse(row.options_json) as Record<string, unknown>, extra: JSON.parse(row.extra_json) as Record<string, unknown>, startedAt: row.started_at }));
  }

  liveInputs(drillId: string): RecordedInput[] {
    const rows = this.db.query<{ sim_ms: number; wall_ms: number; input_json: string; checkpoint_json: string | null }>(
      'SELECT sim_ms, wall_ms, input_json, checkpoint_json FROM live_inputs WHERE drill_id = $1 ORDER BY seq',
      [drillId],
    );
    return rows.map((row) => ({
      simMs: row.sim_ms,
      wallMs: row.wall_ms,
      input: JSON.parse(row.input_json) as RecordedInput['input'],
      ...(row.checkpoint_json === null ? {} : { checkpoint: JSON.parse(row.checkpoint_json) as NonNullable<RecordedInput['checkpoint']> }),
    }));
  }

  linkFinished(liveId: string, finishedId: string): void {
    this.db.query('UPDATE live_drills SET finished_id = $1 WHERE id = $2', [finishedId, liveId]);
  }

  finishedRun(finishedId: string): FinishedRun | undefined {
    const row = this.db.query<{ id: string; options_json: string }>('SELECT id, options_json FROM live_drills WHERE finished_id = $1 ORDER BY seq LIMIT 1', [finishedId])[0];
    if (!row) return undefined;
    return { finishedId, liveId: row.id, options: JSON.parse(row.options_json) as Record<string, unknown>, inputs: this.liveInputs(row.id) };
  }

  bestRun(query: { scenario: string; difficulty: string; seed?: number | undefined }): FinishedDrill | undefined {
    // The seed is compared as JSON text's number: options_json is text, as in SQLite.
    const row = this.db.query<{ id: string }>(
      `SELECT d.id FROM drills d JOIN live_drills l ON l.finished_id = d.id
       WHERE d.ranked AND d.scenario = $1 AND d.difficulty = $2 AND ($3::bigint IS NULL OR (l.options_json::jsonb ->> 'seed')::numeric = $3::bigint)
       ORDER BY d.score DESC, COALESCE(d.ttr_ms, 9e15) ASC, d.finished_at ASC LIMIT 1`,
      [query.scenario, query.difficulty, query.seed ?? null],
    )[0];
    return row ? this.get(row.id) : undefined;
  }

  /**
   * One statement, so two instances claiming at once cannot both win: the row's lock orders
   * them, and the second finds the lease held and unexpired (no row returned).
   */
  claimLease(slot: string, owner: string, address: string, ttlMs: number): boolean {
    const rows = this.db.query<{ slot: string }>(
      `INSERT INTO leases (slot, owner, address, expires_at) VALUES ($1, $2, $3, ${nowMs} + $4)
       ON CONFLICT (slot) DO UPDATE SET owner = excluded.owner, address = excluded.address, expires_at = excluded.expires_at
       WHERE leases.expires_at <= ${nowMs} OR leases.owner = excluded.owner
       RETURNING slot`,
      [slot, owner, address, ttlMs],
    );
    return rows.length > 0;
  }

  /**
   * An owner late to renew (a stalled process) keeps a lease nobody took yet: renewing and
   * taking over are each one statement on the row, so only one of them wins it.
   */
  renewLeases(owner: string, ttlMs: number): string[] {
    return this.db.query<{ slot: string }>(`UPDATE leases SET expires_at = ${nowMs} + $2 WHERE owner = $1 RETURNING slot`, [owner, ttlMs]).map((row) => row.slot).sort();
  }

  releaseLease(slot: string, owner: string): void {
    this.db.query('DELETE FROM leases WHERE slot = $1 AND owner = $2', [slot, owner]);
  }

  lease(slot: string): LeaseRecord | undefined {
    return this.db.query<LeaseRecord>(`SELECT ${leaseColumns} FROM leases WHERE slot = $1`, [slot])[0];
  }

  expiredLeases(): LeaseRecord[] {
    return this.db.query<LeaseRecord>(
      `SELECT ${leaseColumns} FROM leases l
       WHERE expires_at <= ${nowMs} AND EXISTS (SELECT 1 FROM live_drills d WHERE d.slot = l.slot AND d.ended_at IS NULL)
       ORDER BY expires_at, slot`,
    );
  }

  addRoute(tokenHash: string, slot: string): void {
    this.db.query('INSERT INTO routes (token_hash, slot) VALUES ($1, $2) ON CONFLICT (token_hash) DO UPDATE SET slot = excluded.slot', [tokenHash, slot]);
  }

  routeOf(tokenHash: string): string | undefined {
    return this.db.query<{ slot: string }>('SELECT slot FROM routes WHERE token_hash = $1', [tokenHash])[0]?.slot;
  }

  leasesUnder(prefix: string): Array<LeaseRecord & { live: boolean }> {
    // starts_with, not LIKE: a prefix is taken as it is, with no wildcard in it.
    return this.db.query<LeaseRecord & { live: boolean }>(`SELECT ${leaseColumns}, expires_at > ${nowMs} AS live FROM leases WHERE starts_with(slot, $1) ORDER BY slot`, [prefix]);
  }

  sharedValue(key: string): string | undefined {
    return this.db.query<{ value: string }>('SELECT value FROM shared_values WHERE key = $1', [key])[0]?.value;
  }

  setSharedValue(key: string, value: string | null, keep = false): string | undefined {
    if (value === null) {
      this.db.query('DELETE FROM shared_values WHERE key = $1', [key]);
      return undefined;
    }
    // One statement: of two instances keeping a first value at once, the row's lock lets one write it.
    const written = this.db.query<{ value: string }>(
      `INSERT INTO shared_values (key, value) VALUES ($1, $2) ON CONFLICT (key) DO ${keep ? 'NOTHING' : 'UPDATE SET value = excluded.value'} RETURNING value`,
      [key, value],
    )[0];
    return written?.value ?? this.sharedValue(key);
  }

  schedules(): ScheduleRecord[] {
    const rows = this.db.query<{ id: string; json: string; created_at: string }>('SELECT id, json, created_at FROM schedules ORDER BY created_at, id');
    return rows.map((row) => ({ id: row.id, schedule: JSON.parse(row.json) as Record<string, unknown>, createdAt: row.created_at }));
  }

  addSchedule(record: ScheduleRecord): boolean {
    return this.db.query('INSERT INTO schedules (id, json, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id', [record.id, JSON.stringify(record.schedule), record.createdAt]).length === 1;
  }

  removeSchedule(id: string): boolean {
    const [, removed] = this.db.transaction([
      { text: 'DELETE FROM schedule_firings WHERE schedule_id = $1', values: [id] },
      { text: 'DELETE FROM schedules WHERE id = $1 RETURNING id', values: [id] },
    ]);
    return removed!.length === 1;
  }

  /**
   * The claim is one INSERT: PostgreSQL lets exactly one of concurrent inserts of a key write
   * it (the others wait for it to commit, then do nothing), so one instance wins an occurrence.
   */
  claimFiring(firing: Pick<ScheduleFiring, 'scheduleId' | 'dueAt' | 'instance' | 'firedAt'>): boolean {
    return (
      this.db.query(
        `INSERT INTO schedule_firings (schedule_id, due_at, instance, fired_at)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM schedules WHERE id = $1)
         ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING schedule_id`,
        [firing.scheduleId, firing.dueAt, firing.instance, firing.firedAt],
      ).length === 1
    );
  }

  settleFiring(scheduleId: string, dueAt: string, outcome: { session: string } | { error: string }): void {
    this.db.query('UPDATE schedule_firings SET session = $1, error = $2 WHERE schedule_id = $3 AND due_at = $4', ['session' in outcome ? outcome.session : null, 'error' in outcome ? outcome.error : null, scheduleId, dueAt]);
  }

  lastFirings(): ScheduleFiring[] {
    return this.db.query<ScheduleFiring>(
      `SELECT DISTINCT ON (schedule_id) schedule_id AS "scheduleId", due_at AS "dueAt", instance, fired_at AS "firedAt", session, error
       FROM schedule_firings ORDER BY schedule_id, due_at DESC`,
    );
  }

  close(): void {
    this.db.close();
  }
}
