/**
 * The sessions this server holds, by join code: making a new one (its drill, a code no other
 * session has, its admin token), finding and listing them, and letting people in with a token
 * of their own (a join) or the one their browser kept (a rejoin). Where a session's server runs
 * is the session host's business; the registry hands out the links into it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { scenarios, type Difficulty } from '@gameday/scenarios';
import type { ClockMode } from '../clock/sim-clock';
import { Drill } from '../drill/drill';
import { envLines, participantRecord, writeParticipantWorkspace } from '../drill/drill-workspace';
import { GamedayError } from '../core/gameday-error';
import type { DrillStore } from '../storage/drill-store';
import type { AlertNotice } from '../world/alert-webhook';
import { GameDaySession, newJoinCode, type Participant, type SessionEndpoint } from './game-day-session';
import type { Role } from './session-roles';

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

export const maxSessions = 200;

export interface SessionRegistryOptions {
  store: DrillStore;
  /** realtime for game-days; virtual in tests. */
  clock: ClockMode;
  /** The address people reach the main server at (join links). */
  publicUrl: () => string;
  /** The host name people's browsers reach this machine by (session links); the listening host when not given. */
  publicHost?: string | undefined;
  /** In a fleet: the public main address, which serves the UI and routes a participant's calls to their session (`SessionHostOptions.fleetUrl`). */
  fleetUrl?: (() => string) | undefined;
  onAlert?: ((notice: AlertNotice) => void) | undefined;
}

/** What a person gets on joining: their token, their link into the session's UI and the lines for their own shell. */
export interface Admission {
  participant: Participant;
  token: string;
  url: string;
  env: string[];
}

export class SessionRegistry {
  private readonly sessions = new Map<string, GameDaySession>();

  constructor(private readonly options: SessionRegistryOptions) {}

  get(code: string): GameDaySession {
    const session = this.sessions.get(code.toUpperCase());
    if (!session) throw new GamedayError('NOT_FOUND', `no game-day with code ${code}; check the code with your facilitator`, { field: 'code' });
    return session;
  }

  /** The session with this code, if this server holds it. */
  find(code: string): GameDaySession | undefined {
    return this.sessions.get(code.toUpperCase());
  }

  has(code: string): boolean {
    return this.sessions.has(code.toUpperCase());
  }

  list(): GameDaySession[] {
    return [...this.sessions.values()];
  }

  /**
   * A new session, not yet held: its drill (for a surprise, an incident drawn now with an onset
   * of up to ten minutes), a join code no held session has, and its admin token. It is held
   * (`add`) once its server listens.
   */
  create(input: CreateSessionInput): GameDaySession {
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
    return new GameDaySession(code, { title, team, scenario: input.scenario, difficulty, seed, speed: input.speed ?? 1 }, drill, randomBytes(18).toString('base64url'), this.options.store);
  }

  add(session: GameDaySession): void {
    this.sessions.set(session.code, session);
  }

  remove(code: string): void {
    this.sessions.delete(code.toUpperCase());
  }

  clear(): void {
    this.sessions.clear();
  }

  joinUrl(code: string): string {
    return `${this.options.publicUrl()}/#join=${code}`;
  }

  /** A session's own server as browsers reach it (the public host, where one is set). */
  browserUrl(endpoint: { url: string; port: number }): string {
    return this.options.publicHost ? `http://${this.options.publicHost}:${endpoint.port}` : endpoint.url;
  }

  /** Joins a person; their token, their link into the session's UI and the lines for their own shell. */
  join(code: string, name: string, role: Role): Admission {
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
    return this.admission(endpoint, participant, token);
  }

  /**
   * Lets a person back in by the token their browser kept from joining (a closed tab, a new
   * one): the same person, role and folder, with the same link. A token that is no one's in
   * this session is refused, and says how to join instead.
   */
  rejoin(code: string, token: string): Admission {
    const session = this.get(code);
    const endpoint = session.endpoint!;
    return this.admission(endpoint, session.rejoin(token), token);
  }

  private admission(endpoint: SessionEndpoint, participant: Participant, token: string): Admission {
    return {
      participant,
      token,
      // In a fleet, the public main address: the UI loads from any instance and its calls are routed by the token.
      url: `${this.options.fleetUrl?.() ?? this.browserUrl(endpoint)}/#token=${encodeURIComponent(token)}`,
      env: envLines(participantRecord(endpoint.record, participant.id, token), { cd: true }),
    };
  }
}
