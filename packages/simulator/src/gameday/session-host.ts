/**
 * The host of game-day sessions' servers on this instance: each session's own server (its
 * port, folder and serve record, started by `startDrillServer()`), its drill's input log in the
 * store (slot `session:<code>`), the live views it pushes, and the rebuild of every session a
 * crash or a restart left live. Which live sessions this instance takes on is decided in one
 * place (`claims`): with a shared store, by taking each one's lease (lease-keeper.ts), so a
 * session another live instance runs is left to it, and a dead instance's is taken over.
 */
import type { FastifyInstance } from 'fastify';
import { type DrillOptions } from '../drill/drill';
import { replayDrill } from '../drill/drill-inputs';
import { removeServeRecord, writeParticipantWorkspace } from '../drill/drill-workspace';
import { GamedayError } from '../core/gameday-error';
import type { DrillStore, FinishedDrill, LeaseRecord, LiveDrillRecord } from '../storage/drill-store';
import type { AlertNotice } from '../world/alert-webhook';
import { startDrillServer, type DrillServer } from './drill-server';
import type { LeaseKeeper } from './lease-keeper';
import { GameDaySession, replayClockInput, type SessionInput, type SessionSettings } from './game-day-session';
import type { SessionRegistry } from './session-registry';

/** What starts a session's own server: `createServer`, injected so this module does not import the HTTP app. */
export type SessionServerFactory = (session: GameDaySession) => Promise<FastifyInstance>;

export interface SessionHostOptions {
  dataDir: string;
  host: string;
  store: DrillStore;
  facilitatorToken: string;
  startServer: SessionServerFactory;
  /** Ports for session servers; OS-assigned when not given. */
  ports?: { from: number; to: number } | undefined;
  onAlert?: ((notice: AlertNotice) => void) | undefined;
  /**
   * Which instance this is, with a store shared by several (`--store postgres://…`): its
   * sessions' live records carry it, and it claims only its own. Taking over another's is for leases.
   */
  instance?: string | undefined;
  /**
   * In a fleet (a shared store and `--public-host`): the public main address. Participants'
   * settings point there, with the session's slot in their `.curlrc`, and the router of
   * whichever instance they reach forwards to this session's server.
   */
  fleetUrl?: (() => string) | undefined;
  /** With a shared store: the leases that decide which instance runs each session, and the tokens' routes. */
  leases?: LeaseKeeper | undefined;
}

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

const slotPrefix = 'session:';
/** The drill slot of a session: its input log's, its lease's and its live views' name. */
export const sessionSlot = (code: string) => `${slotPrefix}${code}`;

export class SessionHost {
  private readonly servers = new Map<string, DrillServer>();

  constructor(
    private readonly options: SessionHostOptions,
    private readonly registry: SessionRegistry,
  ) {}

  /** Starts a new session's server and its input log, and holds it. */
  async open(session: GameDaySession): Promise<void> {
    const leases = this.options.leases;
    const slot = sessionSlot(session.code);
    // Leased before its log begins, so no instance restoring at this moment takes the new log for
    // an orphan; its address names no port until the session's server listens.
    if (leases && !leases.claim(slot, leases.address(0), () => void this.lost(session.code))) {
      throw new GamedayError('CONFLICT', `join code ${session.code} is in use by another instance; open the session again`);
    }
    let started: DrillServer;
    try {
      started = await this.start(session, { fresh: true });
    } catch (error) {
      leases?.release(slot);
      throw error;
    }
    if (leases) {
      leases.moved(slot, leases.address(started.port));
      leases.route(session.adminToken, slot);
    }
    // Recorded only once it is reachable: a session that could not listen leaves no trace.
    session.save();
    this.hold(session, started);
  }

  /** A participant's token acts in its session: routed there from any instance. */
  joined(code: string, token: string): void {
    this.options.leases?.route(token, sessionSlot(code.toUpperCase()));
  }

  /** The session is closed here: its lease is given up, nobody takes it over. */
  release(code: string): void {
    this.options.leases?.release(sessionSlot(code.toUpperCase()));
  }

