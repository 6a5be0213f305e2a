/**
 * Issue 17, 2: routing in a fleet. Two real `gameday serve` instances A and B on one real
 * PostgreSQL, both with `--public-host 127.0.0.1`; a game-day session runs on A. A participant's
 * own shell, set up by the join answer's export lines, is pointed at B's main port as the
 * "public" address (what a load balancer would pick), and the runbook's curl, kubectl and agenc
 * commands, in real bash, act in A's session: B's router forwards them, and A's session journals
 * them as the participant's. After A is killed with SIGKILL and B takes the session over, the
 * same shell's commands go on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetSuite } from './support/fleet-suite';
import { startSimulator } from './support/served-simulator';

const suite = fleetSuite('fleet-routing', { stopWith: 'SIGKILL' });
const { running, dirs } = suite;

interface Joined {
  token: string;
  url: string;
  env: string[];
}

interface Summary {
  code: string;
  url: string;
}

interface Entry {
  source: string;
  action: string;
  actor?: string;
  outcome: string;
}

/** The export line's value of `name`, as the join answer wrote it (single-quoted). */
function exported(person: Joined, name: string): string {
  const line = person.env.find((candidate) => candidate.startsWith(`export ${name}=`));
  if (!line) throw new Error(`no ${name} in the join answer's lines`);
  return line.slice(`export ${name}=`.length).replace(/^'(.*)'$/, '$1');
}

/**
 * The participant's shell settings sent to another instance's main port instead: what a load
 * balancer would do with the public address. The export lines and the two files they name.
 */
function pointAt(person: Joined, from: number, to: number): Joined {
  const swap = (text: string) => text.replaceAll(`127.0.0.1:${from}`, `127.0.0.1:${to}`);
  for (const file of [exported(person, 'KUBECONFIG'), join(exported(person, 'CURL_HOME'), '.curlrc')]) writeFileSync(file, swap(readFileSync(file, 'utf8')));
  return { ...person, env: person.env.map(swap) };
}

/** A participant's own shell: their export lines, then the command, in real bash. */
function shell(person: Joined, command: string) {
  const cache = mkdtempSync(join(tmpdir(), 'kc-'));
  dirs.push(cache);
  const result = spawnSync('bash', ['-c', `${person.env.join('\n')}\n${command}`], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), KUBECACHEDIR: cache } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function journal(url: string, facilitatorToken: string): Promise<Entry[]> {
  const response = await fetch(`${url}/_sim/journal?limit=10000`, { headers: { authorization: `Bearer ${facilitatorToken}` }, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Entry[] }).entries;
}

const adas = (entries: Entry[]) => entries.filter((entry) => entry.actor === 'Ada' && entry.source !== 'sim').map((entry) => `${entry.action} ${entry.outcome}`);

