import { describe, expect, it } from 'vitest';
import { DrillLocator, type RouteTable } from './drill-locator';
import type { LeaseRecord } from '../storage/drill-store';
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
    expiredLeases: () => [],
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

  it("sends a session's console and join paths to the main server of the instance holding its lease", () => {
    let now = 1_000_000;
    const leases: Record<string, LeaseRecord> = {
      'session:ABC234': { slot: 'session:ABC234', owner: 'b', address: 'http://10.0.0.2:9101', expiresAt: now + 6000 },
      'instance:b': { slot: 'instance:b', owner: 'b', address: 'http://10.0.0.2:9090', expiresAt: now + 6000 },
      'session:MINE22': { slot: 'session:MINE22', owner: 'a', address: 'http://10.0.0.1:9101', expiresAt: now + 6000 },
      'session:DEAD22': { slot: 'session:DEAD22', owner: 'c', address: 'http://10.0.0.3:9101', expiresAt: now - 1 },
      'session:DONE22': { slot: 'session:DONE22', owner: 'c', address: 'http://10.0.0.3:9102', expiresAt: now - 1 },
      'session:OLDV22': { slot: 'session:OLDV22', owner: 'd', address: 'http://10.0.0.4:9101', expiresAt: now + 6000 },
    };
    const calls = { lease: 0, expiredLeases: 0 };
    const table: RouteTable = {
      routeOf: (hash) => (hash === tokenHash('ada-token') ? 'session:MINE22' : undefined),
      lease: (slot) => {
        calls.lease++;
        return leases[slot];
      },
      expiredLeases: () => {
        calls.expiredLeases++;
        // DEAD22's drill is live (being taken over); DONE22 ended before its instance stopped.
        return [leases['session:DEAD22']!];
      },
    };
    const locator = new DrillLocator(table, { localSlot: () => 'solo:a:9090', owner: 'a', now: () => now });
    const toB = { kind: 'remote', slot: 'session:ABC234', address: 'http://10.0.0.2:9090' };
    for (const path of ['/gameday/sessions/ABC234', '/gameday/sessions/ABC234/start', '/gameday/sessions/abc234/results', '/gameday/join/ABC234', '/gameday/join/ABC234/rejoin']) {
      expect(locator.locate({ path }), path).toEqual(toB);
    }
    // The path decides, whatever token the console sends (the facilitator's is routed nowhere; a participant's elsewhere).
    expect(locator.locate({ path: '/gameday/sessions/ABC234/pause', token: 'ada-token' })).toEqual(toB);
    // Its own session, one nobody holds, and paths naming no session: this server's.
    expect(locator.locate({ path: '/gameday/sessions/MINE22/end' })).toEqual({ kind: 'local' });
    expect(locator.locate({ path: '/gameday/join/NONE22' })).toEqual({ kind: 'local' });
    expect(locator.locate({ path: '/gameday/sessions' })).toEqual({ kind: 'local' });
    expect(locator.locate({ path: '/gameday/schedules/ABC234' })).toEqual({ kind: 'local' });
    expect(locator.locate({ path: '/gameday/sessions/ABC2345' })).toEqual({ kind: 'local' });
    // An expired lease: a live drill moving to another instance, or an ended one answered from its rows here.
    expect(locator.locate({ path: '/gameday/sessions/DEAD22/resume' })).toEqual({ kind: 'moving', slot: 'session:DEAD22' });
    expect(locator.locate({ path: '/gameday/sessions/DONE22/results' })).toEqual({ kind: 'local' });
    // The owner's main server not leased (a gameday from before instance leases, or stopping): moving.
    expect(locator.locate({ path: '/gameday/sessions/OLDV22' })).toEqual({ kind: 'moving', slot: 'session:OLDV22' });
    // Looked up at most once a second.
    expect(calls.expiredLeases).toBe(1);
    const before = calls.lease;
    locator.locate({ path: '/gameday/sessions/ABC234/hint' });
    expect(calls.lease).toBe(before);
    now += 1000;
    leases['instance:b'] = { ...leases['instance:b']!, address: 'http://10.0.0.9:9090' };
    expect(locator.locate({ path: '/gameday/join/ABC234' })).toMatchObject({ address: 'http://10.0.0.9:9090' });
  });

  it('routes no session path without knowing which instance it is (no shared store)', () => {
    const { table } = countingTable(Date.now);
    const locator = new DrillLocator(table, { localSlot: () => undefined });
    expect(locator.locate({ path: '/gameday/sessions/ABC234/start' })).toEqual({ kind: 'local' });
  });

  it('refuses a header that names no slot, naming the header and what it takes', () => {
    const locator = new DrillLocator(countingTable(Date.now).table, { localSlot: () => undefined });
    expect(() => locator.locate({ slot: 'blue team' })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', field: 'X-Gameday-Drill', allowed: ['session:<CODE>', 'solo:<instance>:<port>'] }));
  });
});
