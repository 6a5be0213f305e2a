/**
 * A game-day session: one drill that a team plays together. The facilitator creates it and
 * gets a join code; people join with a name and a role and get a token of their own, which is
 * their `$ADMIN_TOKEN` for the drill (so every command they run is theirs in the journal) and
 * their key to the live view. The facilitator starts, pauses, speeds up, injects a second
 * fault, hints and ends; each of those is journaled in the drill as the facilitator's.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Difficulty } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import { setClockSpeed } from '../drill/clock-controls';
import { sessionClockInput, type DrillInput } from '../drill/drill-inputs';
import type { ServeRecord } from '../drill/drill-workspace';
import type { SessionView } from '../drill/trainee-view';
import { GamedayError } from '../core/gameday-error';
import { tokensEqual } from '../core/token-compare';
import { finishDrill } from '../scoring/drill-debrief';
import type { AttendanceRow, DrillStore, FinishedDrill, SessionRecord } from '../storage/drill-store';
import type { Role } from './session-roles';

export interface SessionSettings {
  title: string;
  team: string;
  /** The scenario asked for: an id, or `surprise` (the session knows which it drew). */
  scenario: string;
  difficulty: Difficulty;
  seed: number;
  speed: number;
}

export interface Participant {
  id: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Hint {
  text: string;
  simMs: number;
  at: string;
}

export type SessionStatus = 'open' | 'running' | 'paused' | 'ended';

/** A session's own input (a join, its start, a hint, a pause), kept in its drill's input log. */
export type SessionInput = Extract<DrillInput, { kind: 'session' }>;

/** Where the session's own server listens and keeps its folder. */
export interface SessionEndpoint {
  url: string;
  port: number;
  record: ServeRecord;
}

/** Join codes avoid characters people misread (0/O, 1/I/L). */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += codeAlphabet[randomInt(codeAlphabet.length)];
  return code;
}

export const maxParticipants = 50;

/**
 * A session input met while its drill is replayed: a pause or a resume acts on the drill's clock
 * at its moment (true); the others wait for the rebuilt session (`GameDaySession.replay`).
 */
export function replayClockInput(input: SessionInput, drill: Drill): boolean {
  return sessionClockInput(input, drill);
}

/** Actors the journal names that are not people: see the journal hook and the hub. */
const tokenHolderNames = new Set(['admin', 'facilitator', 'scheduler']);

export class GameDaySession {
  startedAt: string | null = null;
  endedAt: string | null = null;
  /** Why the session ended without the facilitator ending it (it could not be rebuilt after a restart). */
  endedWhy: string | null = null;
  readonly participants: Participant[] = [];
  readonly hints: Hint[] = [];
  endpoint: SessionEndpoint | undefined;
  /** Secrets by participant id; a token is `<id>.<secret>`, so lookup never compares secrets by hash. */
  private readonly secrets = new Map<string, string>();
  /** When each participant joined, on the session's simulated clock. */
  private readonly joinedSimMs = new Map<string, number>();

  constructor(
    readonly code: string,
    readonly settings: SessionSettings,
    readonly drill: Drill,
    readonly adminToken: string,
    private readonly store: DrillStore,
    readonly createdAt: string = new Date().toISOString(),
  ) {}

  /** Keeps the session's record (the hub calls it once the session's server listens). */
  save(): void {
    this.store.saveSession(this.record());
  }

  get status(): SessionStatus {
    if (this.endedAt !== null || this.drill.finishedId !== null) return 'ended';
    if (!this.drill.started) return 'open';
    return this.drill.clock.isPaused ? 'paused' : 'running';
  }

