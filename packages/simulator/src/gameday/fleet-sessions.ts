/**
 * The facilitator's list of sessions in a fleet (several `gameday serve` on one store): every
 * session of every instance, whichever instance the balancer sends the console to. A session's
 * live state (its drill's phase, clock, participants, hints) is only in the process that runs
 * it, so each live instance is asked for its own (`GET /gameday/sessions?scope=instance` on its
 * main address, the `instance:<owner>` lease's, with the facilitator's token), all at once and
 * for a short while; the sessions of an instance that does not answer in time, and of one that
 * stopped (its drills being taken over), are listed from their store rows with a note saying so.
 */
import type { DrillStore, SessionRecord } from '../storage/drill-store';
import type { SessionSummary } from './session-reports';

/** How long each instance has to answer before its sessions are listed from the store. */
export const askTimeoutMs = 1500;

/** A session as the fleet's list shows it: where it runs, and how it was read when not from its owner. */
export type FleetSessionSummary = SessionSummary & { instance: string };

/** How each other live instance answered. */
export interface InstanceAnswer {
  instance: string;
  address: string;
  sessions: number;
  /** Why it was not listed from its own answer. */
  error?: string | undefined;
}

export interface FleetSessionsOptions {
  store: Pick<DrillStore, 'leasesUnder' | 'sessions' | 'attendance' | 'get'>;
  /** This instance (the leases' owner). */
  owner: string;
  facilitatorToken: string;
  /** The join link of a session (the same on every instance of a fleet: the public address). */
  joinUrl: (code: string) => string;
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

export class FleetSessions {
  constructor(private readonly options: FleetSessionsOptions) {}

  /** This instance's sessions (`own`, in full) and every other instance's, from it or from the store. */
  async list(own: SessionSummary[]): Promise<{ sessions: FleetSessionSummary[]; instances: InstanceAnswer[] }> {
    const { store, owner } = this.options;
    const sessions: FleetSessionSummary[] = own.map((session) => ({ ...session, instance: owner }));
    const listed = new Set(own.map((session) => session.code));
    const peers = store.leasesUnder('instance:').filter((lease) => lease.live && lease.owner !== owner);
    const answers = await Promise.all(peers.map(async (peer) => ({ peer, answer: await this.ask(peer.address) })));
    const instances: InstanceAnswer[] = [];
    for (const { peer, answer } of answers) {
      if ('error' in answer) {
        instances.push({ instance: peer.owner, address: peer.address, sessions: 0, error: answer.error });
        continue;
      }
      const theirs = answer.sessions.filter((session) => !listed.has(session.code));
      for (const session of theirs) {
        listed.add(session.code);
        sessions.push({ ...session, instance: peer.owner });
      }
      instances.push({ instance: peer.owner, address: peer.address, sessions: theirs.length });
    }
    const unanswered = new Map(instances.filter((answer) => answer.error !== undefined).map((answer) => [answer.instance, answer.error!]));
    const leftOver = store.leasesUnder('session:').filter((lease) => lease.owner !== owner && !listed.has(lease.slot.slice('session:'.length)));
    if (leftOver.length > 0) {
      const rows = new Map(store.sessions().map((row) => [row.code, row]));
      for (const lease of leftOver) {
        const row = rows.get(lease.slot.slice('session:'.length));
        if (!row) continue;
        const why = lease.live
          ? `shown from the store: its instance ${lease.owner} did not answer (${unanswered.get(lease.owner) ?? 'not asked: its main address is not leased'})`
          : row.endedAt === null
            ? `shown from the store: its instance ${lease.owner} stopped; another instance takes the session over within 10 s`
            : `shown from the store: its instance ${lease.owner} stopped after the session ended`;
        sessions.push(this.fromRow(row, lease.owner, why));
      }
    }
    return { sessions, instances };
  }

  private async ask(address: string): Promise<{ sessions: SessionSummary[] } | { error: string }> {
    const timeoutMs = this.options.timeoutMs ?? askTimeoutMs;
    try {
      const response = await (this.options.fetch ?? fetch)(`${address}/gameday/sessions?scope=instance`, {
        headers: { authorization: `Bearer ${this.options.facilitatorToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return { error: `HTTP ${response.status}${response.status === 401 ? ': its facilitator token differs; give every instance the same FACILITATOR_TOKEN' : ''}` };
      const body = (await response.json()) as { sessions?: unknown };
      if (!Array.isArray(body.sessions)) return { error: 'its answer had no sessions list' };
      return { sessions: body.sessions as SessionSummary[] };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { error: `no answer within ${timeoutMs / 1000} s` };
      const cause = error instanceof Error && error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : undefined;
      return { error: cause ?? (error instanceof Error ? error.message : String(error)) };
    }
  }

  private fromRow(row: SessionRecord, instance: string, note: string): FleetSessionSummary {
    return { ...sessionFromRow(this.options.store, row, this.options.joinUrl(row.code), note), instance };
  }
}

/**
 * What the store knows of a session: its row, who joined, its score once finished. Its live
 * state is its instance's alone. Also how an instance lists a session it had to end itself.
 */
export function sessionFromRow(store: Pick<DrillStore, 'attendance' | 'get'>, row: SessionRecord, joinUrl: string, note: string): SessionSummary {
  const finished = row.drillId ? store.get(row.drillId) : undefined;
  return {
    code: row.code,
    title: row.title,
    team: row.team,
    status: row.endedAt !== null ? 'ended' : row.startedAt !== null ? 'running' : 'open',
    scenario: row.scenario,
    requested: row.scenario,
    difficulty: row.difficulty,
    seed: row.seed,
    speed: 1,
    faults: [],
    phase: 'not known here',
    expectedSeverity: 'not known here',
    simMs: 0,
    simTime: row.startedAt ?? row.createdAt,
    url: null,
    adminUrl: null,
    joinUrl,
    participants: store.attendance(row.code).map((person, index) => ({ id: `${row.code}-${index + 1}`, name: person.name, role: person.role as SessionSummary['participants'][number]['role'], joinedAt: person.joinedAt })),
    hints: [],
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    drillId: row.drillId,
    score: finished?.score.total ?? null,
    announcement: null,
    note,
  };
}