  /**
   * The live sessions this instance takes on after a start: every one its store holds, less
   * those another instance runs. With leases (a shared store), a session is this instance's when
   * it gets its lease: its own from before a restart, a free one, or one whose owner stopped
   * renewing (taken over); one whose lease another live instance holds is theirs to rebuild, not
   * ours to end. Returns each session row left running with its live record (none when it has
   * no input log), and the live records whose session row had ended.
   */
  private claims(): { rows: Array<{ row: ReturnType<DrillStore['sessions']>[number]; record: LiveDrillRecord | undefined }>; orphans: LiveDrillRecord[] } {
    const store = this.options.store;
    const leases = this.options.leases;
    const sessionLogs = store.liveDrills().filter((record) => record.slot.startsWith(slotPrefix));
    const mine = (record: LiveDrillRecord) => {
      if (!leases) return record.extra.instance === this.options.instance;
      const code = record.slot.slice(slotPrefix.length);
      const address = store.lease(record.slot)?.address ?? leases.address(Number((record.extra as unknown as SessionExtra).port));
      return leases.claim(record.slot, address, () => void this.lost(code));
    };
    const claimed = sessionLogs.filter(mine);
    const live = new Map(claimed.map((record) => [record.slot.slice(slotPrefix.length), record]));
    const others = new Set(sessionLogs.filter((record) => !claimed.includes(record)).map((record) => record.slot.slice(slotPrefix.length)));
    const rows: Array<{ row: ReturnType<DrillStore['sessions']>[number]; record: LiveDrillRecord | undefined }> = [];
    for (const row of store.sessions()) {
      if (row.endedAt !== null || this.registry.has(row.code) || others.has(row.code)) continue;
      rows.push({ row, record: live.get(row.code) });
      live.delete(row.code);
    }
    return { rows, orphans: [...live.values()] };
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
    const { rows, orphans } = this.claims();
    const lines: string[] = [];
    for (const { row, record } of rows) {
      const endRow = (why: string) => {
        store.saveSession({ ...row, endedAt: new Date().toISOString(), endedWhy: why });
        lines.push(`${row.code}: ENDED: ${why}`);
      };
      if (!record) {
        endRow('the server stopped and the session has no input log to rebuild it from');
        continue;
      }
      try {
        lines.push(await this.rebuild(record, { preferPort: record.extra.instance === this.options.instance }));
      } catch (error) {
        const why = `could not be rebuilt after a restart: ${error instanceof Error ? error.message : String(error)}`;
        store.endLive(record.id, why);
        endRow(why);
        this.release(row.code);
      }
    }
    // Logs whose session row had ended (a drill the team declared resolved) are not live.
    for (const record of orphans) {
      store.endLive(record.id, 'its session had ended');
      this.options.leases?.release(record.slot);
    }
    return lines;
  }

  /**
   * Takes over a session whose owner stopped renewing its lease (a dead instance): claimed
   * first (only one instance wins it), then rebuilt from its inputs on a port of this instance,
   * its lease pointing here, its participants' folders written here. Resolves to what was done,
   * or nothing when the slot is not a session's or another instance took it first.
   */
  async adopt(lease: LeaseRecord): Promise<string | undefined> {
    const leases = this.options.leases;
    if (!leases || !lease.slot.startsWith(slotPrefix)) return undefined;
    const code = lease.slot.slice(slotPrefix.length);
    const store = this.options.store;
    const record = store.liveDrills().find((candidate) => candidate.slot === lease.slot);
    const row = store.sessions().find((candidate) => candidate.code === code);
    if (!record || !row || row.endedAt !== null || this.registry.has(code)) return undefined;
    if (!leases.claim(lease.slot, lease.address, () => void this.lost(code))) return undefined;
    try {
      return `${await this.rebuild(record, { preferPort: false })} from ${lease.owner}`;
    } catch (error) {
      const why = `could not be taken over from ${lease.owner}: ${error instanceof Error ? error.message : String(error)}`;
      store.endLive(record.id, why);
      store.saveSession({ ...row, endedAt: new Date().toISOString(), endedWhy: why });
      this.release(code);
      return `${code}: ENDED: ${why}`;
    }
  }

  /** Another instance holds this session's lease now: it is stopped here, its log left to the new owner. */
  private async lost(code: string): Promise<void> {
    const session = this.registry.find(code);
    if (!session) return;
    session.drill.detachInputs();
    await this.stop(session);
    this.registry.remove(session.code);
  }

