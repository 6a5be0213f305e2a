/**
 * Where finished drills are kept: their journal (the record everything else is derived from),
 * score and impact. One interface, so PostgreSQL can stand in for the embedded SQLite store.
 */
import type { JournalEntry } from '../journal/journal';
import type { DrillScore } from '../scoring/drill-scorer';
import type { RecordedInput } from '../drill/drill-inputs';

export interface FinishedDrill {
  id: string;
  trainee: string;
  team: string;
  scenario: string;
  difficulty: string;
  /** Practice drills are kept but not ranked. */
  ranked: boolean;
  score: DrillScore;
  finishedAt: string;
  /** Simulated ms from start to the resolution. */
  durationMs: number;
  /** What the incident cost, from the simulation: rollbacks, errors, slashed tokens… */
  impact: Record<string, number>;
  /** What the drill shows: the journal's ring at the finish, with every fact it had evicted put back in order. */
  journal: JournalEntry[];
  /**
   * What the score was made of: the journal's facts, kept whole (journal/fact-log.ts). A
   * re-score reads these. Drills stored before facts were kept have their journal here.
   */
  facts: JournalEntry[];
}

export interface LeaderboardQuery {
  scenario?: string | undefined;
  difficulty?: string | undefined;
  limit?: number | undefined;
  /** Only drills finished up to this instant (ISO 8601): a leaderboard frozen during a competition. */
  finishedBefore?: string | undefined;
}

/** One person joining a game-day session, for training records. */
export interface AttendanceRow {
  session: string;
  title: string;
  team: string;
  name: string;
  role: string;
  joinedAt: string;
}

/** A game-day session as kept after the fact: who was in it, when it ran, its drill. */
export interface SessionRecord {
  code: string;
  title: string;
  team: string;
  scenario: string;
  difficulty: string;
  seed: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Why it ended without the facilitator ending it: it could not be rebuilt after a restart. */
  endedWhy?: string | null | undefined;
  /** The finished drill's id, once scored. */
  drillId: string | null;
}

export interface LeaderboardRow {
  rank: number;
  trainee: string;
  team: string;
  scenario: string;
  difficulty: string;
  score: number;
  ttrMs: number | null;
  finishedAt: string;
  drillId: string;
}

/** A drill that is running (or was, when the process died): what rebuilds it with its inputs. */
export interface LiveDrillRecord {
  id: string;
  /** Whose drill it is: `solo:<port>` for a server's own drill, `session:<code>` for a game-day's. */
  slot: string;
  /** The drill's options (`liveOptions`): scenario, seed, clock, epoch, onset, trainee… */
  options: Record<string, unknown>;
  /** What the owner needs besides the drill: tokens, a session's join code and participants' tokens. */
  extra: Record<string, unknown>;
  startedAt: string;
}

/** A finished drill as it was played: the options and the inputs that rebuild it at any moment. */
export interface FinishedRun {
  finishedId: string;
  liveId: string;
  options: Record<string, unknown>;
  inputs: RecordedInput[];
}

/**
 * Who runs a live drill slot now, with several instances on one store: the owner renews it
 * before `expiresAt` (epoch ms, by the store's clock) or another instance takes the slot over.
 */
export interface LeaseRecord {
  slot: string;
  /** The instance holding it (`hostname:dataDir`). */
  owner: string;
  /** The base URL other instances reach the slot's server at (`http://host:port`). */
  address: string;
  expiresAt: number;
}

/** A game-day schedule as kept: the scheduler's own fields (checked by it, opaque here). */
export interface ScheduleRecord {
  id: string;
  schedule: Record<string, unknown>;
  createdAt: string;
}

/**
 * One occurrence of a schedule, claimed by the instance that opens its session: the claim is
 * the row, and its key (schedule, due moment) lets one instance in, whichever asks first.
 */
export interface ScheduleFiring {
  scheduleId: string;
  /** The moment the occurrence was due (ISO 8601): its cron time, plus the window's offset. */
  dueAt: string;
  /** The instance that claimed it. */
  instance: string;
  firedAt: string;
  /** The session it opened, once open. */
  session: string | null;
  /** Why no session opened, when it could not. */
  error: string | null;
}

