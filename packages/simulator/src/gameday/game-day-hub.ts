/**
 * The game-day hub: the front the facilitator's routes talk to, over the parts that hold a
 * game-day server's state. Every session is an isolated drill with its own world, admin token,
 * server and port (the runbook's fixed `localhost:9090` reaches it through the session folder's
 * `.curlrc`); participants talk only to their session's own server.
 *
 * - `SessionRegistry` (session-registry.ts): the sessions by join code, new ones, joins and tokens;
 * - `SessionHost` (session-host.ts): each session's own server (through `startDrillServer()`),
 *   its input log, and the rebuild of live sessions after a restart;
 * - `SessionReports` (session-reports.ts): summaries, team results and standings;
 * - `LeaderboardFreeze` (leaderboard-freeze.ts): a competition's frozen leaderboards;
 * - the schedules that open sessions (game-day-scheduler.ts: kept in the store, each occurrence
 *   fired by one instance) and the announcements, here.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClockMode } from '../clock/sim-clock';
import type { DrillStore } from '../storage/drill-store';
import type { AlertNotice } from '../world/alert-webhook';
import { GameDayScheduler, systemClock, type SchedulerClock } from './game-day-scheduler';
import type { Schedule } from './game-day-schedule';
import { FleetSessions, sessionFromRow, type FleetSessionSummary, type InstanceAnswer } from './fleet-sessions';
import type { GameDaySession } from './game-day-session';
import { LeaderboardFreeze } from './leaderboard-freeze';
import type { LeaseKeeper } from './lease-keeper';
import { SessionHost, type SessionServerFactory } from './session-host';
import { SessionRegistry, type Admission, type CreateSessionInput } from './session-registry';
import { SessionReports, type SessionSummary, type TeamStanding } from './session-reports';
import type { Role } from './session-roles';
import { announce, type AnnounceResult } from './slack-announcer';
import type { TeamResult } from './team-results';

export { maxSessions, type CreateSessionInput } from './session-registry';
export type { SessionServerFactory } from './session-host';
export type { SessionSummary, TeamStanding } from './session-reports';
export type { FleetSessionSummary, InstanceAnswer } from './fleet-sessions';

export interface HubOptions {
  dataDir: string;
  host: string;
  store: DrillStore;
  facilitatorToken: string;
  /** realtime for game-days; virtual in tests. */
  clock: ClockMode;
  /** The address people reach the main server at (join links). */
  publicUrl: () => string;
  /** The host name people's browsers reach this machine by (session links); the listening host when not given. */
  publicHost?: string | undefined;
  startServer: SessionServerFactory;
  /** Ports for session servers; OS-assigned when not given. */
  ports?: { from: number; to: number } | undefined;
  announceWebhook?: string | undefined;
  schedulerClock?: SchedulerClock | undefined;
  /**
   * A schedules file from before schedules lived in the store, imported once at start and
   * renamed `.imported`: `<dataDir>/schedules.json` when not given, null for none.
   */
  schedulesFile?: string | null | undefined;
  onAlert?: ((notice: AlertNotice) => void) | undefined;
  /** Reports what went wrong away from any request (a schedule that could not open, a webhook that failed). */
  log?: ((message: string) => void) | undefined;
  /** Which instance this is, with a store shared by several (`SessionHostOptions.instance`). */
  instance?: string | undefined;
  /** In a fleet: the public main address participants' settings and links point at (`SessionHostOptions.fleetUrl`). */
  fleetUrl?: (() => string) | undefined;
  /** With a shared store: the leases of the slots this instance runs (`SessionHostOptions.leases`). */
  leases?: LeaseKeeper | undefined;
  /**
   * With a store shared by a fleet: the leaderboard freeze is the fleet's, kept in the store
   * (leaderboard-freeze.ts), and the sessions list is every instance's (fleet-sessions.ts).
   */
  fleet?: boolean | undefined;
}

export class GameDayHub {
  readonly registry: SessionRegistry;
  readonly host: SessionHost;
  readonly reports: SessionReports;
  readonly freeze: LeaderboardFreeze;
  /** In a fleet: every instance's sessions. */
  private readonly fleet: FleetSessions | undefined;
  readonly scheduler: GameDayScheduler;
  private readonly announcements = new Map<string, AnnounceResult>();

