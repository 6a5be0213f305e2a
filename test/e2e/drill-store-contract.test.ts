/**
 * One suite for every DrillStore (issue 17, 2): the embedded SQLite store and PostgreSQL (a real
 * server started here on a free loopback port) must keep and answer the same. Then what only a
 * shared store does: two stores on one database see each other's writes, migrate once when they
 * start together, and keep values as values (parameters, never SQL text).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameDayScheduler, PostgresDrillStore, SimClock, SqliteDrillStore, StoreError, type DrillScore, type DrillStore, type FinishedDrill, type SchedulerClock } from '@gameday/simulator';
import { postgresBinDir, startPostgres, type PostgresServer } from './support/postgres-server';

const score = (total: number, ttrMs: number | null, rulesVersion = 2): DrillScore =>
  ({ total, max: 100, scenario: 'rollback-storm', trueSeverity: 'P1', ttaMs: 1000, ttmMs: null, ttrMs, dimensions: [], actions: [], harmful: [], injected: [], rulesVersion, outcome: null });

const drill = (id: string, trainee: string, total: number, options: Partial<FinishedDrill> = {}): FinishedDrill => ({
  id,
  trainee,
  team: 'blue',
  scenario: 'rollback-storm',
  difficulty: 'normal',
  ranked: true,
  score: score(total, 120_000),
  finishedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3_600_000_000,
  impact: { rollbacks: 3, errors: 1.5 },
  journal: [{ seq: 1, simMs: 0, wallMs: 1_767_225_600_000, source: 'sim', action: 'drill.started', outcome: 'info' }],
  facts: [{ seq: 1, simMs: 0, wallMs: 1_767_225_600_000, source: 'sim', action: 'drill.started', outcome: 'info' }],
  ...options,
});

/** Wall time on a virtual clock, for schedulers: starts at `epoch`, moves only when advanced. */
function virtualWallClock(epoch: string): { clock: SchedulerClock; advance: (ms: number) => void } {
  const sim = new SimClock({ mode: 'virtual' });
  const start = Date.parse(epoch);
  return { clock: { now: () => start + sim.now(), setTimeout: (fn, ms) => sim.setTimeout(fn, ms), clearTimeout: (handle) => sim.clearTimeout(handle) }, advance: (ms) => sim.advanceBy(ms) };
}

const binaries = postgresBinDir();
if ('missing' in binaries) {
  // Said once, plainly: CI installs the server, so there this never skips.
  process.stderr.write(`drill-store-contract: PostgreSQL tests skipped: ${binaries.missing}\n`);
}