export interface DrillStore {
  /** Saves a finished drill in one transaction: all of it, or nothing. */
  save(drill: FinishedDrill): void;
  get(id: string): FinishedDrill | undefined;
  /** Each trainee's best ranked drill, best first; ties broken by time to resolve, then by who finished first. */
  leaderboard(query: LeaderboardQuery): LeaderboardRow[];
  count(): number;
  /** Re-scores the drills scored by rules older than `version`; returns how many. */
  rescoreOlder(version: number, rescore: (drill: FinishedDrill) => DrillScore): number;
  recordAttendance(row: AttendanceRow): void;
  /** Attendance in order of joining; one session's, or all. */
  attendance(session?: string): AttendanceRow[];
  /** Inserts or updates a session's record. */
  saveSession(record: SessionRecord): void;
  sessions(): SessionRecord[];
  /** Records a live drill (replacing one in the same slot, which is then ended). */
  beginLive(record: LiveDrillRecord): void;
  /** Appends a live drill's input, synchronously: it is on disk when this returns (WAL). */
  appendInput(drillId: string, seq: number, input: RecordedInput): void;
  /** The drill is no longer live: finished, replaced, or not rebuilt (`why`). */
  endLive(drillId: string, why: string): void;
  /** Updates what the owner keeps besides the drill (a participant joined: their token). */
  updateLiveExtra(drillId: string, extra: Record<string, unknown>): void;
  /** The drills still live, oldest first. */
  liveDrills(): LiveDrillRecord[];
  /** A live drill's inputs in order. */
  liveInputs(drillId: string): RecordedInput[];
  /** A live drill finished as the stored drill `finishedId`: its inputs stay, readable by that id. */
  linkFinished(liveId: string, finishedId: string): void;
  /** A finished drill's options and inputs, when its inputs were recorded (drills finished before they were are not). */
  finishedRun(finishedId: string): FinishedRun | undefined;
  /**
   * The best finished ranked drill (score, then time to resolve, then who finished first) of a
   * scenario and difficulty whose inputs were kept, on `seed` when given: the ghost to race.
   */
  bestRun(query: { scenario: string; difficulty: string; seed?: number | undefined }): FinishedDrill | undefined;
  /**
   * Takes (or keeps) the lease of `slot` for `owner` for `ttlMs` when it is free, expired or
   * already `owner`'s, in one atomic step; true if `owner` holds it now. The address is updated.
   */
  claimLease(slot: string, owner: string, address: string, ttlMs: number): boolean;
  /** Extends every lease `owner` holds by `ttlMs` from now; returns the slots it still holds. */
  renewLeases(owner: string, ttlMs: number): string[];
  /** Gives up `slot` when `owner` holds it (another's lease is left alone). */
  releaseLease(slot: string, owner: string): void;
  lease(slot: string): LeaseRecord | undefined;
  /** The leases past their expiry whose slot still has a live drill: a dead owner's, to take over. */
  expiredLeases(): LeaseRecord[];
  /** Routes a token (its sha256, hex) to the slot it acts in; a token routed again is moved. */
  addRoute(tokenHash: string, slot: string): void;
  routeOf(tokenHash: string): string | undefined;
  /**
   * The leases whose slot starts with `prefix` (`instance:`, `session:`), by slot, each with
   * whether it is live now by the store's clock (an instance's own clock never decides expiry).
   */
  leasesUnder(prefix: string): Array<LeaseRecord & { live: boolean }>;
  /** A small value every instance on the store reads (the leaderboard freeze): undefined when unset. */
  sharedValue(key: string): string | undefined;
  /**
   * Sets `key` to `value` in one atomic step, or, with `keep`, only when it has no value yet
   * (the first of two instances setting it at once wins); null removes it. Returns the value it holds now.
   */
  setSharedValue(key: string, value: string | null, keep?: boolean): string | undefined;
  /** The schedules, oldest first. */
  schedules(): ScheduleRecord[];
  /** Adds a schedule; false (and nothing written) when one with its id exists. */
  addSchedule(record: ScheduleRecord): boolean;
  /** Removes a schedule and its firings; false when there was none. */
  removeSchedule(id: string): boolean;
  /**
   * Claims one occurrence of a schedule for `firing.instance`: true for the one claim that
   * wrote the row, false for every other (another instance has it, or the schedule is gone).
   */
  claimFiring(firing: Pick<ScheduleFiring, 'scheduleId' | 'dueAt' | 'instance' | 'firedAt'>): boolean;
  /** What became of a claimed occurrence: the session it opened, or why none did. */
  settleFiring(scheduleId: string, dueAt: string, outcome: { session: string } | { error: string }): void;
  /** Each schedule's latest firing. */
  lastFirings(): ScheduleFiring[];
  close(): void;
}

/** A damaged or foreign data file: a clear error, and the file is left as it is. */
export class StoreError extends Error {}
