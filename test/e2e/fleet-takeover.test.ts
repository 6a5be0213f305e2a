/**
 * Issue 17 item 2, leases: two real `gameday serve` instances A and B on one real PostgreSQL.
 * A runs a game-day with three participants and is killed with SIGKILL; B takes the session's
 * lease once it expires and serves it within 10 s (the time is printed), its drill rebuilt the
 * same (state, fingerprint, journal), every participant's token working against B's address.
 * A started again does not take the session back while B holds it, and runs a new solo drill of
 * its own (B took over the one A had).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresDrillStore, type DrillState, type LeaseRecord } from '@gameday/simulator';
import { fleetSuite } from './support/fleet-suite';
import { freePort, startSimulator, startupLine } from './support/served-simulator';

const suite = fleetSuite('fleet-takeover');
const { running, dirs } = suite;

interface Joined {
  token: string;
  participant: { id: string; name: string; role: string };
}

/** A loopback port free now: the main port A listens on again after its restart. */

async function joinSession(base: string, code: string, name: string, role: string): Promise<Joined> {
  const response = await fetch(`${base}/gameday/join/${code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }), signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return (await response.json()) as Joined;
}

async function asFacilitator<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

const journalOf = async (url: string, token: string) =>
  (await asFacilitator<{ entries: Array<Record<string, unknown>> }>(`${url}/_sim/journal?limit=10000`, token)).entries.map(({ wallMs: _wall, at: _at, ...entry }) => entry);

/** kubectl as the participant, with a kubeconfig of their own pointing at `address`. */
function kubectl(address: string, token: string, args: string) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-fleet-kube-'));
  dirs.push(dir);
  const config = join(dir, 'kubeconfig');
  writeFileSync(
    config,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: drill\n  cluster:\n    server: ${address}/as/${encodeURIComponent(token)}\nusers:\n- name: me\n  user: {}\ncontexts:\n- name: drill\n  context: {cluster: drill, user: me}\ncurrent-context: drill\n`,
  );
  mkdirSync(join(dir, 'cache'));
  const result = spawnSync('kubectl', args.split(' '), { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: config, KUBECACHEDIR: join(dir, 'cache') } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(suite.missing !== undefined)('two gameday serve instances on one PostgreSQL, with leases', () => {
  it('B takes over A’s game-day within 10 s of A’s SIGKILL, the same drill, tokens working; A restarted leaves it to B', { timeout: 180_000 }, async () => {
    const reader = new PostgresDrillStore(suite.postgres().url);
    const lease = (slot: string): LeaseRecord | undefined => reader.lease(slot);
    try {
      const dataA = mkdtempSync(join(tmpdir(), 'gameday-fleet-a-'));
      const dataB = mkdtempSync(join(tmpdir(), 'gameday-fleet-b-'));
      dirs.push(dataA, dataB);
      const portA = await freePort();
      const common = ['--store', suite.postgres().url, '--host', '127.0.0.1'];
      // One facilitator token for the fleet (as behind one balancer); each instance's solo drill has its own admin token.
      const facilitator = `facilitator-${process.pid}`;
      const tokensA = { admin: `admin-a-${process.pid}`, facilitator };
      let a = await startSimulator([...common, '--port', String(portA), '--session-ports', '19400-19419'], { dataDir: dataA, tokens: tokensA });
      running.push(a);
      const b = await startSimulator([...common, '--session-ports', '19420-19439'], { dataDir: dataB, tokens: { admin: `admin-b-${process.pid}`, facilitator } });
      running.push(b);
      const instanceA = `${hostname()}:${dataA}`;
      const instanceB = `${hostname()}:${dataB}`;
      const soloA = `solo:${instanceA}:${portA}`;
      expect(lease(soloA)).toMatchObject({ owner: instanceA, address: `http://127.0.0.1:${portA}` });

      const created = await a.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 4242, speed: 30 });
      const slot = `session:${created.code}`;
      expect(lease(slot)).toMatchObject({ owner: instanceA, address: created.url });
      await a.control('POST', `/gameday/sessions/${created.code}/start`);
      const ada = await joinSession(a.url, created.code, 'Ada', 'primary-on-call');
      const ben = await joinSession(a.url, created.code, 'Ben', 'incident-commander');
      const cy = await joinSession(a.url, created.code, 'Cy', 'comms-lead');
      const scaled = kubectl(created.url, ben.token, 'scale deployment proof-worker -n production --replicas=9');
      expect(scaled.status, scaled.stderr).toBe(0);
      const config = await fetch(`${created.url}/admin/config`, { method: 'POST', headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ 'speculation.max_depth': 2 }) });
      expect(config.status).toBe(200);
      await a.control('POST', `/gameday/sessions/${created.code}/hint`, { text: 'Check the proof workers.' });
      // A few world ticks (33 ms each at x30) after the config change: until the next tick, the
      // world's readings are computed when first asked for, and a replay asks at another moment.
      await new Promise((resolveWait) => setTimeout(resolveWait, 150));
      // Paused before the kill, so the two states compare exactly (the realtime clock would move on).
      await a.control('POST', `/gameday/sessions/${created.code}/pause`);
      const before = await asFacilitator<DrillState>(`${created.url}/_sim/state`, a.facilitatorToken);
      const beforeJournal = await journalOf(created.url, a.facilitatorToken);
      expect(before.fingerprint).toMatch(/^[0-9a-f]{16}$/);

      await a.stop('SIGKILL');
      const killedAt = performance.now();
      let moved: LeaseRecord | undefined;
      let served = false;
      while (performance.now() - killedAt < 15_000 && !served) {
        const now = lease(slot);
        if (now?.owner === instanceB && now.address !== created.url) {
          moved = now;
          served = (await fetch(`${now.address}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.ok === true;
        }
        if (!served) await new Promise((resolveWait) => setTimeout(resolveWait, 50));
      }
      const tookMs = Math.round(performance.now() - killedAt);
      process.stdout.write(`fleet-takeover: B served session ${created.code} ${tookMs} ms after A's SIGKILL\n`);
      expect(served, `B did not take over within 15 s; lease: ${JSON.stringify(lease(slot))}`).toBe(true);
      expect(tookMs).toBeLessThan(10_000);
      const address = moved!.address;
      expect(Number(new URL(address).port)).toBeGreaterThanOrEqual(19420);
      expect(Number(new URL(address).port)).toBeLessThanOrEqual(19439);

      // The same drill: state, fingerprint and journal as A left them.
      expect(await asFacilitator<DrillState>(`${address}/_sim/state`, a.facilitatorToken)).toEqual(before);
      expect(await journalOf(address, a.facilitatorToken)).toEqual(beforeJournal);
      // Every participant's token works against B's address; the state is theirs still.
      for (const person of [ada, ben]) {
        const deployments = kubectl(address, person.token, 'get deployments -n production');
        expect(deployments.status, deployments.stderr).toBe(0);
      }
      // The comms lead's token is known there too: refused for the role, not as a stranger.
      const comms = kubectl(address, cy.token, 'get deployments -n production');
      expect(comms.stderr).toContain('comms leads cannot run commands');
      const replicas = kubectl(address, ben.token, 'get deployment proof-worker -n production -o jsonpath={.spec.replicas}');
      expect(replicas.stdout, replicas.stderr).toBe('9');
      // A's solo drill is taken over too, its admin token still routed to its slot.
      for (let waited = 0; waited < 10_000 && lease(soloA)?.owner !== instanceB; waited += 100) await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      const soloLease = lease(soloA)!;
      expect(soloLease.owner).toBe(instanceB);
      const soloState = await fetch(`${soloLease.address}/admin/status`, { headers: { authorization: `Bearer ${a.adminToken}` }, signal: AbortSignal.timeout(10_000) });
      expect(soloState.status).toBe(200);

      // As B serves it now (the calls above are in its journal), to compare after A is back.
      const heldByB = await asFacilitator<DrillState>(`${address}/_sim/state`, a.facilitatorToken);

      // A again, on its port: the session and its old solo drill stay B's; A runs a new solo drill.
      a = await startSimulator([...common, '--port', String(portA), '--session-ports', '19400-19419'], { dataDir: dataA, tokens: tokensA });
      running.push(a);
      expect(await startupLine(a, /live drill +.*/)).toMatch(new RegExp(`is run by ${instanceB.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} now; starting a new drill here`));
      await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
      expect(lease(slot)).toMatchObject({ owner: instanceB, address });
      expect(lease(soloA)?.owner).toBe(instanceB);
      const mySolo = reader.liveDrills().filter((record) => record.slot.startsWith(`${soloA}:`));
      expect(mySolo).toHaveLength(1);
      expect(lease(mySolo[0]!.slot)).toMatchObject({ owner: instanceA, address: `http://127.0.0.1:${portA}` });
      expect((await a.control<{ sessions: unknown[] }>('GET', '/gameday/sessions?scope=instance')).sessions).toEqual([]);
      expect(await asFacilitator<DrillState>(`${address}/_sim/state`, a.facilitatorToken)).toEqual(heldByB);
    } finally {
      reader.close();
    }
  });
});
