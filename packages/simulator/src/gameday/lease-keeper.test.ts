import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import type { LeaseRecord } from '../storage/drill-store';
import { advertiseHost, LeaseKeeper, tokenHash } from './lease-keeper';

const stores: SqliteDrillStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function keeper(options: { owner?: string; ttlMs?: number; adopt?: (lease: LeaseRecord) => Promise<string | undefined> } = {}) {
  const store = new SqliteDrillStore(':memory:');
  stores.push(store);
  const logged: string[] = [];
  const leases = new LeaseKeeper({ store, owner: options.owner ?? 'a', advertise: '127.0.0.1', ttlMs: options.ttlMs, adopt: options.adopt ?? (async () => undefined), log: (message) => logged.push(message) });
  return { store, leases, logged };
}

describe('LeaseKeeper', () => {
  it('claims a slot, routes tokens by their sha256, and releases it', () => {
    const { store, leases } = keeper();
    expect(leases.claim('session:AAAAAA', leases.address(9101), () => undefined)).toBe(true);
    expect(store.lease('session:AAAAAA')).toMatchObject({ owner: 'a', address: 'http://127.0.0.1:9101' });
    expect(leases.holds('session:AAAAAA')).toBe(true);
    leases.route('secret-token', 'session:AAAAAA');
    expect(tokenHash('secret-token')).toBe(createHash('sha256').update('secret-token').digest('hex'));
    expect(store.routeOf(tokenHash('secret-token'))).toBe('session:AAAAAA');
    leases.moved('session:AAAAAA', leases.address(9102));
    expect(store.lease('session:AAAAAA')?.address).toBe('http://127.0.0.1:9102');
    leases.release('session:AAAAAA');
    expect(store.lease('session:AAAAAA')).toBeUndefined();
    expect(leases.holds('session:AAAAAA')).toBe(false);
  });

  it('refuses a slot another owner holds, and stops a slot a renewal finds taken', async () => {
    const { store, leases, logged } = keeper({ ttlMs: 20 });
    expect(store.claimLease('session:BBBBBB', 'b', 'http://127.0.0.1:9201', 60_000)).toBe(true);
    expect(leases.claim('session:BBBBBB', leases.address(9101), () => undefined)).toBe(false);
    let lost = 0;
    expect(leases.claim('session:AAAAAA', leases.address(9101), () => lost++)).toBe(true);
    leases.renew();
    expect(lost).toBe(0);
    // This instance stalled past its lease; another took the slot.
    await waitMs(40);
    expect(store.claimLease('session:AAAAAA', 'b', 'http://127.0.0.1:9202', 60_000)).toBe(true);
    leases.renew();
    expect(lost).toBe(1);
    expect(leases.holds('session:AAAAAA')).toBe(false);
    expect(logged).toEqual(['session:AAAAAA is leased by another instance now: its drill is stopped here']);
    expect(store.lease('session:AAAAAA')?.owner).toBe('b');
  });

  it('adopts the expired leases of live drills, not those it holds or whose drill ended', async () => {
    const adopted: string[] = [];
    const { store, leases, logged } = keeper({
      adopt: async (lease) => {
        if (!leases.claim(lease.slot, lease.address, () => undefined)) return undefined;
        adopted.push(`${lease.slot} from ${lease.owner}`);
        return `${lease.slot}: resumed`;
      },
    });
    const live = (id: string, slot: string) => store.beginLive({ id, slot, options: {}, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
    live('one', 'session:AAAAAA');
    live('two', 'solo:dead:/data:9090');
    live('three', 'session:CCCCCC');
    store.endLive('three', 'finished');
    for (const slot of ['session:AAAAAA', 'solo:dead:/data:9090', 'session:CCCCCC']) store.claimLease(slot, 'dead', 'http://127.0.0.1:9000', 1);
    await waitMs(10);
    expect(await leases.scan()).toEqual(['session:AAAAAA: resumed', 'solo:dead:/data:9090: resumed']);
    expect(adopted).toEqual(['session:AAAAAA from dead', 'solo:dead:/data:9090 from dead']);
    expect(store.lease('session:AAAAAA')?.owner).toBe('a');
    expect(logged).toEqual(['took over session:AAAAAA: resumed', 'took over solo:dead:/data:9090: resumed']);
    // Held now and renewed: nothing more to take.
    expect(leases.renew()).toBeUndefined();
    expect(await leases.scan()).toEqual([]);
  });

  it('says why when a takeover fails, and goes on with the others', async () => {
    const { store, leases, logged } = keeper({
      adopt: async (lease) => {
        if (lease.slot === 'session:AAAAAA') throw new Error('no free port');
        return `${lease.slot}: resumed`;
      },
    });
    for (const slot of ['session:AAAAAA', 'session:BBBBBB']) {
      store.beginLive({ id: slot, slot, options: {}, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
      store.claimLease(slot, 'dead', 'http://127.0.0.1:9000', 1);
    }
    await waitMs(10);
    expect(await leases.scan()).toEqual(['session:BBBBBB: resumed']);
    expect(logged[0]).toBe('could not take over session:AAAAAA from dead: no free port');
  });
});

describe('advertiseHost', () => {
  it('is --advertise, else the listening host unless it is every address, else the machine: never the public host (a load balancer)', () => {
    expect(advertiseHost({ advertise: 'gd-1.internal', host: '0.0.0.0' })).toBe('gd-1.internal');
    expect(advertiseHost({ host: '10.0.0.7' })).toBe('10.0.0.7');
    expect(advertiseHost({ host: '127.0.0.1' })).toBe('127.0.0.1');
    expect(advertiseHost({ host: '0.0.0.0' })).toBe(hostname());
  });
});
