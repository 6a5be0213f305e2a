import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { freezeKey, LeaderboardFreeze } from './leaderboard-freeze';

const stores: SqliteDrillStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

describe('LeaderboardFreeze', () => {
  it("alone, is the process's own: the first freeze's instant kept until thawed", () => {
    const freeze = new LeaderboardFreeze();
    expect(freeze.frozenAt).toBeNull();
    expect(freeze.set(true, new Date('2026-12-01T14:00:00Z'))).toBe('2026-12-01T14:00:00.000Z');
    expect(freeze.set(true, new Date('2026-12-01T14:05:00Z'))).toBe('2026-12-01T14:00:00.000Z');
    expect(freeze.set(false)).toBeNull();
    freeze.frozenAt = '2026-12-01T15:00:00.000Z';
    expect(freeze.frozenAt).toBe('2026-12-01T15:00:00.000Z');
  });

  it("on a shared store, is the fleet's: one instance freezes, the others see it within a second, and thaw with it", () => {
    const store = new SqliteDrillStore(':memory:');
    stores.push(store);
    let now = 1_000_000;
    const a = new LeaderboardFreeze({ store, now: () => now });
    const b = new LeaderboardFreeze({ store, now: () => now });
    expect(b.frozenAt).toBeNull();
    expect(a.set(true, new Date('2026-12-01T14:00:00Z'))).toBe('2026-12-01T14:00:00.000Z');
    expect(store.sharedValue(freezeKey)).toBe('2026-12-01T14:00:00.000Z');
    // B read it a moment ago: it trusts that for under a second, then reads the store again.
    now += 999;
    expect(b.frozenAt).toBeNull();
    now += 1;
    expect(b.frozenAt).toBe('2026-12-01T14:00:00.000Z');
    // A second freeze, on B, keeps A's instant.
    expect(b.set(true, new Date('2026-12-01T14:05:00Z'))).toBe('2026-12-01T14:00:00.000Z');
    expect(b.set(false)).toBeNull();
    // A last read the store a second ago: it reads the thaw.
    expect(a.frozenAt).toBeNull();
  });

  it('never trusts what it read for more than a second, whatever it is told', () => {
    const store = new SqliteDrillStore(':memory:');
    stores.push(store);
    let now = 0;
    const freeze = new LeaderboardFreeze({ store, now: () => now, cacheMs: 60_000 });
    expect(freeze.frozenAt).toBeNull();
    store.setSharedValue(freezeKey, '2026-12-01T14:00:00.000Z');
    now = 1000;
    expect(freeze.frozenAt).toBe('2026-12-01T14:00:00.000Z');
  });
});
