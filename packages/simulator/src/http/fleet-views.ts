/**
 * Live views across instances that share one PostgreSQL (`gameday serve --store postgres://…`).
 *
 * Each instance's MAIN socket.io server carries `@socket.io/postgres-adapter` (LISTEN/NOTIFY on
 * the store's own database: no second engine), over a small async `pg` Pool of its own in the
 * main thread (pub/sub, not the blocking store). A viewer may connect to any instance's main
 * port with a token of any live drill of the fleet: the route table (`routeOf(sha256(token))`,
 * written by the owner when the token was made) says which slot it acts in, and a hash found
 * there is proof of the token, since only the token hashes to it. The socket joins room
 * `view:<slot>`, and its instance asks the fleet for that slot (`view-wanted`); the owner
 * answers the socket with `me` (who the token is in its drill, which only the owner knows) and
 * publishes the view at once, then with each view its drill server pushes, at most once a
 * second, for as long as some instance keeps saying it has viewers (every 5 s).
 *
 * A view is ~15–17 KB of JSON, over NOTIFY's 8000-byte limit, past which the adapter writes each
 * message to an attachment table that every instance then reads back (an INSERT and one SELECT
 * per instance, per view). Deflated and in base64 it is ~5 KB, so the owner sends it so, as a
 * server-side event that stays one NOTIFY, and each instance with viewers of the slot inflates
 * it and emits it to its own sockets of the room (a view that still exceeds the limit takes the
 * adapter's attachment path: slower, not lost).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Pool } from 'pg';
import type { Server, Socket } from 'socket.io';
import type { TraineeView } from '../drill/trainee-view';
import { tokenHash } from '../gameday/lease-keeper';

/** Who a token is in a drill, as the trainer UI learns it (`me`): null for the drill's admin token. */
export interface ViewerIdentity {
  name: string;
  role: string;
  permissions: string[];
}

/** A drill this instance runs, as the fleet sees it. */
export interface ViewSource {
  view(): TraineeView;
  /** Who the token with this sha256 is here: an identity, null for the drill's admin token, undefined for no one. */
  who(tokenHash: string): ViewerIdentity | null | undefined;
}

export interface FleetViewsOptions {
  /** The store's PostgreSQL URL. */
  url: string;
  /** The route table's lookup (the store's `routeOf`). */
  routeOf(tokenHash: string): string | undefined;
  /** Reports what failed away from any request (the adapter's errors). */
  log?: ((message: string) => void) | undefined;
  /** How often an instance with viewers of a slot says so again; the owner publishes while heard within 3×. Tests shorten it. */
  interestMs?: number | undefined;
}

export const viewRoom = (slot: string) => `view:${slot}`;

/** The adapter's table for messages over NOTIFY's limit (the package's documented schema). */
const attachmentsTable = 'socket_io_attachments';
/** Views of one slot are published at most this often (ms), but for the one a new viewer asked for. */
const publishEveryMs = 950;

interface WantedMessage {
  slot: string;
  tokenHash?: string;
  socket?: string;
}

export class FleetViews {
  private io: Server | undefined;
  private readonly owned = new Map<string, ViewSource>();
  /** Slots this instance owns that another instance has viewers of: when it last said so. */
  private readonly heard = new Map<string, number>();
  private readonly published = new Map<string, number>();
  private readonly interestMs: number;
  private renewal: NodeJS.Timeout | undefined;
  /** Views published to the fleet, and their compressed sizes (for the figures). */
  readonly counters = { published: 0, bytes: 0 };

  private constructor(
    private readonly options: FleetViewsOptions,
    private readonly pool: Pool,
    private readonly createAdapter: (pool: Pool, options: { tableName: string; errorHandler: (error: Error) => void }) => unknown,
  ) {
    this.interestMs = options.interestMs ?? 5000;
  }

  /** Loads pg and the adapter (only here: a server without `--store` never does), and makes the adapter's table. */
  static async connect(options: FleetViewsOptions): Promise<FleetViews> {
    const [{ default: pg }, adapterModule] = await Promise.all([import('pg'), import('@socket.io/postgres-adapter')]);
    // A CommonJS package: bundled, its exports may sit under `default` only.
    const adapter = (adapterModule as unknown as { default?: typeof adapterModule }).default ?? adapterModule;
    const pool = new pg.Pool({ connectionString: options.url, max: 4, application_name: 'gameday-views' });
    pool.on('error', (error) => options.log?.(`live views: ${error.message}`));
    const client = await pool.connect();
    try {
      // Instances starting together would race CREATE TABLE IF NOT EXISTS on the type's name.
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('gameday socket.io attachments'))");
      await client.query(`CREATE TABLE IF NOT EXISTS ${attachmentsTable} (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      await pool.end();
      throw new Error(`live views: could not prepare PostgreSQL's ${attachmentsTable} table: ${error instanceof Error ? error.message : String(error)}`);
    }
    client.release();
    return new FleetViews(options, pool, adapter.createAdapter as never);
  }

  /** The adapter for the main socket.io server (its `adapter` option). */
  adapter(): never {
    return this.createAdapter(this.pool, { tableName: attachmentsTable, errorHandler: (error) => this.options.log?.(`live views: ${error.message}`) }) as never;
  }

