import { describe, expect, it } from 'vitest';
import { DrillLocator, type RouteTable } from './drill-locator';
import { tokenHash } from './lease-keeper';

function countingTable(now: () => number) {
  const calls = { routeOf: 0, lease: 0 };
  const table: RouteTable = {
    routeOf: (hash) => {
      calls.routeOf++;
      return hash === tokenHash('ada-token') ? 'session:ABC234' : hash === tokenHash('own-token') ? 'solo:me:9090' : undefined;
    },
    lease: (slot) => {
      calls.lease++;
      return slot === 'session:ABC234' ? { slot, owner: 'b', address: 'http://10.0.0.2:9101', expiresAt: now() + 6000 } : slot === 'session:OLD234' ? { slot, owner: 'c', address: 'http://10.0.0.3:9101', expiresAt: now() - 1 } : undefined;
    },
  };
  return { table, calls };
}

describe('DrillLocator', () => {
  it("finds a drill by its token's route, else by the header's slot, and leaves the main server's own drill local", () => {
    let now = 1_000_000;
    const { table } = countingTable(() => now);
    const locator = new DrillLocator(table, { localSlot: () => 'solo:me:9090', now: () => now });
    expect(locator.locate({ token: 'ada-token' })).toEqual({ kind: 'remote', slot: 'session:ABC234', address: 'http://10.0.0.2:9101' });
    expect(locator.locate({ slot: 'session:ABC234' })).toEqual({ kind: 'remote', slot: 'session:ABC234', address: 'http://10.0.0.2:9101' });
    // The token is the person: its route wins over a header naming another slot.
    expect(locator.locate({ token: 'ada-token', slot: 'session:OLD234' })).toMatchObject({ slot: 'session:ABC234' });
    expect(locator.locate({ token: 'own-token' })).toEqual({ kind: 'local' });
    expect(locator.locate({ token: 'no-ones-token' })).toEqual({ kind: 'local' });
    expect(locator.locate({})).toEqual({ kind: 'local' });
    now += 5000;
    expect(locator.locate({ slot: 'session:OLD234' })).toEqual({ kind: 'moving', slot: 'session:OLD234' });
    expect(locator.locate({ slot: 'session:NONE22' })).toEqual({ kind: 'moving', slot: 'session:NONE22' });
  });

  it('asks the store at most once a second per token and per slot', () => {
    let now = 1_000_000;
    const { table, calls } = countingTable(() => now);
    const locator = new DrillLocator(table, { localSlot: () => undefined, now: () => now });
    for (let i = 0; i < 200; i++) {
      locator.locate({ token: 'ada-token' });
      now += 4;
    }
    // 800 ms of kubectl calls: one lookup each.
    expect(calls).toEqual({ routeOf: 1, lease: 1 });
    now += 300;
    locator.locate({ token: 'ada-token' });
    expect(calls).toEqual({ routeOf: 2, lease: 2 });
  });

  it('refuses a header that names no slot, naming the header and what it takes', () => {
    const locator = new DrillLocator(countingTable(Date.now).table, { localSlot: () => undefined });
    expect(() => locator.locate({ slot: 'blue team' })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'X-Gameday-Drill', allowed: ['session:<CODE>', 'solo:<instance>:<port>'] }));
  });
});
