/**
 * Solo drills this instance took over from a dead instance (a shared store): each rebuilt from
 * its inputs with its own tokens and hosted as a drill server on a session port of this
 * instance, its lease pointing there and its admin token routed to its slot. The instance that
 * ran it, started again, finds the slot leased to a live owner and starts a drill of its own.
 */
import type { FastifyInstance } from 'fastify';
import type { Drill, DrillOptions } from '../drill/drill';
import { replayDrill } from '../drill/drill-inputs';
import { removeServeRecord } from '../drill/drill-workspace';
import type { DrillStore, LeaseRecord } from '../storage/drill-store';
import type { AlertNotice } from '../world/alert-webhook';
import { startDrillServer, type DrillServer } from './drill-server';
import type { LeaseKeeper } from './lease-keeper';

export const soloSlotPrefix = 'solo:';

/** Builds the HTTP app around a taken-over solo drill (`createServer`, injected: this layer sits below http/). */
/** Starts an adopted drill's server; `slot` names it to the fleet's live views. */
export type SoloServerFactory = (drill: Drill, tokens: { admin: string; facilitator: string }, slot: string) => Promise<FastifyInstance>;

export interface AdoptedSoloDrillsOptions {
  store: DrillStore;
  leases: LeaseKeeper;
  dataDir: string;
  host: string;
  /** This instance's session ports: a taken-over drill listens on one. */
  ports?: { from: number; to: number } | undefined;
  startServer: SoloServerFactory;
  onAlert?: ((notice: AlertNotice) => void) | undefined;
}

export class AdoptedSoloDrills {
  private readonly servers = new Map<string, { drill: Drill; started: DrillServer }>();

  constructor(private readonly options: AdoptedSoloDrillsOptions) {}

  /** Takes over a dead instance's solo drill; resolves to what was done, or nothing when the slot is not a solo drill's or was taken first. */
  async adopt(lease: LeaseRecord): Promise<string | undefined> {
    if (!lease.slot.startsWith(soloSlotPrefix) || this.servers.has(lease.slot)) return undefined;
    const { store, leases } = this.options;
    const record = store.liveDrills().find((candidate) => candidate.slot === lease.slot);
    if (!record) return undefined;
    if (!leases.claim(lease.slot, lease.address, () => void this.lost(lease.slot))) return undefined;
    const inputs = store.liveInputs(record.id);
    const { drill, divergence } = replayDrill({ ...(record.options as unknown as DrillOptions), ...(this.options.onAlert ? { onAlert: this.options.onAlert } : {}) }, inputs);
    if (divergence) {
      drill.stop();
      store.endLive(record.id, `diverged at input ${divergence.index} when taken over`);
      leases.release(lease.slot);
      return `${lease.slot}: ENDED: its drill did not rebuild the same at input ${divergence.index} (${divergence.parts.join('; ')})`;
    }
    const tokens = { admin: String(record.extra.adminToken), facilitator: String(record.extra.facilitatorToken) };
    let started: DrillServer;
    try {
      started = await startDrillServer({
        drill,
        create: () => this.options.startServer(drill, tokens, lease.slot),
        host: this.options.host,
        listen: { range: this.options.ports },
        workspace: { dataDir: this.options.dataDir, adminToken: tokens.admin, facilitatorToken: tokens.facilitator },
        inputs: { store, slot: lease.slot, extra: () => record.extra, resume: { id: record.id, count: inputs.length } },
      });
    } catch (error) {
      drill.stop();
      // Not ended: another instance may host it where this one could not.
      leases.forget(lease.slot);
      throw error;
    }
    this.servers.set(lease.slot, { drill, started });
    leases.moved(lease.slot, leases.address(started.port));
    leases.route(tokens.admin, lease.slot);
    return `${lease.slot}: solo drill ${drill.scenario.id} resumed on port ${started.port} (${inputs.length} inputs replayed) from ${lease.owner}`;
  }

  /** Another instance holds the slot now: the drill is stopped here, its log left to the new owner. */
  private async lost(slot: string): Promise<void> {
    const held = this.servers.get(slot);
    if (!held) return;
    this.servers.delete(slot);
    held.drill.detachInputs();
    held.drill.stop();
    await held.started.server.close();
    removeServeRecord(this.options.dataDir, held.started.port);
  }

  /** Stops every taken-over drill's server; each stays live in the store, its lease left to expire. */
  async closeAll(): Promise<void> {
    for (const slot of [...this.servers.keys()]) {
      this.options.leases.forget(slot);
      await this.lost(slot);
    }
  }
}
