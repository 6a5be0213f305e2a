/**
 * The leases this instance holds on the live drill slots it runs, with a store shared by
 * several instances (`--store postgres://…`): one claimed for each slot it opens, all renewed
 * every 2 s for 6 s, released when a slot ends, and every ~1 s (jittered, so instances do not
 * scan in step) the expired leases of live drills are taken over by `adopt`. A renewal that no
 * longer holds a slot (another instance took it while this one stalled) stops the drill here
 * through the slot's `onLost`: never two live owners.
 *
 * Also the token routes: the sha256 of each token that acts in a slot, so any instance can
 * tell where a request carrying it belongs.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { DrillStore, LeaseRecord } from '../storage/drill-store';

export const leaseTtlMs = 6000;
export const leaseRenewMs = 2000;
export const leaseScanMs = 1000;

/** The hex sha256 of a token: what a route is kept under (never the token itself). */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The lease naming an instance's main server (its address `http://<advertise>:<main port>`):
 * where other instances send the console's and join page's requests for the sessions it holds.
 */
export const instanceSlot = (owner: string): string => `instance:${owner}`;

/**
 * The host other instances reach this one at: `--advertise`, else the listening host unless it is
 * every address, else the machine's name. Never the public host: behind a load balancer that is
 * the balancer's name, and a request forwarded there would land on any instance, not this one.
 */
export function advertiseHost(options: { advertise?: string | undefined; host: string }): string {
  if (options.advertise) return options.advertise;
  return options.host === '0.0.0.0' || options.host === '::' ? hostname() : options.host;
}

export interface LeaseKeeperOptions {
  store: DrillStore;
  /** This instance (`hostname:dataDir`): the leases' owner. */
  owner: string;
  /** The host in the addresses this instance leases slots at. */
  advertise: string;
  /** Takes over an expired lease's slot (claiming it first); resolves to a line saying what was adopted, or nothing. */
  adopt: (lease: LeaseRecord) => Promise<string | undefined>;
  log: (message: string) => void;
  ttlMs?: number | undefined;
  renewMs?: number | undefined;
  scanMs?: number | undefined;
}

export class LeaseKeeper {
  private readonly held = new Map<string, () => void>();
  private readonly adopting = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  get owner(): string {
    return this.options.owner;
  }

  private get ttl(): number {
    return this.options.ttlMs ?? leaseTtlMs;
  }

  /** The base URL of a server of this instance listening on `port`. */
  address(port: number): string {
    return `http://${this.options.advertise.includes(':') ? `[${this.options.advertise}]` : this.options.advertise}:${port}`;
  }

  /**
   * Takes `slot` when it is free, expired or already this instance's; true if held now. `onLost`
   * stops the slot's drill here should a renewal find the slot taken by another.
   */
  claim(slot: string, address: string, onLost: () => void): boolean {
    if (!this.options.store.claimLease(slot, this.owner, address, this.ttl)) return false;
    this.held.set(slot, onLost);
    return true;
  }

  /** The slot's server listens elsewhere now (a rebuilt drill on a port of this instance): its lease says so. */
  moved(slot: string, address: string): void {
    if (this.held.has(slot) && !this.options.store.claimLease(slot, this.owner, address, this.ttl)) this.lose(slot);
  }

  /** The slot is closed here: its lease is given up. */
  release(slot: string): void {
    this.held.delete(slot);
    this.options.store.releaseLease(slot, this.owner);
  }

  /** This instance stops keeping `slot` without giving it up: it expires, and another instance (or this one restarted) takes it on. */
  forget(slot: string): void {
    this.held.delete(slot);
  }

  holds(slot: string): boolean {
    return this.held.has(slot);
  }

  /** Requests carrying `token` act in `slot`. */
  route(token: string, slot: string): void {
    this.options.store.addRoute(tokenHash(token), slot);
  }

  start(): void {
    this.stopped = false;
    this.renewTimer = setInterval(() => this.renew(), this.options.renewMs ?? leaseRenewMs);
    this.renewTimer.unref();
    this.scheduleScan();
  }

  /** Stops renewing and scanning; the leases held are left to expire (a live drill stays live for whoever takes it). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.renewTimer);
    clearTimeout(this.scanTimer);
  }

  /** Renews every lease held; a slot no longer held is stopped here. */
  renew(): void {
    let kept: Set<string>;
    try {
      kept = new Set(this.options.store.renewLeases(this.owner, this.ttl));
    } catch (error) {
      // The store is out of reach: nobody can take a slot over without it either.
      this.options.log(`could not renew leases: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const slot of [...this.held.keys()]) if (!kept.has(slot)) this.lose(slot);
  }

  /** Takes over every expired lease of a live drill, one after another. */
  async scan(): Promise<string[]> {
    let expired: LeaseRecord[];
    try {
      expired = this.options.store.expiredLeases();
    } catch (error) {
      this.options.log(`could not look for expired leases: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
    const lines: string[] = [];
    for (const lease of expired) {
      if (this.stopped || this.held.has(lease.slot) || this.adopting.has(lease.slot)) continue;
      this.adopting.add(lease.slot);
      try {
        const line = await this.options.adopt(lease);
        if (line) lines.push(line);
      } catch (error) {
        this.options.log(`could not take over ${lease.slot} from ${lease.owner}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.adopting.delete(lease.slot);
      }
    }
    for (const line of lines) this.options.log(`took over ${line}`);
    return lines;
  }

  private lose(slot: string): void {
    const onLost = this.held.get(slot);
    this.held.delete(slot);
    this.options.log(`${slot} is leased by another instance now: its drill is stopped here`);
    onLost?.();
  }

  private scheduleScan(): void {
    if (this.stopped) return;
    const every = this.options.scanMs ?? leaseScanMs;
    // ±25 %: instances started together drift apart instead of racing for each lease every time.
    const delay = every * (0.75 + Math.random() * 0.5);
    this.scanTimer = setTimeout(() => {
      void this.scan().finally(() => this.scheduleScan());
    }, delay);
    this.scanTimer.unref();
  }
}