  /** Listens for the fleet's messages on the main server's socket.io. */
  attach(io: Server): void {
    this.io = io;
    io.on('view-wanted', (message: WantedMessage) => this.wanted(message, false));
    io.on('view-published', (slot: string, compressed: string) => this.received(slot, compressed));
    this.renewal = setInterval(() => this.renew(), this.interestMs);
    this.renewal.unref();
  }

  /** The slot a token acts in, if the route table knows the token. */
  slotOf(token: string): { slot: string; tokenHash: string } | undefined {
    const hash = tokenHash(token);
    const slot = this.options.routeOf(hash);
    return slot === undefined ? undefined : { slot, tokenHash: hash };
  }

  /** A viewer admitted by its route: it joins the slot's room, and the owner is asked for it. */
  watch(socket: Socket, slot: string, hash: string): void {
    void socket.join(viewRoom(slot));
    const message: WantedMessage = { slot, tokenHash: hash, socket: socket.id };
    if (this.owned.has(slot)) this.wanted(message, true);
    else this.io?.serverSideEmit('view-wanted', message);
  }

  /** A drill server of this instance runs `slot`: its views go to the fleet while someone watches. Returns the release. */
  own(slot: string, source: ViewSource): () => void {
    this.owned.set(slot, source);
    return () => {
      if (this.owned.get(slot) !== source) return;
      this.owned.delete(slot);
      this.heard.delete(slot);
      this.published.delete(slot);
    };
  }

  /** A drill server pushed its view: published when someone watches, at most once a second. */
  pushed(slot: string, view: () => TraineeView): void {
    const last = this.published.get(slot);
    if (last !== undefined && Date.now() - last < publishEveryMs) return;
    if (this.localViewers(slot) === 0 && !this.remoteWants(slot)) return;
    this.publish(slot, view());
  }

  private localViewers(slot: string): number {
    return this.io?.of('/').adapter.rooms.get(viewRoom(slot))?.size ?? 0;
  }

  private remoteWants(slot: string): boolean {
    const at = this.heard.get(slot);
    return at !== undefined && Date.now() - at < 3 * this.interestMs;
  }

  private publish(slot: string, view: TraineeView): void {
    const io = this.io;
    if (!io) return;
    this.published.set(slot, Date.now());
    if (this.localViewers(slot) > 0) io.local.to(viewRoom(slot)).emit('view', view);
    if (!this.remoteWants(slot)) return;
    // The fastest level: ~0.4 ms a view against ~0.7 ms at the default, for 5.3 KB instead of 4.6 KB.
    const compressed = deflateRawSync(JSON.stringify(view), { level: 1 }).toString('base64');
    this.counters.published += 1;
    this.counters.bytes += compressed.length;
    io.serverSideEmit('view-published', slot, compressed);
  }

  /** An instance has a viewer of `slot` (a new one names its socket and token): the owner answers. */
  private wanted(message: WantedMessage, local: boolean): void {
    const io = this.io;
    const source = this.owned.get(message.slot);
    if (!io || !source) return;
    const wasWanted = this.remoteWants(message.slot);
    if (!local) this.heard.set(message.slot, Date.now());
    if (message.socket !== undefined && message.tokenHash !== undefined) {
      const to = local ? io.local.to(message.socket) : io.to(message.socket);
      const who = source.who(message.tokenHash);
      if (who === undefined) {
        // A route names this drill, but the token is no one's here now: refused by the owner.
        to.emit('refused', 'unauthorized: this link is no longer valid for this drill; join again from the game-day link');
        to.disconnectSockets(true);
        return;
      }
      to.emit('me', who);
      this.publish(message.slot, source.view());
      return;
    }
    // A renewal of a slot already published to the fleet changes nothing: the drill's next push
    // publishes it within the second. Publishing here too would make every owner build, deflate
    // and send all its watched slots' views in one burst every 5 s (with 150 slots watched from
    // another instance, p99 event-loop delays of 30-45 ms and stalls of ~0.4 s on both).
    if (!wasWanted) this.publish(message.slot, source.view());
  }

  private received(slot: string, compressed: string): void {
    const io = this.io;
    if (!io || this.localViewers(slot) === 0) return;
    try {
      const view = JSON.parse(inflateRawSync(Buffer.from(compressed, 'base64')).toString('utf8')) as TraineeView;
      io.local.to(viewRoom(slot)).emit('view', view);
    } catch (error) {
      this.options.log?.(`live views: a view of ${slot} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Says again which slots this instance has viewers of, so their owners keep publishing. */
  private renew(): void {
    const io = this.io;
    if (!io) return;
    for (const [room, members] of io.of('/').adapter.rooms) {
      if (!room.startsWith('view:') || members.size === 0) continue;
      const slot = room.slice('view:'.length);
      if (!this.owned.has(slot)) io.serverSideEmit('view-wanted', { slot } satisfies WantedMessage);
    }
  }

  /** After the main socket.io server closed (which closes the adapter's LISTEN connection). */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    this.io = undefined;
    await this.pool.end();
  }
}
