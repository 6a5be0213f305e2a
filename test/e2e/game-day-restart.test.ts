/**
 * Issue 17 item 1, game-days: a real `gameday serve` running a game-day with three participants,
 * each acting from their own shell with the runbook's tools, is killed with SIGKILL and started
 * again on the same data folder. The session is rebuilt from its inputs: its drill's state and
 * fingerprint are what they were, the join code and every participant's token still work, their
 * runbook commands go on from their folders, and the facilitator console shows it live.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Joined {
  token: string;
  url: string;
  env: string[];
  participant: { id: string; name: string; role: string };
}

interface Summary {
  code: string;
  url: string;
  status: string;
  participants: Array<{ name: string; role: string }>;
}

async function post<T>(url: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The session's drill state, as its own server answers the facilitator. */
async function sessionState(sim: ServedSimulator, url: string): Promise<DrillState> {
  const response = await fetch(`${url}/_sim/state`, { headers: { authorization: `Bearer ${sim.facilitatorToken}` }, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return (await response.json()) as DrillState;
}

/** The session's journal, less the wall-clock stamps (a replayed entry keeps its moment, not its formatting). */
async function sessionJournal(sim: ServedSimulator, url: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${url}/_sim/journal?limit=10000`, { headers: { authorization: `Bearer ${sim.facilitatorToken}` }, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Array<Record<string, unknown>> }).entries.map(({ wallMs: _wall, at: _at, ...entry }) => entry);
}

/** A participant's own shell: their export lines (which cd into their folder), then the command, in real bash. */
function shell(person: Joined, command: string) {
  const result = spawnSync('bash', ['-c', `${person.env.join('\n')}\n${command}`], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'kc-')) },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a game-day survives kill -9', () => {
  it('rebuilds the session with its three participants: same state and fingerprint, code, tokens, folders, live in the console', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-gd-live-'));
    dirs.push(dataDir);
    let sim = await startSimulator([], { dataDir });
    const tokens = { admin: sim.adminToken, facilitator: sim.facilitatorToken };
    try {
      const created = await sim.control<Summary>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'blue', seed: 4242, speed: 30 });
      await sim.control('POST', `/gameday/sessions/${created.code}/start`);
      const join = async (name: string, role: string) => {
        const answer = await post<Joined>(`${sim.url}/gameday/join/${created.code}`, { name, role });
        expect(answer.status).toBe(200);
        return answer.body;
      };
      const ada = await join('Ada', 'primary-on-call');
      const ben = await join('Ben', 'incident-commander');
      const cy = await join('Cy', 'comms-lead');

      // Each acts from their own shell, with the runbook's commands as written.
      const config = shell(ada, `curl -sf -X POST localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`);
      expect(config.status, config.stderr).toBe(0);
      const status = shell(ada, 'agenc admin status --component speculation');
      expect(status.status, status.stderr).toBe(0);
      const scale = shell(ben, 'kubectl scale deployment proof-worker -n production --replicas=9');
      expect(scale.status, scale.stderr).toBe(0);
      const bridge = shell(cy, `curl -sf -X POST localhost:9090/trainer/bridge -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' -d '{}'`);
      expect(bridge.status, bridge.stderr).toBe(0);
      await sim.control('POST', `/gameday/sessions/${created.code}/hint`, { text: 'Check the proof workers.' });
      // Paused before the kill, so the two states can be compared exactly (the realtime clock would move on).
      await sim.control('POST', `/gameday/sessions/${created.code}/pause`);
      const before = await sessionState(sim, created.url);
      const beforeJournal = await sessionJournal(sim, created.url);
      expect(beforeJournal.filter((entry) => ['Ada', 'Ben', 'Cy'].includes(String(entry.actor)) && entry.source !== 'sim').length).toBeGreaterThanOrEqual(4);
      expect(before.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      await sim.stop('SIGKILL');

      sim = await startSimulator([], { dataDir, tokens });
      expect(await startupLine(sim, /game-day +\S+: .*/)).toMatch(new RegExp(`game-day +${created.code}: resumed on port ${new URL(created.url).port}, paused, 3 participants \\(\\d+ inputs replayed in \\d+ ms\\)`));
      const after = await sessionState(sim, created.url);
      expect(after).toEqual(before);
      expect(await sessionJournal(sim, created.url)).toEqual(beforeJournal);

      // Live in the facilitator console, with its people; it goes on when resumed.
      const { sessions } = await sim.control<{ sessions: Summary[] }>('GET', '/gameday/sessions');
      expect(sessions).toEqual([expect.objectContaining({ code: created.code, status: 'paused', url: created.url, participants: [expect.objectContaining({ name: 'Ada' }), expect.objectContaining({ name: 'Ben' }), expect.objectContaining({ name: 'Cy' })] })]);
      expect((await sim.control<Summary>('POST', `/gameday/sessions/${created.code}/resume`)).status).toBe('running');

      // Every token is its person's still; the join code still lets someone new in.
      for (const person of [ada, ben, cy]) {
        const again = await post<Joined>(`${sim.url}/gameday/join/${created.code}/rejoin`, { token: person.token });
        expect(again.status).toBe(200);
        expect(again.body.participant).toEqual(person.participant);
        expect(again.body.env).toEqual(person.env);
      }
      expect((await post<Joined>(`${sim.url}/gameday/join/${created.code}`, { name: 'Dee', role: 'observer' })).status).toBe(200);

      // The runbook's commands go on from each person's folder, with the same settings.
      const replicas = shell(ben, `kubectl get deployment proof-worker -n production -o jsonpath='{.spec.replicas}'`);
      expect(replicas.stdout, replicas.stderr).toBe('9');
      const kept = shell(ada, `curl -sf localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"`);
      expect(JSON.parse(kept.stdout)).toMatchObject({ config: { 'speculation.max_depth': 2 } });
      const health = shell(ada, './scripts/speculation-health.sh > /dev/null && agenc admin gc --component speculation --force');
      expect(health.status, health.stderr).toBe(0);
      const escalated = shell(cy, `curl -sf -X POST localhost:9090/trainer/escalations -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' -d '{"to":"platform-lead"}'`);
      expect(escalated.status, escalated.stderr).toBe(0);
    } finally {
      await sim.stop();
    }
  });
});
