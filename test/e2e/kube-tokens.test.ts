/**
 * Issue 13: the fake cluster takes a token, like a real one. Real kubectl against `gameday
 * serve` and one of its game-day sessions: the kubeconfig gameday writes (the token in the
 * server's address, /as/<token>) works; the same kubeconfig without the token, or with a wrong
 * one, gets "You must be logged in to the server"; an observer's gets discovery,
 * then the refusal of their role. Each kubectl run has a cache folder of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator;
const scratch = mkdtempSync(join(tmpdir(), 'gameday-kube-tokens-'));

beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '13']);
});
afterAll(async () => {
  await sim.stop();
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
/** kubectl with this kubeconfig and a fresh cache (a cached discovery must not stand in for the server's answer). */
function kubectl(kubeconfig: string, args: string[]) {
  const cache = join(scratch, `cache-${++runs}`);
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, '--request-timeout', '10s', ...args], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of a kubeconfig with its server address replaced. */
function withServer(kubeconfig: string, server: string): string {
  const path = join(scratch, `kubeconfig-${++runs}`);
  writeFileSync(path, readFileSync(kubeconfig, 'utf8').replace(/server: \S+/, `server: ${server}`), { mode: 0o600 });
  return path;
}

function serverOf(kubeconfig: string): string {
  return /server: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))![1]!;
}

/**
 * kubectl's last word on a 401. kubectl 1.32 asks for discovery first and reads a refused
 * discovery as "the server has asked for the client to provide credentials" (as it does with a
 * real API server); a refused resource request prints the Status's message, "Unauthorized".
 */
const loginRefused = /^error: You must be logged in to the server \((the server has asked for the client to provide credentials|Unauthorized)\)$/;

describe('kubectl and the fake cluster\'s token', () => {
  it("works with the drill's kubeconfig and is refused without its token or with a wrong one", () => {
    const kubeconfig = join(sim.dataDir, 'private', 'drills', String(sim.port), 'users', 'admin', 'kubeconfig');
    expect(serverOf(kubeconfig)).toBe(`${sim.url}/as/${sim.adminToken}`);
    const pods = kubectl(kubeconfig, ['get', 'pods', '-n', 'production', '-l', 'component=speculation']);
    expect(pods.status, pods.stderr).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS/);

    for (const server of [sim.url, `${sim.url}/as/not-the-token`, `${sim.url}/as/${sim.facilitatorToken}`]) {
      for (const args of [['get', 'pods', '-n', 'production'], ['scale', 'deployment', 'proof-worker', '-n', 'production', '--replicas=0'], ['api-resources']]) {
        const refused = kubectl(withServer(kubeconfig, server), args);
        expect(refused.status, `${server} ${args.join(' ')}: ${refused.stdout}`).not.toBe(0);
        expect(refused.stderr.trim().split('\n').at(-1), `${server} ${args.join(' ')}`).toMatch(loginRefused);
      }
    }
    // The refused scale changed nothing.
    const replicas = kubectl(kubeconfig, ['get', 'deployment', 'proof-worker', '-n', 'production', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas.stdout).toBe('8');
  });

  it("gives a game-day participant's kubeconfig its role, and refuses it on another session", async () => {
    const blue = await sim.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 4 });
    const red = await sim.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'red', seed: 4 });
    await sim.control('POST', `/gameday/sessions/${blue.code}/start`);
    const join = async (code: string, name: string, role: string) => {
      const response = await fetch(`${sim.url}/gameday/join/${code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
      expect(response.status).toBe(200);
      const { env } = (await response.json()) as { env: string[] };
      return /^export KUBECONFIG='(.*)'$/m.exec(env.join('\n'))![1]!;
    };
    const ada = await join(blue.code, 'Ada', 'primary-on-call');
    const olly = await join(blue.code, 'Olly', 'observer');
    const rex = await join(red.code, 'Rex', 'incident-commander');

    const scaled = kubectl(ada, ['scale', 'deployment', 'proof-worker', '-n', 'production', '--replicas=10']);
    expect(scaled.status, scaled.stderr).toBe(0);
    expect(scaled.stdout).toContain('deployment.apps/proof-worker scaled');
    const observed = kubectl(olly, ['get', 'pods', '-n', 'production']);
    expect(observed.status).not.toBe(0);
    expect(observed.stderr).toContain('Error from server (Forbidden): observers cannot run commands');
    // Rex's kubeconfig, pointed at blue's server: his token is no one's there.
    const crossed = kubectl(withServer(rex, serverOf(rex).replace(red.url, blue.url)), ['get', 'pods', '-n', 'production']);
    expect(crossed.stderr.trim().split('\n').at(-1)).toMatch(loginRefused);
    // Blue's server without any token.
    const bare = kubectl(withServer(ada, blue.url), ['get', 'pods', '-n', 'production']);
    expect(bare.stderr.trim().split('\n').at(-1)).toMatch(loginRefused);

    const journal = await fetch(`${blue.url}/_sim/journal?source=kube&limit=500`, { headers: { authorization: `Bearer ${sim.facilitatorToken}` } });
    const entries = ((await journal.json()) as { entries: Array<{ action: string; actor?: string; status: number; detail?: { method?: string } }> }).entries;
    expect(entries.filter((entry) => entry.action === 'kubectl scale' && entry.detail?.method === 'PATCH').map((entry) => [entry.actor, entry.status])).toEqual([['Ada', 200]]);
    // The refused calls are journaled with no one's name: a header never names the actor.
    expect(entries.filter((entry) => entry.status === 401).every((entry) => entry.actor === undefined)).toBe(true);
    expect(entries.filter((entry) => entry.status === 401).length).toBeGreaterThan(0);
  });
});