  constructor(private readonly options: HubOptions) {
    this.registry = new SessionRegistry(options);
    this.host = new SessionHost(options, this.registry);
    this.reports = new SessionReports(options.store, this.registry);
    this.freeze = new LeaderboardFreeze(options.fleet ? { store: options.store } : {});
    this.fleet = options.fleet
      ? new FleetSessions({ store: options.store, owner: options.instance ?? `${hostname()}:${resolve(options.dataDir)}`, facilitatorToken: options.facilitatorToken, joinUrl: (code) => this.joinUrl(code) })
      : undefined;
    const file = options.schedulesFile === undefined ? join(options.dataDir, 'schedules.json') : options.schedulesFile;
    this.scheduler = new GameDayScheduler({
      store: options.store,
      // Alone on its store, an instance still signs its firings: by machine and data folder, as a shared store's instances are told apart.
      instance: options.instance ?? `${hostname()}:${resolve(options.dataDir)}`,
      importFile: file,
      clock: options.schedulerClock ?? systemClock,
      onDue: (schedule, at) => this.openScheduled(schedule, at),
      onError: (schedule, error) => options.log?.(`schedule ${schedule.id} could not open a session: ${error instanceof Error ? error.message : String(error)}`),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  /** While set, leaderboards show only drills finished up to this instant (to all but the facilitator). */
  get frozenAt(): string | null {
    return this.freeze.frozenAt;
  }

  set frozenAt(at: string | null) {
    this.freeze.frozenAt = at;
  }

  start(): void {
    this.scheduler.start();
  }

  get(code: string): GameDaySession {
    return this.registry.get(code);
  }

  list(): GameDaySession[] {
    return this.registry.list();
  }

  joinUrl(code: string): string {
    return this.registry.joinUrl(code);
  }

  async createSession(input: CreateSessionInput): Promise<GameDaySession> {
    const session = this.registry.create(input);
    await this.host.open(session);
    if (input.announce) await this.announce(session, [`${session.settings.team}: a game-day is open (${session.settings.difficulty}).`]);
    return session;
  }

  /** Rebuilds every session a crash or a restart left live (see `SessionHost.restore`); a line per session. */
  restore(): Promise<string[]> {
    return this.host.restore();
  }

  join(code: string, name: string, role: Role): Admission {
    const admission = this.registry.join(code, name, role);
    this.host.joined(code, admission.token);
    return admission;
  }

  rejoin(code: string, token: string): Admission {
    return this.registry.rejoin(code, token);
  }

  /** Sends a session's participants the current view now (after a control or a join). */
  push(code: string): void {
    this.host.push(code);
  }

  /** Live views connected across all sessions. */
  viewers(): number {
    return this.host.viewers();
  }

  async announce(session: GameDaySession, lines: string[], webhook = this.options.announceWebhook): Promise<AnnounceResult | null> {
    if (!webhook) return null;
    const result = await announce(webhook, { title: session.settings.title, lines, code: session.code, joinUrl: this.joinUrl(session.code) });
    this.announcements.set(session.code, result);
    session.drill.record({ source: 'sim', action: result.ok ? 'announcement.sent' : 'announcement.failed', outcome: 'info', actor: 'facilitator', detail: { session: session.code, ...(result.ok ? { status: result.status } : { error: result.error }) } });
    if (!result.ok) this.options.log?.(`announcement for ${session.code} failed: ${result.error}`);
    return result;
  }

  /** Opens a schedule's session (this instance won its occurrence); returns its join code. */
  private async openScheduled(schedule: Schedule, at: Date): Promise<string> {
    const session = await this.createSession({ title: schedule.name, team: schedule.team, scenario: schedule.scenario, difficulty: schedule.difficulty, speed: schedule.speed });
    session.drill.record({ source: 'sim', action: 'schedule.opened', outcome: 'info', actor: 'scheduler', detail: { schedule: schedule.id, cron: schedule.cron, at: at.toISOString() } });
    // A surprise inside a window starts at once: the page is the surprise. Others wait for the facilitator.
    if (schedule.windowMinutes > 0) session.start();
    const lines = schedule.windowMinutes > 0 ? [`Surprise! ${schedule.team}: an incident drill has started. Join now.`] : [`${schedule.team}: the scheduled game-day is open (${schedule.difficulty}). Join, pick your role, and wait for the facilitator to start.`];
    await this.announce(session, lines, schedule.webhook ?? this.options.announceWebhook);
    return session.code;
  }

  /** Ends a session: its drill is scored as it stands, stored, and counted in the readiness metrics. */
  end(code: string): GameDaySession {
    const session = this.get(code);
    session.end(this.host.readiness(session.code));
    this.host.endLog(session.code, 'ended');
    // Its lease stays until it is closed: its server still shows the team their results. An
    // ended drill is not live, so no instance takes it over should this one die.
    return session;
  }

  /** Ends the session if needed and stops its server; its records stay in the store. */
  async close(code: string): Promise<void> {
    const session = this.get(code);
    if (session.endedAt === null) this.end(session.code);
    this.host.endLog(session.code, 'closed');
    this.host.release(session.code);
    await this.host.stop(session);
    this.registry.remove(session.code);
  }

  /**
   * The sessions the facilitator's list shows: this instance's; in a fleet (unless `scope` is
   * 'instance', which is how instances ask each other) every instance's, and how each answered.
   */
  async listSummaries(scope: 'fleet' | 'instance' = 'fleet'): Promise<{ sessions: Array<SessionSummary | FleetSessionSummary>; instances?: InstanceAnswer[] }> {
    const own = [...this.list().map((session) => this.summary(session)), ...this.endedByTrainer()];
    if (!this.fleet || scope === 'instance') return { sessions: own };
    return this.fleet.list(own);
  }

  /**
   * Sessions the trainer ended itself, not the facilitator (one that could not be rebuilt after
   * a restart): listed from the store with the reason, so none vanishes from the console unsaid.
   */
  private endedByTrainer(): SessionSummary[] {
    const { store } = this.options;
    return store
      .sessions()
      .filter((row) => row.endedWhy && !this.registry.has(row.code))
      .map((row) => sessionFromRow(store, row, this.joinUrl(row.code), `ended by the trainer, not the facilitator: ${row.endedWhy}`));
  }

  summary(session: GameDaySession): SessionSummary {
    return this.reports.summary(session, this.announcements.get(session.code) ?? null);
  }

  /** The team's score and each participant's share; live (provisional) until the drill is finished. */
  results(code: string): TeamResult {
    return this.reports.results(code);
  }

  /** Every team's finished game-days, best first (the competition's standings, and training records). */
  teams(): TeamStanding[] {
    return this.reports.teams();
  }

  /**
   * Stops every session's server. A live session stays live: its log is kept, and the next
   * `gameday serve` on this data folder rebuilds it (a deploy of the trainer, as after a crash).
   */
  async closeAll(): Promise<void> {
    this.scheduler.stop();
    await this.host.stopAll();
  }
}
