/**
 * Where a request's drill runs, for the router in front of each instance's main server (issue
 * 17: several `gameday serve` instances on one store). A participant's tools point at the public
 * address, whichever instance it lands on; the request names its drill by its token (routed:
 * `routeOf(sha256(token))`) or by an `X-Gameday-Drill` slot, and the slot's lease says which
 * server runs it now. This says only where: it grants nothing (the owner checks the token).
 *
 * The answers are kept for a second at most, so a stream of kubectl calls costs one store
 * round trip a second per token, not one per request; a lease that moves is seen within it.
 */
import { GamedayError } from '../core/gameday-error';
import { tokenHash } from './lease-keeper';

/** What the router reads of the store's lease and route tables (`DrillStore`'s methods of the same names). */
export interface RouteTable {
  routeOf(tokenHash: string): string | undefined;
  lease(slot: string): { slot: string; owner: string; address: string; expiresAt: number } | undefined;
}

/** Where a request goes: this server's own drill (or none: the main server answers), a server by its lease, or nowhere yet. */
export type DrillLocation = { kind: 'local' } | { kind: 'remote'; slot: string; address: string } | { kind: 'moving'; slot: string };

/** What a request names its drill by. */
export interface DrillKey {
  /** The token it carries (`/as/<token>` or Bearer). */
  token?: string | undefined;
  /** The slot its `X-Gameday-Drill` header names. */
  slot?: string | undefined;
}

/** The header participants' curl sends in a fleet (from their `.curlrc`): routing only, no authority. */
export const drillHeader = 'x-gameday-drill';

/** How long an answer is kept: at most a second (a lease moves within its 6-s TTL). */
export const locateCacheMs = 1000;
const maxCached = 10_000;

/** A slot as the header may name one: a game-day session's, or an instance's solo drill. */
const slotPattern = /^(session:[A-Z0-9]{6}|solo:[^\s]{1,300})$/;

export interface DrillLocatorOptions {
  /** The slot of the main server's own drill, which is never forwarded (it may change: a fresh solo drill in a new slot). */
  localSlot: () => string | undefined;
  /** The wall clock, in epoch ms: a lease past its expiry is a drill moving. */
  now?: () => number;
  cacheMs?: number;
}

export class DrillLocator {
  private readonly routes = new Map<string, { slot: string | undefined; at: number }>();
  private readonly leases = new Map<string, { lease: ReturnType<RouteTable['lease']>; at: number }>();
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(
    private readonly table: RouteTable,
    private readonly options: DrillLocatorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheMs = Math.min(options.cacheMs ?? locateCacheMs, locateCacheMs);
  }

  /** Where the request's drill is: its token's route first (the token is the person), else the header's slot. */
  locate(key: DrillKey): DrillLocation {
    const slot = (key.token === undefined ? undefined : this.routeOf(key.token)) ?? this.headerSlot(key.slot);
    if (slot === undefined || slot === this.options.localSlot()) return { kind: 'local' };
    const lease = this.leaseOf(slot);
    if (!lease || lease.expiresAt <= this.now()) return { kind: 'moving', slot };
    return { kind: 'remote', slot, address: lease.address };
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
