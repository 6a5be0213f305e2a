/**
 * The game-day hub: every session on this server, each an isolated drill with its own world,
 * admin token, server and port (the runbook's fixed `localhost:9090` reaches it through the
 * session folder's `.curlrc`); the schedules that open sessions; the announcements; and the
 * leaderboard freeze of a competition. The facilitator drives it through `/gameday/...` on the
 * main server; participants talk only to their session's own server.
 *
 * Every live session's drill sends its inputs to the store (slot `session:<code>`), its own
 * inputs among them (joins with their tokens, its start, hints, pauses), so `restore()` rebuilds
 * each session a crash or a restart left live: same code, tokens, people, drill and port.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { scenarios, type Difficulty } from '@gameday/scenarios';
import type { ClockMode } from '../clock/sim-clock';
import { Drill, type DrillOptions } from '../drill/drill';
import { replayDrill } from '../drill/drill-inputs';
import { envLines, participantRecord, removeServeRecord, writeDrillWorkspace, writeParticipantWorkspace } from '../drill/drill-workspace';
import { GamedayError } from '../core/gameday-error';
import { scoreJournal } from '../scoring/drill-scorer';
import type { ScoreDimensionId } from '../scoring/scoring-weights';
import type { DrillStore, FinishedDrill, LiveDrillRecord } from '../storage/drill-store';
import { LiveDrillLog } from '../storage/live-drill-log';
import type { AlertNotice } from '../world/alert-webhook';
import { GameDayScheduler, systemClock, type SchedulerClock } from './game-day-scheduler';
import type { Schedule } from './game-day-schedule';
import { GameDaySession, newJoinCode, replayClockInput, type Hint, type Participant, type SessionInput, type SessionSettings, type SessionStatus } from './game-day-session';
import type { Role } from './session-roles';
import { announce, type AnnounceResult } from './slack-announcer';
import { teamResults, type TeamResult } from './team-results';

export interface CreateSessionInput {
  title?: string | undefined;
  team?: string | undefined;
  scenario: string;
  difficulty?: Difficulty | undefined;
  seed?: number | undefined;
  speed?: number | undefined;
  /** Post the announcement to the webhook now. */
  announce?: boolean | undefined;
}

/** What starts a session's own server: `createServer` and listening, injected so this module does not import the HTTP app. */
export type SessionServerFactory = (session: GameDaySession) => Promise<FastifyInstance>;

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
  /** The schedules file; `<dataDir>/schedules.json` when not given, null for none. */
  schedulesFile?: string | null | undefined;
  onAlert?: ((notice: AlertNotice) => void) | undefined;
  /** Reports what went wrong away from any request (a schedule that could not open, a webhook that failed). */
  log?: ((message: string) => void) | undefined;
  /**
   * Which instance this is, with a store shared by several (`--store postgres://…`): its live
   * sessions are marked with it, and it rebuilds only its own. Taking over another's is for leases.
   */
  instance?: string | undefined;
}

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
}

export const maxSessions = 200;

/** What a session's live drill record keeps besides the drill: what rebuilds the session around it. */
interface SessionExtra {
  code: string;
  adminToken: string;
  settings: SessionSettings;
  createdAt: string;
  /** Where its server listened: a rebuilt session listens there again when it can. */
  port: number;
  /** The instance that runs it, with a shared store. */
  instance?: string;
}

const sessionSlot = (code: string) => `session:${code}`;

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

export class GameDayHub {
  private readonly sessions = new Map<string, GameDaySession>();
  private readonly servers = new Map<string, FastifyInstance>();
  private readonly announcements = new Map<string, AnnounceResult>();
  /** Each live session's input log. */
  private readonly logs = new Map<string, LiveDrillLog>();
  readonly scheduler: GameDayScheduler;
  /** While set, leaderboards show only drills finished up to this instant (to all but the facilitator). */
  frozenAt: string | null = null;

