import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../http/server';
import { createReadinessMetrics } from '../metrics/readiness-metrics';
import { worldFingerprint } from '../drill/world-fingerprint';
import { participantRecord } from '../drill/drill-workspace';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { GameDayHub } from './game-day-hub';
import { LeaseKeeper, tokenHash } from './lease-keeper';

const facilitatorToken = 'restore-facilitator-token';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function hubOn(store: SqliteDrillStore, dataDir: string, instance?: string, leases?: LeaseKeeper): GameDayHub {
  const readiness = createReadinessMetrics();
  const hub: GameDayHub = new GameDayHub({
    instance,
    leases,
    dataDir,
    host: '127.0.0.1',
    store,
    facilitatorToken,
    clock: 'virtual',
    publicUrl: () => 'http://127.0.0.1:9090',
    schedulesFile: null,
    startServer: (session) => createServer({ drill: session.drill, tokens: { admin: session.adminToken, facilitator: facilitatorToken }, store, readiness, session, leaderboardFreeze: hub }),
  });
  return hub;
}

async function post(url: string, token: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.status;
}

describe('a game-day session survives a restart of its server', () => {
  it('is rebuilt from its inputs: same code, tokens, people, hints, pause, world and port; an ended one stays ended', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-restore-'));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }), () => store.close());
    const first = hubOn(store, dataDir);
    cleanup.push(() => first.closeAll());
    const session = await first.createSession({ scenario: 'rollback-storm', team: 'blue', seed: 7 });
    const done = await first.createSession({ scenario: 'proof-backlog', team: 'red', seed: 7 });
    const people = [first.join(session.code, 'Ada', 'primary-on-call'), first.join(session.code, 'Ben', 'incident-commander'), first.join(session.code, 'Cy', 'observer')];
    session.start();
    session.drill.skipTime(5 * 60_000, 'facilitator advance');
    expect(await post(`${session.endpoint!.url}/admin/config`, people[0]!.token, { 'speculation.max_depth': 2 })).toBe(200);
    session.hint('look at the rollback rate');
    session.pause();
    first.end(done.code);
    const before = { fingerprint: worldFingerprint(session.drill), simMs: session.drill.clock.now(), port: session.endpoint!.port, summary: first.summary(session) };
    // A graceful stop leaves the session live, as a crash does.
    await first.closeAll();

    const second = hubOn(store, dataDir);
    cleanup.push(() => second.closeAll());
    const lines = await second.restore();
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${session.code}: resumed on port ${before.port}, paused, 3 participants \\(\\d+ inputs replayed in \\d+ ms\\)$`))]);
    const rebuilt = second.get(session.code);
    expect(worldFingerprint(rebuilt.drill)).toBe(before.fingerprint);
    expect(rebuilt.drill.clock.now()).toBe(before.simMs);
    const { simTime: _simTime, ...summary } = second.summary(rebuilt);
    const { simTime: _before, ...expected } = before.summary;
    expect(summary).toEqual(expected);
    for (const person of people) expect(rebuilt.authenticate(person.token)?.name).toBe(person.participant.name);
    expect(() => second.get(done.code)).toThrow(/no game-day/);
    // Each participant's kubeconfig still carries their own token to the same port.
    const ada = participantRecord(rebuilt.endpoint!.record, people[0]!.participant.id, people[0]!.token);
    expect(readFileSync(ada.kubeconfig, 'utf8')).toContain(`${rebuilt.endpoint!.url}/as/${encodeURIComponent(people[0]!.token)}`);
    expect(existsSync(join(ada.workDir, 'scripts', 'speculation-health.sh'))).toBe(true);
    // The rebuilt session goes on: its log takes the next inputs.
    second.get(session.code).resume();
    expect(await post(`${rebuilt.endpoint!.url}/admin/config`, people[1]!.token, { 'speculation.max_depth': 3 })).toBe(200);
    expect(store.sessions().find((row) => row.code === session.code)).toMatchObject({ endedAt: null, startedAt: before.summary.startedAt });
  }, 30_000);

  it('listens on another port when its own is taken, with the participants\' folders and kubeconfigs laid out anew there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-restore-'));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }), () => store.close());
    const first = hubOn(store, dataDir);
    const session = await first.createSession({ scenario: 'rollback-storm', team: 'blue', seed: 3 });
    const ada = first.join(session.code, 'Ada', 'primary-on-call');
    const oldPort = session.endpoint!.port;
    await first.closeAll();
    const squatter = createNetServer();
    await new Promise<void>((resolve) => squatter.listen(oldPort, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

    const second = hubOn(store, dataDir);
    cleanup.push(() => second.closeAll());
    const [line] = await second.restore();
    const rebuilt = second.get(session.code);
    const port = rebuilt.endpoint!.port;
    expect(port).not.toBe(oldPort);
    expect(line).toContain(`resumed on port ${port} (port ${oldPort} was taken`);
    const own = participantRecord(rebuilt.endpoint!.record, ada.participant.id, ada.token);
    expect(own.workDir).toContain(join('drills', String(port), 'participants'));
    expect(readFileSync(own.kubeconfig, 'utf8')).toContain(`${rebuilt.endpoint!.url}/as/`);
    expect(second.rejoin(session.code, ada.token).env.some((line) => line.startsWith('cd ') && line.includes(own.workDir))).toBe(true);
    // The record says where it is now: a second restart looks there first.
    expect(store.liveDrills().find((record) => record.slot === `session:${session.code}`)?.extra).toMatchObject({ port });
  });

  it('ends a session row it cannot rebuild, with the reason, instead of leaving it started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-restore-'));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }), () => store.close());
    store.saveSession({ code: 'ABCDEF', title: 'Old', team: 'blue', scenario: 'rollback-storm', difficulty: 'normal', seed: 1, createdAt: new Date().toISOString(), startedAt: new Date().toISOString(), endedAt: null, drillId: null });
    const hub = hubOn(store, dataDir);
    cleanup.push(() => hub.closeAll());
    expect(await hub.restore()).toEqual(['ABCDEF: ENDED: the server stopped and the session has no input log to rebuild it from']);
    expect(store.sessions()[0]).toMatchObject({ code: 'ABCDEF', endedAt: expect.any(String) as unknown, endedWhy: 'the server stopped and the session has no input log to rebuild it from' });
    // The console still lists it, saying why it ended, though no server of its runs any more.
    const { sessions } = await hub.listSummaries();
    expect(sessions).toEqual([expect.objectContaining({ code: 'ABCDEF', status: 'ended', note: 'ended by the trainer, not the facilitator: the server stopped and the session has no input log to rebuild it from' })]);
  });

  it('with a store shared by instances, rebuilds only its own instance\'s sessions and leaves the others\' live', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-restore-'));
    const otherDir = mkdtempSync(join(tmpdir(), 'gameday-restore-'));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }), () => rmSync(otherDir, { recursive: true, force: true }), () => store.close());
    const first = hubOn(store, dataDir, 'host-a:/data');
    const other = hubOn(store, otherDir, 'host-b:/data');
    cleanup.push(() => other.closeAll());
    const theirs = await other.createSession({ scenario: 'rollback-storm', team: 'red', seed: 5 });
    const ours = await first.createSession({ scenario: 'rollback-storm', team: 'blue', seed: 4 });
    await first.closeAll();
    const theirLog = store.liveDrills().find((record) => record.slot === `session:${theirs.code}`);
    expect(theirLog?.extra).toMatchObject({ instance: 'host-b:/data' });

    const again = hubOn(store, dataDir, 'host-a:/data');
    cleanup.push(() => again.closeAll());
    expect(await again.restore()).toEqual([expect.stringMatching(new RegExp(`^${ours.code}: resumed `))]);
    expect(() => again.get(theirs.code)).toThrow(/no game-day/);
    // Theirs is still live, its row not ended: another instance's to rebuild.
    expect(store.liveDrills().map((record) => record.id)).toContain(theirLog!.id);
    expect(store.sessions().find((row) => row.code === theirs.code)?.endedAt).toBeNull();
  });
});

describe('game-day sessions of several instances on one store, with leases', () => {
  it('leaves a session another live instance holds to it, takes it over once its lease expires, and stops it at the stalled owner', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-leases-'));
    const store = new SqliteDrillStore(join(dataDir, 'gameday.db'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }), () => store.close());
    const hubs: Record<'a' | 'b', GameDayHub | undefined> = { a: undefined, b: undefined };
    const keeper = (owner: 'a' | 'b', ttlMs: number) =>
      new LeaseKeeper({ store, owner, advertise: '127.0.0.1', ttlMs, adopt: (lease) => hubs[owner]!.host.adopt(lease), log: () => undefined });
    // A's leases last 150 ms and it does not renew them: an instance that stopped.
    const leasesA = keeper('a', 150);
    const leasesB = keeper('b', 6000);
    const a = hubOn(store, join(dataDir, 'a'), 'a', leasesA);
    const b = hubOn(store, join(dataDir, 'b'), 'b', leasesB);
    hubs.a = a;
    hubs.b = b;
    cleanup.push(() => a.closeAll(), () => b.closeAll());
    const session = await a.createSession({ scenario: 'rollback-storm', team: 'blue', seed: 7 });
    const slot = `session:${session.code}`;
    const ada = a.join(session.code, 'Ada', 'primary-on-call');
    session.start();
    session.drill.skipTime(60_000, 'facilitator advance');
    expect(await post(`${session.endpoint!.url}/admin/config`, ada.token, { 'speculation.max_depth': 2 })).toBe(200);
    expect(store.lease(slot)).toMatchObject({ owner: 'a', address: session.endpoint!.url });
    expect(store.routeOf(tokenHash(session.adminToken))).toBe(slot);
    expect(store.routeOf(tokenHash(ada.token))).toBe(slot);

    // B starting while A holds it: A's to run, not B's to rebuild or end.
    expect(await b.restore()).toEqual([]);
    expect(await leasesB.scan()).toEqual([]);
    expect(b.list()).toEqual([]);

    const before = { fingerprint: worldFingerprint(session.drill), simMs: session.drill.clock.now() };
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = await leasesB.scan();
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${session.code}: resumed on port \\d+ \\(participants' folders are now under .*\\), running, 1 participants \\(\\d+ inputs replayed in \\d+ ms\\) from a$`))]);
    const adopted = b.get(session.code);
    expect(worldFingerprint(adopted.drill)).toBe(before.fingerprint);
    expect(adopted.drill.clock.now()).toBe(before.simMs);
    expect(store.lease(slot)).toMatchObject({ owner: 'b', address: adopted.endpoint!.url });
    expect(adopted.endpoint!.record.drillDir.startsWith(join(dataDir, 'b'))).toBe(true);
    expect(store.liveDrills().find((record) => record.slot === slot)?.extra).toMatchObject({ instance: 'b', port: adopted.endpoint!.port });

    // A wakes and renews: the slot is B's, so A stops its copy and leaves the log to B.
    leasesA.renew();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.list()).toEqual([]);
    expect(await post(`${adopted.endpoint!.url}/admin/config`, ada.token, { 'speculation.max_depth': 3 })).toBe(200);
    expect(adopted.drill.world.config['speculation.max_depth']).toBe(3);
  }, 30_000);
});