describe.skipIf(suite.missing !== undefined)('routing in a fleet of two instances on one PostgreSQL', () => {
  it("forwards a participant's runbook commands, sent to the other instance, to their session; and after a takeover too", { timeout: 180_000 }, async () => {
    const args = ['--store', suite.postgres().url, '--public-host', '127.0.0.1', '--speed', '30'];
    // A's folder is kept when it dies: the participant's shell settings live there (their own machine, in life).
    const aData = mkdtempSync(join(tmpdir(), 'gameday-fleet-a-'));
    dirs.push(aData);
    const a = await startSimulator(args, { dataDir: aData });
    const b = await startSimulator(args);
    running.push(a, b);
    const created = await a.control<Summary>('POST', '/gameday/sessions', { scenario: 'memory-exhaustion', team: 'blue', seed: 3, speed: 30 });
    await a.control('POST', `/gameday/sessions/${created.code}/start`);
    const answer = await fetch(`${a.url}/gameday/join/${created.code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', role: 'primary-on-call' }) });
    expect(answer.status).toBe(200);
    const joined = (await answer.json()) as Joined;
    // The join answer points at the public main address (A's here), never at the session's own port.
    expect(joined.url).toBe(`${a.url}/#token=${encodeURIComponent(joined.token)}`);
    expect(exported(joined, 'AGENC_URL')).toBe(a.url);
    expect(readFileSync(join(exported(joined, 'CURL_HOME'), '.curlrc'), 'utf8')).toContain(`header = "X-Gameday-Drill: session:${created.code}"`);

    // Through A's own router first (the owner is this instance: the same path).
    const viaA = shell(joined, 'kubectl get deployment proof-worker -n production -o name');
    expect(viaA.status, viaA.stderr).toBe(0);
    expect(viaA.stdout).toBe('deployment.apps/proof-worker\n');

    // Then through B: the balancer picked the other instance.
    const ada = pointAt(joined, a.port, b.port);
    const config = shell(ada, `curl -sf -X POST localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`);
    expect(config.status, config.stderr).toBe(0);
    const metrics = shell(ada, 'curl -sf localhost:9090/metrics | grep -c "^speculation_active_tasks "');
    expect(metrics.stdout, metrics.stderr).toBe('1\n');
    const scale = shell(ada, 'kubectl scale deployment proof-worker -n production --replicas=12');
    expect(scale.status, scale.stderr).toBe(0);
    expect(scale.stdout).toContain('deployment.apps/proof-worker scaled');
    const status = shell(ada, 'agenc admin status --component speculation');
    expect(status.status, status.stderr).toBe(0);
    const health = shell(ada, './scripts/speculation-health.sh > /dev/null');
    expect(health.status, health.stderr).toBe(0);
    const readBack = shell(ada, `curl -sf localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"`);
    expect(JSON.parse(readBack.stdout)).toMatchObject({ config: { 'speculation.max_depth': 2 } });

    // They acted in A's session, as Ada; neither instance's own drill saw them.
    const entries = await journal(created.url, a.facilitatorToken);
    expect(adas(entries)).toEqual(expect.arrayContaining(['POST /admin/config accepted', 'kubectl scale accepted', 'agenc admin status --component speculation accepted']));
    for (const sim of [a, b]) {
      const solo = await sim.control<{ config: Record<string, unknown> }>('GET', '/_sim/state');
      expect(solo.config['speculation.max_depth']).toBe(4);
    }

    // A dies; B takes the session over. The same shell, still pointed at B, goes on.
    await a.stop('SIGKILL');
    const killed = performance.now();
    let after = shell(ada, 'kubectl get deployment proof-worker -n production -o name');
    while (after.status !== 0 && performance.now() - killed < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = shell(ada, 'kubectl get deployment proof-worker -n production -o name');
    }
    expect(after.status, after.stderr).toBe(0);
    process.stderr.write(`fleet-routing: commands through B reached the session again ${Math.round(performance.now() - killed)} ms after A's SIGKILL\n`);
    const scaledAgain = shell(ada, 'kubectl scale deployment proof-worker -n production --replicas=10');
    expect(scaledAgain.status, scaledAgain.stderr).toBe(0);
    const statusAgain = shell(ada, 'agenc admin status --component speculation');
    expect(statusAgain.status, statusAgain.stderr).toBe(0);
    const configAgain = shell(ada, `curl -sf localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"`);
    expect(JSON.parse(configAgain.stdout)).toMatchObject({ config: { 'speculation.max_depth': 2 } });
    const moved = await b.control<Summary>('GET', `/gameday/sessions/${created.code}`);
    const afterTakeover = adas(await journal(moved.url, b.facilitatorToken));
    expect(afterTakeover).toEqual(expect.arrayContaining(['POST /admin/config accepted', 'kubectl scale accepted']));
    // Rebuilt with what Ada did before (replayed), and what she did after through B on top.
    const scales = (actions: string[]) => actions.filter((action) => action === 'kubectl scale accepted').length;
    expect(scales(afterTakeover)).toBeGreaterThan(scales(adas(entries)));
    expect(afterTakeover.slice(0, adas(entries).length)).toEqual(adas(entries));
  });
});