  constructor(private readonly options: HubOptions) {
    const file = options.schedulesFile === undefined ? join(options.dataDir, 'schedules.json') : options.schedulesFile;
    this.scheduler = new GameDayScheduler({
      file,
      clock: options.schedulerClock ?? systemClock,
      onDue: (schedule, at) => this.openScheduled(schedule, at),
      onError: (schedule, error) => options.log?.(`schedule ${schedule.id} could not open a session: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  start(): void {
    this.scheduler.start();
  }

  get(code: string): GameDaySession {
    const session = this.sessions.get(code.toUpperCase());
    if (!session) throw new GamedayError('NOT_FOUND', `no game-day with code ${code}; check the code with your facilitator`, { field: 'code' });
    return session;
  }

  list(): GameDaySession[] {
    return [...this.sessions.values()];
  }

  joinUrl(code: string): string {
    return `${this.options.publicUrl()}/#join=${code}`;
  }

  async createSession(input: CreateSessionInput): Promise<GameDaySession> {
    if (this.sessions.size >= maxSessions) throw new GamedayError('CONFLICT', `this server already holds ${maxSessions} sessions; close finished ones first`);
    const incidents = scenarios.filter((scenario) => scenario.incident !== null).map((scenario) => scenario.id);
    const surprise = input.scenario === 'surprise';
    const scenario = surprise ? incidents[randomInt(incidents.length)]! : input.scenario;
    const seed = input.seed ?? randomInt(1, 2 ** 31 - 1);
    const difficulty = input.difficulty ?? 'normal';
    const team = input.team?.trim() || 'game-day';
    let code = newJoinCode();
    while (this.sessions.has(code)) code = newJoinCode();
    const drill = new Drill({
      scenario,
      seed,
      clock: this.options.clock,
      speed: input.speed ?? 1,
      difficulty,
      trainee: team,
      team,
      ranked: true,
      ...(surprise ? { onsetDelayMs: randomInt(0, 10 * 60_000) } : {}),
      ...(this.options.onAlert ? { onAlert: this.options.onAlert } : {}),
    });
    const title = input.title?.trim() || (surprise ? 'Surprise game-day' : `Game-day: ${drill.scenario.title}`);
    const session = new GameDaySession(code, { title, team, scenario: input.scenario, difficulty, seed, speed: input.speed ?? 1 }, drill, randomBytes(18).toString('base64url'), this.options.store);
    const server = await this.listen(session);
    // Recorded only once it is reachable: a session that could not listen leaves no trace.
    session.save();
    this.logs.set(code, LiveDrillLog.begin(this.options.store, sessionSlot(code), drill, this.extra(session)));
    this.sessions.set(code, session);
    this.servers.set(code, server);
    if (input.announce) await this.announce(session, [`${session.settings.team}: a game-day is open (${difficulty}).`]);
    return session;
  }

  private extra(session: GameDaySession): Record<string, unknown> {
    const extra: SessionExtra = {
      code: session.code,
      adminToken: session.adminToken,
      settings: session.settings,
      createdAt: session.createdAt,
      port: session.endpoint!.port,
      ...(this.options.instance === undefined ? {} : { instance: this.options.instance }),
    };
    return { ...extra };
  }

  /**
   * Rebuilds every session a crash or a restart left live, from its drill's inputs: the same
   * code, admin token, participants and tokens, the same drill (its fingerprint equal), its
   * server on its port again (another one, with the folders laid out anew under it, when that
   * port is taken), and its row running again. One that cannot be rebuilt is ended with the
   * reason, in its row and its live record, never left "started". Returns a line per session.
   */
  async restore(): Promise<string[]> {
    const store = this.options.store;
    const sessionLogs = store.liveDrills().filter((record) => record.slot.startsWith('session:'));
    const mine = (record: LiveDrillRecord) => record.extra.instance === this.options.instance;
    const live = new Map(sessionLogs.filter(mine).map((record) => [record.slot.slice('session:'.length), record]));
    // Another instance's sessions on a shared store are that instance's to rebuild, not ours to end.
    const others = new Set(sessionLogs.filter((record) => !mine(record)).map((record) => record.slot.slice('session:'.length)));
    const lines: string[] = [];
    for (const row of store.sessions()) {
      if (row.endedAt !== null || this.sessions.has(row.code) || others.has(row.code)) continue;
      const record = live.get(row.code);
      live.delete(row.code);
      const endRow = (why: string) => {
        store.saveSession({ ...row, endedAt: new Date().toISOString(), endedWhy: why });
        lines.push(`${row.code}: ENDED: ${why}`);
      };
      if (!record) {
        endRow('the server stopped and the session has no input log to rebuild it from');
        continue;
      }
      try {
        lines.push(await this.rebuild(record));
      } catch (error) {
        const why = `could not be rebuilt after a restart: ${error instanceof Error ? error.message : String(error)}`;
        store.endLive(record.id, why);
        endRow(why);
      }
    }
    // Logs whose session row had ended (a drill the team declared resolved) are not live.
    for (const record of live.values()) store.endLive(record.id, 'its session had ended');
    return lines;
  }

  private async rebuild(record: LiveDrillRecord): Promise<string> {
    const extra = record.extra as unknown as SessionExtra;
    const inputs = this.options.store.liveInputs(record.id);
    const waiting: SessionInput[] = [];
    const started = performance.now();
    const { drill, divergence, applied } = replayDrill({ ...(record.options as unknown as DrillOptions), ...(this.options.onAlert ? { onAlert: this.options.onAlert } : {}) }, inputs, {
      other: (input, rebuilt) => {
        if (!replayClockInput(input, rebuilt)) waiting.push(input);
      },
    });
    if (divergence) throw new GamedayError('INTERNAL', `its drill did not rebuild the same: at input ${divergence.index} (simulated ${divergence.simMs} ms) ${divergence.parts.join('; ')}`);
    const took = Math.round(performance.now() - started);
    const session = new GameDaySession(extra.code, extra.settings, drill, extra.adminToken, this.options.store, extra.createdAt);
    for (const input of waiting) session.replay(input);
    let server: FastifyInstance;
    try {
      server = await this.listen(session, extra.port);
    } catch (error) {
      drill.stop();
      throw error;
    }
    const endpoint = session.endpoint!;
    // Their folders and kubeconfigs again (kept as they were on the same port; laid anew under another).
    for (const { participant, token } of session.participantTokens()) writeParticipantWorkspace(endpoint.record, participant.id, token);
    this.logs.set(session.code, LiveDrillLog.resume(this.options.store, record.id, drill, inputs.length));
    if (endpoint.port !== extra.port) this.options.store.updateLiveExtra(record.id, this.extra(session));
    session.save();
    this.sessions.set(session.code, session);
    this.servers.set(session.code, server);
    const where = endpoint.port === extra.port ? `on port ${endpoint.port}` : `on port ${endpoint.port} (port ${extra.port} was taken: participants' folders are now under ${endpoint.record.drillDir})`;
    return `${session.code}: resumed ${where}, ${session.status}, ${session.participants.length} participants (${applied} inputs replayed in ${took} ms)`;
  }

  /** A session's own server, on a port of its own (`preferred` first, when given), with its folder and serve record. */
  private async listen(session: GameDaySession, preferred?: number): Promise<FastifyInstance> {
    const server = await this.options.startServer(session);
    const range = this.options.ports;
    let port: number | undefined;
    if (preferred !== undefined) {
      try {
        await server.listen({ port: preferred, host: this.options.host });
        port = preferred;
      } catch {
        // Taken by another program since: any port, as for a new session.
      }
    }
    for (let candidate = range?.from ?? 0; port === undefined; candidate++) {
      try {
        await server.listen({ port: candidate, host: this.options.host });
        port = (server.server.address() as { port: number }).port;
        break;
      } catch (error) {
        if (!range || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || candidate >= range.to) {
          await server.close();
          throw new GamedayError('CONFLICT', range ? `no free port for the session in ${range.from}-${range.to}` : `cannot listen for the session: ${String(error)}`);
        }
      }
    }
    await server.socketsReady();
    const record = writeDrillWorkspace({ dataDir: this.options.dataDir, host: this.options.host, port, adminToken: session.adminToken, facilitatorToken: this.options.facilitatorToken });
    server.drillSlot.workspace = { record };
    session.endpoint = { url: record.url, port, record };
    return server;
  }

  /** A session's address as browsers reach it (the public host, where one is set). */
  private browserUrl(endpoint: { url: string; port: number }): string {
    return this.options.publicHost ? `http://${this.options.publicHost}:${endpoint.port}` : endpoint.url;
  }

  /** Joins a person; their token, their link into the session's UI and the lines for their own shell. */
  join(code: string, name: string, role: Role): { participant: Participant; token: string; url: string; env: string[] } {
    const session = this.get(code);
    const endpoint = session.endpoint!;
    // Their folder and kubeconfig are written before the join is recorded: if they cannot be, no one joined.
    const { participant, token } = session.join(name, role, (joining, secret) => {
      try {
        writeParticipantWorkspace(endpoint.record, joining.id, secret);
      } catch (error) {
        throw new GamedayError('INTERNAL', `cannot set up your folder and kubeconfig in the session folder ${endpoint.record.drillDir} (${error instanceof Error ? error.message : String(error)}); tell the facilitator`);
      }
    });
    return {
      participant,
      token,
      url: `${this.browserUrl(endpoint)}/#token=${encodeURIComponent(token)}`,
      env: envLines(participantRecord(endpoint.record, participant.id, token), { cd: true }),
    };
  }

  /**
   * Lets a person back in by the token their browser kept from joining (a closed tab, a new
   * one): the same person, role and folder, with the same link. A token that is no one's in
   * this session is refused, and says how to join instead.
   */
  rejoin(code: string, token: string): { participant: Participant; token: string; url: string; env: string[] } {
    const session = this.get(code);
    const endpoint = session.endpoint!;
    const participant = session.rejoin(token);
    return {
      participant,
      token,
      url: `${this.browserUrl(endpoint)}/#token=${encodeURIComponent(token)}`,
      env: envLines(participantRecord(endpoint.record, participant.id, token), { cd: true }),
    };
  }

  /** Sends a session's participants the current view now (after a control or a join). */
  push(code: string): void {
    this.servers.get(code.toUpperCase())?.pushView();
  }

  /** Live views connected across all sessions. */
  viewers(): number {
    let count = 0;
    for (const server of this.servers.values()) count += server.viewerCount();
    return count;
  }

  async announce(session: GameDaySession, lines: string[], webhook = this.options.announceWebhook): Promise<AnnounceResult | null> {
    if (!webhook) return null;
    const result = await announce(webhook, { title: session.settings.title, lines, code: session.code, joinUrl: this.joinUrl(session.code) });
    this.announcements.set(session.code, result);
    session.drill.record({ source: 'sim', action: result.ok ? 'announcement.sent' : 'announcement.failed', outcome: 'info', actor: 'facilitator', detail: { session: session.code, ...(result.ok ? { status: result.status } : { error: result.error }) } });
    if (!result.ok) this.options.log?.(`announcement for ${session.code} failed: ${result.error}`);
    return result;
  }

  private async openScheduled(schedule: Schedule, at: Date): Promise<void> {
    const session = await this.createSession({ title: schedule.name, team: schedule.team, scenario: schedule.scenario, difficulty: schedule.difficulty, speed: schedule.speed });
    session.drill.record({ source: 'sim', action: 'schedule.opened', outcome: 'info', actor: 'scheduler', detail: { schedule: schedule.id, cron: schedule.cron, at: at.toISOString() } });
    // A surprise inside a window starts at once: the page is the surprise. Others wait for the facilitator.
    if (schedule.windowMinutes > 0) session.start();
    const lines = schedule.windowMinutes > 0 ? [`Surprise! ${schedule.team}: an incident drill has started. Join now.`] : [`${schedule.team}: the scheduled game-day is open (${schedule.difficulty}). Join, pick your role, and wait for the facilitator to start.`];
    await this.announce(session, lines, schedule.webhook ?? this.options.announceWebhook);
  }

  /** Ends a session: its drill is scored as it stands, stored, and counted in the readiness metrics. */
  end(code: string): GameDaySession {
    const session = this.get(code);
    const server = this.servers.get(session.code);
    session.end(server ? (finished) => server.readiness.observe(finished) : undefined);
    this.endLog(session.code, 'ended');
    return session;
  }

  /** The session's drill is no longer live: its log is closed (a finished drill closed it already). */
  private endLog(code: string, why: string): void {
    const log = this.logs.get(code);
    this.logs.delete(code);
    log?.end(why);
  }

  /** Ends the session if needed and stops its server; its records stay in the store. */
  async close(code: string): Promise<void> {
    const session = this.get(code);
    if (session.endedAt === null) this.end(session.code);
    this.endLog(session.code, 'closed');
    await this.stopServer(session);
    this.sessions.delete(session.code);
  }

  private async stopServer(session: GameDaySession): Promise<void> {
    const server = this.servers.get(session.code);
    this.servers.delete(session.code);
    session.drill.stop();
    if (server) await server.close();
    if (session.endpoint) removeServeRecord(this.options.dataDir, session.endpoint.port);
  }

  summary(session: GameDaySession): SessionSummary {
    const drill = session.drill;
    const finished = drill.finishedId ? this.options.store.get(drill.finishedId) : undefined;
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
      url: session.endpoint ? this.browserUrl(session.endpoint) : null,
      // The facilitator may watch (and act in) the drill with the session's own admin token.
      adminUrl: session.endpoint ? `${this.browserUrl(session.endpoint)}/#token=${encodeURIComponent(session.adminToken)}` : null,
      joinUrl: this.joinUrl(session.code),
      participants: session.participants,
      hints: session.hints,
      createdAt: session.createdAt,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      drillId: drill.finishedId,
      score: finished?.score.total ?? null,
      announcement: this.announcements.get(session.code) ?? null,
    };
  }

  /** The team's score and each participant's share; live (provisional) until the drill is finished. */
  results(code: string): TeamResult {
    const live = this.sessions.get(code.toUpperCase());
    const record = live?.record() ?? this.options.store.sessions().find((candidate) => candidate.code === code.toUpperCase());
    if (!record) throw new GamedayError('NOT_FOUND', `no game-day with code ${code}`, { field: 'code' });
    const finished: FinishedDrill | undefined = record.drillId ? this.options.store.get(record.drillId) : undefined;
    const journal = finished?.journal ?? live?.drill.journal.withFacts() ?? [];
    return teamResults({
      session: record.code,
      title: record.title,
      team: record.team,
      status: live?.status ?? (record.endedAt ? 'ended' : 'closed'),
      participants: this.options.store.attendance(record.code),
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
    for (const record of this.options.store.sessions()) {
      const finished = record.drillId ? this.options.store.get(record.drillId) : undefined;
      if (!finished) continue;
      const people = this.options.store.attendance(record.code);
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

  /**
   * Stops every session's server. A live session stays live: its log is kept, and the next
   * `gameday serve` on this data folder rebuilds it (a deploy of the trainer, as after a crash).
   */
  async closeAll(): Promise<void> {
    this.scheduler.stop();
    for (const session of this.sessions.values()) {
      session.drill.detachInputs();
      await this.stopServer(session);
    }
    this.sessions.clear();
    this.logs.clear();
  }
}
