/**
 * Where a request's drill runs, for the router in front of each instance's main server (issue
 * 17: several `gameday serve` instances on one store). A participant's tools point at the public
 * address, whichever instance it lands on; the request names its drill by its token (routed:
 * `routeOf(sha256(token))`) or by an `X-Gameday-Drill` slot, and the slot's lease says which
 * server runs it now. This says only where: it grants nothing (the owner checks the token).
 *
 * The facilitator console's and the join page's requests for one session
 * (`/gameday/sessions/<CODE>…`, `/gameday/join/<CODE>…`) are the hub's, not the drill
 * server's: they go to the main server of the instance holding the session's lease (its
 * `instance:<owner>` lease's address), and are this server's own when this instance holds it or
 * nobody does (an ended session: its store rows answer anywhere).
 *
 * The answers are kept for a second at most, so a stream of kubectl calls costs one store
 * round trip a second per token, not one per request; a lease that moves is seen within it.
 */
import { GamedayError } from '../core/gameday-error';
import { instanceSlot, tokenHash } from './lease-keeper';

/** What the router reads of the store's lease and route tables (`DrillStore`'s methods of the same names). */
export interface RouteTable {
  routeOf(tokenHash: string): string | undefined;
  lease(slot: string): { slot: string; owner: string; address: string; expiresAt: number } | undefined;
  /** The expired leases whose drill is still live (being taken over). */
  expiredLeases(): Array<{ slot: string }>;
}

/** Where a request goes: this server's own drill (or none: the main server answers), a server by its lease, or nowhere yet. */
export type DrillLocation = { kind: 'local' } | { kind: 'remote'; slot: string; address: string } | { kind: 'moving'; slot: string };

/** What a request names its drill by. */
export interface DrillKey {
  /** The token it carries (`/as/<token>` or Bearer). */
  token?: string | undefined;
  /** The slot its `X-Gameday-Drill` header names. */
  slot?: string | undefined;
  /** Its path (no query): a game-day session's console and join paths name the session. */
  path?: string | undefined;
}

/** The header participants' curl sends in a fleet (from their `.curlrc`): routing only, no authority. */
export const drillHeader = 'x-gameday-drill';

/** How long an answer is kept: at most a second (a lease moves within its 6-s TTL). */
export const locateCacheMs = 1000;
const maxCached = 10_000;

/** A slot as the header may name one: a game-day session's, or an instance's solo drill. */
const slotPattern = /^(session:[A-Z0-9]{6}|solo:[^\s]{1,300})$/;

/** The hub's paths for one session: its console controls and results, and its join page. */
const sessionPath = /^\/gameday\/(?:sessions|join)\/([A-Za-z0-9]{6})(?:\/|$)/;

export interface DrillLocatorOptions {
  /** The slot of the main server's own drill, which is never forwarded (it may change: a fresh solo drill in a new slot). */
  localSlot: () => string | undefined;
  /** This instance (the leases' owner): a session whose lease it holds is its hub's. Without it, session paths are never routed. */
  owner?: string | undefined;
  /** The wall clock, in epoch ms: a lease past its expiry is a drill moving. */
  now?: () => number;
  cacheMs?: number;
}

export class DrillLocator {
  private readonly routes = new Map<string, { slot: string | undefined; at: number }>();
  private readonly leases = new Map<string, { lease: ReturnType<RouteTable['lease']>; at: number }>();
  private moving: { slots: Set<string>; at: number } | undefined;
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(
    private readonly table: RouteTable,
    private readonly options: DrillLocatorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheMs = Math.min(options.cacheMs ?? locateCacheMs, locateCacheMs);
  }

  /**
   * Where the request's drill is: a session's console or join path to its hub; else its token's
   * route first (the token is the person), else the header's slot.
   */
  locate(key: DrillKey): DrillLocation {
    const code = key.path === undefined || this.options.owner === undefined ? undefined : sessionPath.exec(key.path)?.[1];
    if (code !== undefined) return this.locateHub(`session:${code.toUpperCase()}`, this.options.owner!);
    const slot = (key.token === undefined ? undefined : this.routeOf(key.token)) ?? this.headerSlot(key.slot);
    if (slot === undefined || slot === this.options.localSlot()) return { kind: 'local' };
    const lease = this.leaseOf(slot);
    if (!lease || lease.expiresAt <= this.now()) return { kind: 'moving', slot };
    return { kind: 'remote', slot, address: lease.address };
  }

  /** Where a session's console and join page answer: the main server of the instance holding its lease. */
  private locateHub(slot: string, self: string): DrillLocation {
    const lease = this.leaseOf(slot);
    if (!lease || lease.owner === self) return { kind: 'local' };
    const now = this.now();
    // Expired: a live drill is being taken over; an ended one is nobody's, and its rows answer here.
    if (lease.expiresAt <= now) return this.isMoving(slot) ? { kind: 'moving', slot } : { kind: 'local' };
    const main = this.leaseOf(instanceSlot(lease.owner));
    // The owner's main server is not known (it is stopping, or runs a gameday from before instance leases): its session moves soon.
    if (!main || main.expiresAt <= now) return { kind: 'moving', slot };
    return { kind: 'remote', slot, address: main.address };
  }

  private isMoving(slot: string): boolean {
    const now = this.now();
    if (!this.moving || now - this.moving.at >= this.cacheMs) this.moving = { slots: new Set(this.table.expiredLeases().map((lease) => lease.slot)), at: now };
    return this.moving.slots.has(slot);
  }

  private headerSlot(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const slot = value.trim();
    if (!slotPattern.test(slot)) {
      throw new GamedayError('INVALID_PARAMETER', `the ${drillHeader} header names a drill slot, "session:<CODE>" (six letters and digits) as your .curlrc has it; got "${slot.slice(0, 40)}"`, {
        field: 'X-Gameday-Drill',
        allowed: ['session:<CODE>', 'solo:<instance>:<port>'],
      });
    }
    return slot;
  }

  private routeOf(token: string): string | undefined {
    const hash = tokenHash(token);
    const now = this.now();
    const cached = this.routes.get(hash);
    if (cached && now - cached.at < this.cacheMs) return cached.slot;
    const slot = this.table.routeOf(hash);
    remember(this.routes, hash, { slot, at: now });
    return slot;
  }

  private leaseOf(slot: string): ReturnType<RouteTable['lease']> {
    const now = this.now();
    const cached = this.leases.get(slot);
    if (cached && now - cached.at < this.cacheMs) return cached.lease;
    const lease = this.table.lease(slot);
    remember(this.leases, slot, { lease, at: now });
    return lease;
  }
}

/** Keeps an answer; a flood of made-up tokens empties the cache rather than growing it without bound. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= maxCached) cache.clear();
  cache.set(key, value);
}