  /**
   * Adds a person; their token is returned once and never stored in the clear elsewhere.
   * `prepare` (their shell set-up) runs before anything is recorded: if it fails, no one joined.
   */
  join(name: string, role: Role, prepare?: (participant: Participant, token: string) => void): { participant: Participant; token: string } {
    const trimmed = name.trim();
    if (this.status === 'ended') throw new GamedayError('CONFLICT', `game-day ${this.code} has ended; ask the facilitator for the next one`);
    if (this.participants.some((participant) => participant.name.toLowerCase() === trimmed.toLowerCase())) {
      throw new GamedayError('CONFLICT', `someone called "${trimmed}" has already joined ${this.code}; pick another name`, { field: 'name' });
    }
    // The journal names the holders of the admin and facilitator tokens (and the scheduler) so;
    // a person by that name would be credited, or blamed, for what they did.
    if (tokenHolderNames.has(trimmed.toLowerCase())) {
      throw new GamedayError('CONFLICT', `"${trimmed}" is how the journal names a token, not a person; join under your own name`, { field: 'name' });
    }
    if (this.participants.length >= maxParticipants) throw new GamedayError('CONFLICT', `game-day ${this.code} is full (${maxParticipants} people)`);
    const participant: Participant = { id: randomBytes(4).toString('hex'), name: trimmed, role, joinedAt: new Date().toISOString() };
    const secret = randomBytes(18).toString('base64url');
    const token = `${participant.id}.${secret}`;
    prepare?.(participant, token);
    this.secrets.set(participant.id, secret);
    this.participants.push(participant);
    this.joinedSimMs.set(participant.id, this.drill.clock.now());
    // The secret goes to the input log with the join: a rebuilt session knows the same tokens.
    this.note('join', { ...participant, secret, simMs: this.drill.clock.now() });
    const row: AttendanceRow = { session: this.code, title: this.settings.title, team: this.settings.team, name: participant.name, role, joinedAt: participant.joinedAt };
    this.store.recordAttendance(row);
    this.journal('participant.joined', { name: participant.name, role }, participant.name);
    return { participant, token };
  }

  /** The participant coming back with the token they joined with (a closed tab); refused once the game-day has ended. */
  rejoin(token: string): Participant {
    const participant = this.authenticate(token);
    if (!participant) throw new GamedayError('UNAUTHORIZED', `that token is no one's in ${this.code}; join with your name and a role`, { field: 'token' });
    if (this.status === 'ended') throw new GamedayError('CONFLICT', `game-day ${this.code} has ended; ask the facilitator for the next one`);
    return participant;
  }