let postgres: PostgresServer | undefined;
let databases = 0;
const folders: string[] = [];
beforeAll(async () => {
  if (!('missing' in binaries)) postgres = await startPostgres();
}, 60_000);
afterAll(() => {
  postgres?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** `again` opens a second store on the same file or database: another instance's. */
const engines: Array<{ name: string; open: () => DrillStore; again: (store: DrillStore) => DrillStore; skip: boolean }> = [
  {
    name: 'SQLite',
    skip: false,
    open: () => {
      const folder = mkdtempSync(join(tmpdir(), 'gameday-contract-'));
      folders.push(folder);
      return new SqliteDrillStore(join(folder, 'gameday.db'));
    },
    again: (store) => new SqliteDrillStore((store as SqliteDrillStore).path),
  },
  {
    name: 'PostgreSQL',
    skip: 'missing' in binaries,
    open: () => new PostgresDrillStore(postgres!.createDatabase(`contract_${++databases}`)),
    again: (store) => new PostgresDrillStore((store as PostgresDrillStore).url),
  },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the ${engine.name} store`, () => {
    it('keeps a finished drill whole, and counts it', () => {
      const store = engine.open();
      try {
        const kept = drill('d1', "O'Brien'); DROP TABLE drills; --", 80);
        store.save(kept);
        expect(store.get('d1')).toEqual(kept);
        expect(store.get('nope')).toBeUndefined();
        expect(store.count()).toBe(1);
        // A second drill with the same id is refused whole.
        expect(() => store.save(kept)).toThrow();
        expect(store.count()).toBe(1);
      } finally {
        store.close();
      }
    });

    it('ranks each trainee’s best ranked drill: by score, then time to resolve, then who finished first', () => {
      const store = engine.open();
      try {
        store.save(drill('ada-1', 'Ada', 70, { finishedAt: '2026-01-01T00:01:00.000Z' }));
        store.save(drill('ada-2', 'ada', 90, { finishedAt: '2026-01-01T00:05:00.000Z' }));
        store.save(drill('bo-1', 'Bo', 90, { finishedAt: '2026-01-01T00:02:00.000Z', score: score(90, 60_000) }));
        store.save(drill('cy-1', 'Cy', 90, { finishedAt: '2026-01-01T00:03:00.000Z' }));
        store.save(drill('cy-practice', 'Cy', 99, { ranked: false }));
        store.save(drill('dee-hard', 'Dee', 95, { difficulty: 'hard', scenario: 'proof-backlog' }));
        store.save(drill('eve-none', 'Eve', 90, { finishedAt: '2026-01-01T00:00:30.000Z', score: score(90, null) }));
        const ids = (rows: Array<{ drillId: string }>) => rows.map((row) => row.drillId);
        expect(ids(store.leaderboard({}))).toEqual(['dee-hard', 'bo-1', 'cy-1', 'ada-2', 'eve-none']);
        expect(store.leaderboard({})[1]).toEqual({ rank: 2, trainee: 'Bo', team: 'blue', scenario: 'rollback-storm', difficulty: 'normal', score: 90, ttrMs: 60_000, finishedAt: '2026-01-01T00:02:00.000Z', drillId: 'bo-1' });
        expect(ids(store.leaderboard({ scenario: 'rollback-storm', difficulty: 'normal', limit: 2 }))).toEqual(['bo-1', 'cy-1']);
        expect(ids(store.leaderboard({ difficulty: 'hard' }))).toEqual(['dee-hard']);
        expect(ids(store.leaderboard({ scenario: 'rollback-storm', finishedBefore: '2026-01-01T00:02:00.000Z' }))).toEqual(['bo-1', 'eve-none', 'ada-1']);
      } finally {
        store.close();
      }
    });

    it('re-scores the drills older rules scored, once', () => {
      const store = engine.open();
      try {
        store.save(drill('old', 'Ada', 50, { score: score(50, 1000, 1) }));
        store.save(drill('new', 'Bo', 60));
        expect(store.rescoreOlder(2, (old) => ({ ...old.score, total: 71, rulesVersion: 2 }))).toBe(1);
        expect(store.get('old')?.score).toMatchObject({ total: 71, rulesVersion: 2 });
        expect(store.leaderboard({}).map((row) => [row.drillId, row.score])).toEqual([
          ['old', 71],
          ['new', 60],
        ]);
        expect(store.rescoreOlder(2, () => score(0, null))).toBe(0);
      } finally {
        store.close();
      }
    });

    it('keeps attendance in joining order, and sessions updated in place', () => {
      const store = engine.open();
      try {
        const joined = (session: string, name: string, at: string) => ({ session, title: 'Tuesday', team: 'blue', name, role: 'responder', joinedAt: at });
        store.recordAttendance(joined('AAAAAA', 'Ada', '2026-01-01T00:00:02.000Z'));
        store.recordAttendance(joined('BBBBBB', 'Bo', '2026-01-01T00:00:01.000Z'));
        store.recordAttendance(joined('AAAAAA', '\tTab', '2026-01-01T00:00:03.000Z'));
        expect(store.attendance().map((row) => row.name)).toEqual(['Ada', 'Bo', '\tTab']);
        expect(store.attendance('AAAAAA')).toEqual([joined('AAAAAA', 'Ada', '2026-01-01T00:00:02.000Z'), joined('AAAAAA', '\tTab', '2026-01-01T00:00:03.000Z')]);
        const session = { code: 'AAAAAA', title: 'T', team: 'blue', scenario: 'rollback-storm', difficulty: 'normal', seed: 2 ** 31 - 2, createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, endedAt: null, drillId: null };
        store.saveSession({ ...session, code: 'BBBBBB', createdAt: '2026-01-02T00:00:00.000Z' });
        store.saveSession(session);
        store.saveSession({ ...session, startedAt: '2026-01-01T00:01:00.000Z', endedAt: '2026-01-01T01:00:00.000Z', drillId: 'd1', endedWhy: 'why not' });
        expect(store.sessions()).toEqual([
          { ...session, startedAt: '2026-01-01T00:01:00.000Z', endedAt: '2026-01-01T01:00:00.000Z', drillId: 'd1', endedWhy: 'why not' },
          { ...session, code: 'BBBBBB', createdAt: '2026-01-02T00:00:00.000Z', endedWhy: null },
        ]);
      } finally {
        store.close();
      }
    });

    it('keeps live drills and their inputs in order, one per slot, until ended', () => {
      const store = engine.open();
      try {
        const live = (id: string, slot: string, startedAt: string) => ({ id, slot, options: { scenario: 'rollback-storm', seed: 7 }, extra: { adminToken: 'a' }, startedAt });
        store.beginLive(live('one', 'solo:9090', '2026-01-01T00:00:00.000Z'));
        store.beginLive(live('two', 'session:AAAAAA', '2026-01-01T00:00:00.000Z'));
        expect(store.liveDrills().map((record) => record.id)).toEqual(['one', 'two']);
        store.beginLive(live('three', 'solo:9090', '2026-01-01T00:00:01.000Z'));
        expect(store.liveDrills().map((record) => record.id)).toEqual(['two', 'three']);
        store.appendInput('two', 0, { simMs: 0, wallMs: 1_767_225_600_000, input: { kind: 'start' } });
        const checkpoint = { fingerprint: 'abc', parts: { clock: 5, world: 'def' } };
        store.appendInput('two', 1, { simMs: 40 * 86_400_000, wallMs: 1_767_225_600_500, input: { kind: 'advance', ms: 60_000, reason: 'skip' }, checkpoint });
        expect(() => store.appendInput('two', 1, { simMs: 0, wallMs: 0, input: { kind: 'pause' } })).toThrow();
        expect(store.liveInputs('two')).toEqual([
          { simMs: 0, wallMs: 1_767_225_600_000, input: { kind: 'start' } },
          { simMs: 40 * 86_400_000, wallMs: 1_767_225_600_500, input: { kind: 'advance', ms: 60_000, reason: 'skip' }, checkpoint },
        ]);
        store.updateLiveExtra('two', { adminToken: 'a', port: 9101 });
        expect(store.liveDrills()[0]).toEqual({ ...live('two', 'session:AAAAAA', '2026-01-01T00:00:00.000Z'), extra: { adminToken: 'a', port: 9101 } });
        store.endLive('two', 'finished');
        expect(store.liveDrills().map((record) => record.id)).toEqual(['three']);
        // Ended drills keep their inputs (a later rewind reads them).
        expect(store.liveInputs('two')).toHaveLength(2);
      } finally {
        store.close();
      }
    });

    it('keeps a finished drill\'s inputs by its id, and finds the best run to race on a scenario, difficulty and seed', () => {
      const store = engine.open();
      try {
        const live = (id: string, seed: number) => ({ id, slot: `solo:${id}`, options: { scenario: 'rollback-storm', seed, difficulty: 'normal' }, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
        store.beginLive(live('live-a', 7));
        store.appendInput('live-a', 0, { simMs: 0, wallMs: 1, input: { kind: 'start' } });
        store.beginLive(live('live-b', 8));
        store.beginLive(live('live-c', 7));
        store.save(drill('fin-a', 'Ada', 70));
        store.save(drill('fin-b', 'Bo', 90));
        store.save(drill('fin-c', 'Cy', 95, { ranked: false }));
        store.save(drill('fin-none', 'Dee', 99));
        store.linkFinished('live-a', 'fin-a');
        store.linkFinished('live-b', 'fin-b');
        store.linkFinished('live-c', 'fin-c');
        expect(store.finishedRun('fin-a')).toEqual({ finishedId: 'fin-a', liveId: 'live-a', options: live('live-a', 7).options, inputs: [{ simMs: 0, wallMs: 1, input: { kind: 'start' } }] });
        expect(store.finishedRun('fin-none')).toBeUndefined();
        // Ranked, inputs kept: fin-none has none, fin-c is practice.
        expect(store.bestRun({ scenario: 'rollback-storm', difficulty: 'normal' })?.id).toBe('fin-b');
        expect(store.bestRun({ scenario: 'rollback-storm', difficulty: 'normal', seed: 7 })?.id).toBe('fin-a');
        expect(store.bestRun({ scenario: 'rollback-storm', difficulty: 'normal', seed: 9 })).toBeUndefined();
        expect(store.bestRun({ scenario: 'rollback-storm', difficulty: 'hard' })).toBeUndefined();
      } finally {
        store.close();
      }
    });

    it('leases a slot to one owner at a time: claimed, refused while held, renewed, released, taken once expired', async () => {
      const store = engine.open();
      try {
        expect(store.lease('session:AAAAAA')).toBeUndefined();
        expect(store.claimLease('session:AAAAAA', 'host-a:/data', 'http://127.0.0.1:9101', 6000)).toBe(true);
        const held = store.lease('session:AAAAAA')!;
        expect(held).toMatchObject({ slot: 'session:AAAAAA', owner: 'host-a:/data', address: 'http://127.0.0.1:9101' });
        expect(held.expiresAt).toBeGreaterThan(Date.now() + 3000);
        // Refused to another while held; its owner claims it again (a new address) and keeps it.
        expect(store.claimLease('session:AAAAAA', 'host-b:/data', 'http://127.0.0.1:9201', 6000)).toBe(false);
        expect(store.lease('session:AAAAAA')?.owner).toBe('host-a:/data');
        expect(store.claimLease('session:AAAAAA', 'host-a:/data', 'http://127.0.0.1:9102', 6000)).toBe(true);
        expect(store.lease('session:AAAAAA')?.address).toBe('http://127.0.0.1:9102');
        // Renewing moves the expiry on, for the owner's leases only.
        expect(store.claimLease('solo:host-b:/data:8080', 'host-b:/data', 'http://127.0.0.1:8080', 6000)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(store.renewLeases('host-a:/data', 60_000)).toEqual(['session:AAAAAA']);
        expect(store.lease('session:AAAAAA')!.expiresAt).toBeGreaterThan(held.expiresAt + 50_000);
        expect(store.renewLeases('nobody', 60_000)).toEqual([]);
        // Released by another: nothing happens; by its owner: free to claim.
        store.releaseLease('session:AAAAAA', 'host-b:/data');
        expect(store.lease('session:AAAAAA')?.owner).toBe('host-a:/data');
        store.releaseLease('session:AAAAAA', 'host-a:/data');
        expect(store.lease('session:AAAAAA')).toBeUndefined();
        expect(store.claimLease('session:AAAAAA', 'host-b:/data', 'http://127.0.0.1:9201', 6000)).toBe(true);
        // Expired: listed while its slot has a live drill, and taken by another, whose it is then.
        const live = (id: string, slot: string) => ({ id, slot, options: {}, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
        store.beginLive(live('dying', 'session:BBBBBB'));
        store.beginLive(live('done', 'session:CCCCCC'));
        store.endLive('done', 'finished');
        expect(store.claimLease('session:BBBBBB', 'host-a:/data', 'http://127.0.0.1:9103', 100)).toBe(true);
        expect(store.claimLease('session:CCCCCC', 'host-a:/data', 'http://127.0.0.1:9104', 100)).toBe(true);
        expect(store.expiredLeases()).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 250));
        const expired = store.expiredLeases();
        expect(expired.map((lease) => lease.slot)).toEqual(['session:BBBBBB']);
        expect(expired[0]).toMatchObject({ owner: 'host-a:/data', address: 'http://127.0.0.1:9103' });
        expect(store.claimLease('session:BBBBBB', 'host-b:/data', 'http://127.0.0.1:9202', 6000)).toBe(true);
        expect(store.claimLease('session:BBBBBB', 'host-a:/data', 'http://127.0.0.1:9103', 6000)).toBe(false);
        expect(store.lease('session:BBBBBB')).toMatchObject({ owner: 'host-b:/data', address: 'http://127.0.0.1:9202' });
        expect(store.expiredLeases()).toEqual([]);
        // The stale owner's renewal no longer holds the slot taken from it.
        expect(store.renewLeases('host-a:/data', 6000)).toEqual(['session:CCCCCC']);
      } finally {
        store.close();
      }
    });

    it('keeps schedules, and lets one claim of an occurrence in', () => {
      const store = engine.open();
      try {
        const schedule = (id: string, createdAt: string) => ({ id, schedule: { id, cron: '0 14 * * FRI', name: "Fri'day; DROP TABLE schedules; --" }, createdAt });
        expect(store.addSchedule(schedule('friday', '2026-01-02T00:00:00.000Z'))).toBe(true);
        expect(store.addSchedule(schedule('daily', '2026-01-01T00:00:00.000Z'))).toBe(true);
        expect(store.addSchedule({ ...schedule('friday', '2026-01-03T00:00:00.000Z'), schedule: { cron: 'changed' } })).toBe(false);
        expect(store.schedules()).toEqual([schedule('daily', '2026-01-01T00:00:00.000Z'), schedule('friday', '2026-01-02T00:00:00.000Z')]);
        const claim = (instance: string, dueAt = '2026-01-02T14:00:00.000Z', scheduleId = 'friday') => store.claimFiring({ scheduleId, dueAt, instance, firedAt: '2026-01-02T14:00:00.010Z' });
        expect(claim('one')).toBe(true);
        expect(claim('two')).toBe(false);
        expect(claim('one')).toBe(false);
        // No claim of a schedule that is gone (an instance that has not seen its removal yet).
        expect(claim('one', '2026-01-02T14:00:00.000Z', 'removed')).toBe(false);
        expect(store.lastFirings()).toEqual([{ scheduleId: 'friday', dueAt: '2026-01-02T14:00:00.000Z', instance: 'one', firedAt: '2026-01-02T14:00:00.010Z', session: null, error: null }]);
        store.settleFiring('friday', '2026-01-02T14:00:00.000Z', { session: 'ABCDEF' });
        expect(claim('two', '2026-01-09T14:00:00.000Z')).toBe(true);
        store.settleFiring('friday', '2026-01-09T14:00:00.000Z', { error: 'no port free' });
        expect(claim('two', '2026-01-01T10:00:00.000Z', 'daily')).toBe(true);
        expect(store.lastFirings().sort((a, b) => a.scheduleId.localeCompare(b.scheduleId))).toEqual([
          { scheduleId: 'daily', dueAt: '2026-01-01T10:00:00.000Z', instance: 'two', firedAt: '2026-01-02T14:00:00.010Z', session: null, error: null },
          { scheduleId: 'friday', dueAt: '2026-01-09T14:00:00.000Z', instance: 'two', firedAt: '2026-01-02T14:00:00.010Z', session: null, error: 'no port free' },
        ]);
        // Removed with its firings: added again, it starts afresh.
        expect(store.removeSchedule('friday')).toBe(true);
        expect(store.removeSchedule('friday')).toBe(false);
        expect(store.schedules().map((record) => record.id)).toEqual(['daily']);
        expect(store.lastFirings().map((firing) => firing.scheduleId)).toEqual(['daily']);
      } finally {
        store.close();
      }
    });

    it('lists the leases under a prefix, each live or not by the store\'s clock', async () => {
      const store = engine.open();
      try {
        expect(store.leasesUnder('instance:')).toEqual([]);
        expect(store.claimLease('instance:host-b:/data', 'host-b:/data', 'http://127.0.0.1:9200', 6000)).toBe(true);
        expect(store.claimLease('instance:host-a:/data', 'host-a:/data', 'http://127.0.0.1:9100', 100)).toBe(true);
        expect(store.claimLease('session:AAAAAA', 'host-a:/data', 'http://127.0.0.1:9101', 6000)).toBe(true);
        // A prefix is taken as it is: no wildcard in it matches anything else.
        expect(store.claimLease('instance_x', 'host-c:/data', 'http://127.0.0.1:9300', 6000)).toBe(true);
        const listed = store.leasesUnder('instance:');
        expect(listed.map((lease) => [lease.slot, lease.owner, lease.address, lease.live])).toEqual([
          ['instance:host-a:/data', 'host-a:/data', 'http://127.0.0.1:9100', true],
          ['instance:host-b:/data', 'host-b:/data', 'http://127.0.0.1:9200', true],
        ]);
        expect(typeof listed[0]!.expiresAt).toBe('number');
        await new Promise((resolve) => setTimeout(resolve, 250));
        expect(store.leasesUnder('instance:').map((lease) => lease.live)).toEqual([false, true]);
        expect(store.leasesUnder('session:').map((lease) => lease.slot)).toEqual(['session:AAAAAA']);
        expect(store.leasesUnder('inst%').map((lease) => lease.slot)).toEqual([]);
      } finally {
        store.close();
      }
    });

    it('keeps shared values: set, kept when asked to keep the first, replaced, removed', () => {
      const store = engine.open();
      try {
        expect(store.sharedValue('leaderboard.frozenAt')).toBeUndefined();
        expect(store.setSharedValue('leaderboard.frozenAt', '2026-12-01T14:00:00.000Z', true)).toBe('2026-12-01T14:00:00.000Z');
        // A second freeze keeps the first one's instant.
        expect(store.setSharedValue('leaderboard.frozenAt', '2026-12-01T14:05:00.000Z', true)).toBe('2026-12-01T14:00:00.000Z');
        expect(store.sharedValue('leaderboard.frozenAt')).toBe('2026-12-01T14:00:00.000Z');
        expect(store.setSharedValue('leaderboard.frozenAt', "it's; DROP TABLE shared_values")).toBe("it's; DROP TABLE shared_values");
        expect(store.setSharedValue('leaderboard.frozenAt', null)).toBeUndefined();
        expect(store.sharedValue('leaderboard.frozenAt')).toBeUndefined();
      } finally {
        store.close();
      }
    });

    it('routes a token\'s hash to the slot it acts in', () => {
      const store = engine.open();
      try {
        const hash = 'a'.repeat(64);
        expect(store.routeOf(hash)).toBeUndefined();
        store.addRoute(hash, 'session:AAAAAA');
        store.addRoute('b'.repeat(64), 'solo:host-a:/data:8080');
        expect(store.routeOf(hash)).toBe('session:AAAAAA');
        expect(store.routeOf('b'.repeat(64))).toBe('solo:host-a:/data:8080');
        store.addRoute(hash, "session:'); DROP TABLE routes; --");
        expect(store.routeOf(hash)).toBe("session:'); DROP TABLE routes; --");
      } finally {
        store.close();
      }
    });

    it('fires a schedule once when two schedulers share the store', async () => {
      const first = engine.open();
      const second = engine.again(first);
      const { clock, advance } = virtualWallClock('2026-11-27T09:59:00Z');
      const opened: string[] = [];
      const scheduler = (store: DrillStore, instance: string) =>
        new GameDayScheduler({
          store,
          instance,
          clock,
          onDue: (_schedule, at) => {
            opened.push(`${instance} ${at.toISOString()}`);
            return `S${opened.length}`;
          },
        });
      const one = scheduler(first, 'one');
      const two = scheduler(second, 'two');
      try {
        one.start();
        two.start();
        one.add({ id: 'surprise', cron: '0 10 * * *', windowMinutes: 30 });
        // Two sees it at its next re-read (5 s), and arms the same moment in the window.
        advance(5000);
        expect(two.list()[0]!.opensAt).toBe(one.list()[0]!.opensAt);
        advance(31 * 60_000);
        for (let waited = 0; opened.length === 0 && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(opened).toHaveLength(1);
        const [instance, at] = opened[0]!.split(' ');
        expect(at).toBe(one.list()[0]!.lastFired?.at);
        expect(two.list()[0]!.lastFired).toEqual({ at, firedAt: at, instance, session: 'S1', error: null });
      } finally {
        one.stop();
        two.stop();
        first.close();
        second.close();
      }
    });
  });
}

describe.skipIf('missing' in binaries)('PostgreSQL shared by two stores', () => {
  it('migrates once when two start together, and each sees what the other wrote', () => {
    const url = postgres!.createDatabase('shared');
    const first = new PostgresDrillStore(url);
    const second = new PostgresDrillStore(url);
    try {
      expect(first.schemaVersion()).toBe(5);
      expect(second.schemaVersion()).toBe(5);
      first.save(drill('from-first', 'Ada', 80));
      second.save(drill('from-second', 'Bo', 90));
      expect(first.leaderboard({}).map((row) => row.drillId)).toEqual(['from-second', 'from-first']);
      expect(second.get('from-first')?.trainee).toBe('Ada');
      // Opened again on a migrated database: nothing to do, nothing done twice.
      new PostgresDrillStore(url).close();
    } finally {
      first.close();
      second.close();
    }
  });

  it('brings a store made by an older gameday up to date on connect, keeping its rows', () => {
    const url = postgres!.createDatabase('older');
    const made = new PostgresDrillStore(url);
    made.save(drill('kept', 'Ada', 80));
    made.close();
    // As version 1 left it: before a finished drill's inputs were kept by its id.
    postgres!.psql('older', 'DROP TABLE shared_values; DROP TABLE schedule_firings; DROP TABLE schedules; DROP TABLE leases; DROP TABLE routes; DROP INDEX live_drills_finished; ALTER TABLE live_drills DROP COLUMN finished_id; UPDATE gameday_schema SET version = 1');
    const store = new PostgresDrillStore(url);
    try {
      expect(store.schemaVersion()).toBe(5);
      expect(store.get('kept')?.trainee).toBe('Ada');
      store.beginLive({ id: 'live', slot: 'solo:1', options: { seed: 1 }, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
      store.linkFinished('live', 'kept');
      expect(store.finishedRun('kept')?.liveId).toBe('live');
      expect(store.addSchedule({ id: 'friday', schedule: { cron: '0 14 * * FRI' }, createdAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    } finally {
      store.close();
    }
  });

  it('gives a slot to one of two instances claiming it at once, by PostgreSQL\'s clock', () => {
    const url = postgres!.createDatabase('leases');
    const first = new PostgresDrillStore(url);
    const second = new PostgresDrillStore(url);
    try {
      const won = [first.claimLease('session:AAAAAA', 'a', 'http://127.0.0.1:1', 6000), second.claimLease('session:AAAAAA', 'b', 'http://127.0.0.1:2', 6000)];
      expect(won).toEqual([true, false]);
      expect(second.lease('session:AAAAAA')?.owner).toBe('a');
      second.addRoute('c'.repeat(64), 'session:AAAAAA');
      expect(first.routeOf('c'.repeat(64))).toBe('session:AAAAAA');
    } finally {
      first.close();
      second.close();
    }
  });

  it('says plainly when the server cannot be reached', () => {
    const closed = `postgres://gameday@127.0.0.1:${postgres!.port}/no_such_database`;
    expect(() => new PostgresDrillStore(closed)).toThrow(StoreError);
    expect(() => new PostgresDrillStore(closed)).toThrow(/cannot use the PostgreSQL store: PostgreSQL at 127\.0\.0\.1:\d+\/no_such_database: database "no_such_database" does not exist/);
  });

  it('commits an input before the call returns: another connection reads it at once', () => {
    const url = postgres!.createDatabase('durable');
    const writer = new PostgresDrillStore(url);
    const reader = new PostgresDrillStore(url);
    try {
      writer.beginLive({ id: 'live', slot: 'solo:1', options: {}, extra: {}, startedAt: '2026-01-01T00:00:00.000Z' });
      for (let seq = 0; seq < 50; seq++) {
        writer.appendInput('live', seq, { simMs: seq, wallMs: seq, input: { kind: 'advance', ms: 1, reason: 'tick' } });
        expect(reader.liveInputs('live')).toHaveLength(seq + 1);
      }
    } finally {
      writer.close();
      reader.close();
    }
  });
});