  /** `preferPort`: listen on the port the session had (its own, after a restart here), else on one of this instance's. */
  private async rebuild(record: LiveDrillRecord, how: { preferPort: boolean }): Promise<string> {
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
    let server: DrillServer;
    try {
      server = await this.start(session, { preferred: how.preferPort ? extra.port : undefined, resume: { id: record.id, count: inputs.length } });
    } catch (error) {
      drill.stop();
      throw error;
    }
    const endpoint = session.endpoint!;
    // Their folders and kubeconfigs again (kept as they were on the same port; laid anew under another).
    for (const { participant, token } of session.participantTokens()) writeParticipantWorkspace(endpoint.record, participant.id, token);
    if (endpoint.port !== extra.port || extra.instance !== this.options.instance) this.options.store.updateLiveExtra(record.id, this.extra(session, endpoint.port));
    this.options.leases?.moved(record.slot, this.options.leases.address(endpoint.port));
    session.save();
    this.hold(session, server);
    const where =
      endpoint.port === extra.port
        ? `on port ${endpoint.port}`
        : how.preferPort
          ? `on port ${endpoint.port} (port ${extra.port} was taken: participants' folders are now under ${endpoint.record.drillDir})`
          : `on port ${endpoint.port} (participants' folders are now under ${endpoint.record.drillDir})`;
    return `${session.code}: resumed ${where}, ${session.status}, ${session.participants.length} participants (${applied} inputs replayed in ${took} ms)`;
  }

  private extra(session: GameDaySession, port: number): Record<string, unknown> {
    const extra: SessionExtra = {
      code: session.code,
      adminToken: session.adminToken,
      settings: session.settings,
      createdAt: session.createdAt,
      port,
      ...(this.options.instance === undefined ? {} : { instance: this.options.instance }),
    };
    return { ...extra };
  }

  /** A session's own server, on a port of its own (`preferred` first, when given), with its folder, serve record and input log. */
  private async start(session: GameDaySession, how: { fresh: true } | { preferred: number | undefined; resume: { id: string; count: number } }): Promise<DrillServer> {
    const started = await startDrillServer({
      drill: session.drill,
      create: () => this.options.startServer(session),
      host: this.options.host,
      listen: { preferred: 'preferred' in how ? how.preferred : undefined, range: this.options.ports },
      workspace: {
        dataDir: this.options.dataDir,
        adminToken: session.adminToken,
        facilitatorToken: this.options.facilitatorToken,
        routed: this.options.fleetUrl ? { url: this.options.fleetUrl(), slot: sessionSlot(session.code) } : undefined,
      },
      inputs: { store: this.options.store, slot: sessionSlot(session.code), extra: (port) => this.extra(session, port), resume: 'resume' in how ? how.resume : undefined },
    });
    session.endpoint = { url: started.record.serverUrl, port: started.port, record: started.record };
    return started;
  }

  private hold(session: GameDaySession, server: DrillServer): void {
    this.registry.add(session);
    this.servers.set(session.code, server);
  }

  /** Sends a session's participants the current view now (after a control or a join). */
  push(code: string): void {
    this.servers.get(code.toUpperCase())?.server.pushView();
  }

  /** Live views connected across all sessions. */
  viewers(): number {
    let count = 0;
    for (const { server } of this.servers.values()) count += server.viewerCount();
    return count;
  }

  /** Where a session's finished drill is counted in the readiness metrics (its server's). */
  readiness(code: string): ((finished: FinishedDrill) => void) | undefined {
    const started = this.servers.get(code);
    return started ? (finished) => started.server.readiness.observe(finished) : undefined;
  }

  /** The session's drill is no longer live: its log is closed (a finished drill closed it already). */
  endLog(code: string, why: string): void {
    this.servers.get(code)?.log()?.end(why);
  }

  /** Stops a session's server and its drill; its records stay in the store. */
  async stop(session: GameDaySession): Promise<void> {
    const started = this.servers.get(session.code);
    this.servers.delete(session.code);
    session.drill.stop();
    if (started) await started.server.close();
    if (session.endpoint) removeServeRecord(this.options.dataDir, session.endpoint.port);
  }

  /**
   * Stops every session's server. A live session stays live: its log is kept, and the next
   * start on this store rebuilds it (a deploy of the trainer, as after a crash).
   */
  async stopAll(): Promise<void> {
    for (const session of this.registry.list()) {
      session.drill.detachInputs();
      // Its lease is left to expire: whoever starts next (this instance again, or another) takes it on.
      this.options.leases?.forget(sessionSlot(session.code));
      await this.stop(session);
    }
    this.registry.clear();
  }
}