  /** The participant a token belongs to (secrets compared in constant time). */
  authenticate(token: string): Participant | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const secret = this.secrets.get(token.slice(0, dot));
    if (secret === undefined || !tokensEqual(token.slice(dot + 1), secret)) return undefined;
    return this.participants.find((participant) => participant.id === token.slice(0, dot));
  }

  start(): void {
    if (this.status !== 'open') throw new GamedayError('CONFLICT', `game-day ${this.code} is ${this.status}; only an open session can start`);
    this.drill.start();
    this.startedAt = new Date().toISOString();
    this.note('start', { at: this.startedAt });
    this.journal('facilitator.start', { participants: this.participants.length });
    this.save();
  }

  pause(): void {
    if (this.status !== 'running') throw new GamedayError('CONFLICT', `game-day ${this.code} is ${this.status}; only a running session can pause`);
    // A session input, not the drill's `pause`: the session pauses the virtual clock too (it refuses actions while paused).
    this.drill.asInput(
      () => ({ kind: 'session', action: 'pause', args: {} }),
      () => this.drill.clock.pause(),
    );
    this.journal('facilitator.pause', {});
  }

  resume(): void {
    if (this.status !== 'paused') throw new GamedayError('CONFLICT', `game-day ${this.code} is ${this.status}; only a paused session can resume`);
    this.drill.asInput(
      () => ({ kind: 'session', action: 'resume', args: {} }),
      () => this.drill.clock.resume(),
    );
    this.journal('facilitator.resume', {});
  }

  setSpeed(speed: number): void {
    this.live('change speed');
    if (this.drill.clock.mode === 'virtual') throw new GamedayError('CONFLICT', 'this session runs on the virtual clock; speed applies to realtime sessions');
    const from = this.drill.clock.speed;
    setClockSpeed(this.drill, speed);
    this.journal('facilitator.speed', { from, to: speed });
  }

  inject(scenario: string): void {
    this.live('inject a fault');
    if (this.status === 'open') throw new GamedayError('CONFLICT', `start game-day ${this.code} before injecting a second fault`);
    this.drill.inject(scenario);
    this.journal('facilitator.inject', { scenario });
  }

  hint(text: string): Hint {
    this.live('send a hint');
    const hint: Hint = { text, simMs: this.drill.clock.now(), at: this.drill.simDate().toISOString() };
    this.hints.push(hint);
    this.note('hint', { ...hint });
    this.journal('facilitator.hint', { text });
    return hint;
  }

  /** Ends the drill: it is scored as it stands (unless the team already declared it resolved) and stored. */
  end(onFinished?: (finished: FinishedDrill) => void): string | null {
    if (this.endedAt !== null) throw new GamedayError('CONFLICT', `game-day ${this.code} has already ended`);
    this.journal('facilitator.end', { status: this.status });
    if (this.drill.started && this.drill.finishedId === null) finishDrill(this.drill, this.store, onFinished);
    this.drill.stop();
    this.endedAt = new Date().toISOString();
    this.save();
    return this.drill.finishedId;
  }

  /** Notes a drill the team declared resolved themselves: the game-day is over, its world stops. */
  noteFinished(): void {
    if (this.endedAt !== null) return;
    this.drill.stop();
    this.endedAt = new Date().toISOString();
    this.save();
  }

  /** Each participant with their token, to lay out their folders again after a restart. */
  participantTokens(): Array<{ participant: Participant; token: string }> {
    return this.participants.map((participant) => ({ participant, token: `${participant.id}.${this.secrets.get(participant.id)!}` }));
  }

  /**
   * Applies a session input of the log to a rebuilt session: the same people with the same
   * tokens, its start, its hints. The drill's own inputs were replayed before (the journal's
   * entries of the join and the hint among them); a pause and a resume act on the drill's clock
   * during that replay (`replayClockInput`).
   */
  replay(input: SessionInput): void {
    const args = input.args;
    switch (input.action) {
      case 'join': {
        const participant: Participant = { id: String(args.id), name: String(args.name), role: args.role as Role, joinedAt: String(args.joinedAt) };
        this.secrets.set(participant.id, String(args.secret));
        this.participants.push(participant);
        this.joinedSimMs.set(participant.id, Number(args.simMs));
        return;
      }
      case 'start':
        this.startedAt = String(args.at);
        return;
      case 'hint':
        this.hints.push({ text: String(args.text), simMs: Number(args.simMs), at: String(args.at) });
        return;
      default:
        throw new GamedayError('INVALID_PARAMETER', `a game-day session has no input "${input.action}" to replay`);
    }
  }

  /** What participants see of the session. */
  view(): SessionView {
    return {
      code: this.code,
      title: this.settings.title,
      team: this.settings.team,
      status: this.status,
      // On the session's clock, as every other moment participants see (the attendance keeps the wall clock's).
      participants: this.participants.map(({ id, name, role, joinedAt }) => {
        const simMs = this.joinedSimMs.get(id);
        return { name, role, joinedAt: simMs === undefined ? joinedAt : this.drill.simDate(simMs).toISOString() };
      }),
      hints: this.hints.map(({ text, at }) => ({ text, at })),
    };
  }

  record(): SessionRecord {
    return {
      code: this.code,
      title: this.settings.title,
      team: this.settings.team,
      scenario: this.drill.scenario.id,
      difficulty: this.settings.difficulty,
      seed: this.settings.seed,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      endedWhy: this.endedWhy,
      drillId: this.drill.finishedId,
    };
  }

  private live(what: string): void {
    if (this.status === 'ended') throw new GamedayError('CONFLICT', `game-day ${this.code} has ended; cannot ${what}`);
  }

  /** Appends a session input to the drill's log (it changes nothing in the world: it is the session's). */
  private note(action: string, args: Record<string, unknown>): void {
    this.drill.asInput(
      () => ({ kind: 'session', action, args }),
      () => undefined,
    );
  }

  private journal(action: string, detail: Record<string, unknown>, actor = 'facilitator'): void {
    this.drill.record({ source: 'sim', action, outcome: 'info', actor, detail: { session: this.code, ...detail } });
  }
}
