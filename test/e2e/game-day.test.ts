/**
 * Game-day mode end to end: `gameday serve` as a user runs it, two sessions on it, and each
 * participant's own shell (the export lines the join answers with) running the runbook's
 * commands unmodified with real bash, curl, kubectl and agenc. Then a restart that keeps the
 * schedules and the attendance.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

const dataDir = mkdtempSync(join(tmpdir(), 'gameday-gd-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Joined {
  token: string;
  url: string;
  env: string[];
}

async function joinSession(sim: ServedSimulator, code: string, name: string, role: string): Promise<Joined> {
  const response = await fetch(`${sim.url}/gameday/join/${code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
  expect(response.status).toBe(200);
  return (await response.json()) as Joined;
}

/** A participant's own shell: their export lines, then the command, in real bash. */
function shell(person: Joined, command: string) {
  const result = spawnSync('bash', ['-c', `${person.env.join('\n')}\n${command}`], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'kc-')) } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('game-day mode with gameday serve', () => {
  it('runs two isolated sessions where each participant works from their own shell, limited by role', { timeout: 120_000 }, async () => {
    const sim = await startSimulator(['--speed', '30'], { dataDir });
    try {
      const blue = await sim.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'memory-exhaustion', team: 'blue', seed: 3, speed: 30 });
      const red = await sim.control<{ code: string; url: string }>('POST', '/gameday/sessions', { scenario: 'memory-exhaustion', team: 'red', seed: 3, speed: 30 });
      await sim.control('POST', `/gameday/sessions/${blue.code}/start`);
      await sim.control('POST', `/gameday/sessions/${red.code}/start`);
      const ada = await joinSession(sim, blue.code, 'Ada', 'primary-on-call');
      const olly = await joinSession(sim, blue.code, 'Olly', 'observer');
      const rex = await joinSession(sim, red.code, 'Rex', 'incident-commander');

      // The runbook's commands as written: localhost:9090 reaches Ada's session through its .curlrc.
      const config = shell(ada, `curl -sf -X POST localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`);
      expect(config.status, config.stderr).toBe(0);
      const scale = shell(ada, 'kubectl scale deployment proof-worker -n production --replicas=12');
      expect(scale.status, scale.stderr).toBe(0);
      expect(scale.stdout).toContain('deployment.apps/proof-worker scaled');
      const status = shell(ada, 'agenc admin status --component speculation');
      expect(status.status, status.stderr).toBe(0);
      const pods = shell(ada, 'kubectl get pods -n production -l component=speculation && ./scripts/speculation-health.sh > /dev/null');
      expect(pods.status, pods.stderr).toBe(0);

      // The observer watches: every command of theirs is refused, with a message that says why.
      const observed = shell(olly, 'kubectl get pods -n production -l component=speculation');
      expect(observed.status).not.toBe(0);
      expect(observed.stderr).toContain('Error from server (Forbidden): observers cannot run commands');
      const observerCurl = shell(olly, `curl -s -o /dev/null -w '%{http_code}' -X POST localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": false}'`);
      expect(observerCurl.stdout).toBe('403');
      const observerAgenc = shell(olly, 'agenc admin gc');
      expect(observerAgenc.status).not.toBe(0);

      // Isolation: red's world, and the server's own solo drill, never saw blue's changes.
      const redState = await sim.control<{ config: Record<string, unknown> }>('GET', `/gameday/sessions/${red.code}`);
      expect(redState).toMatchObject({ participants: [expect.objectContaining({ name: 'Rex' })] });
      const redConfig = shell(rex, `curl -sf localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"`);
      expect(JSON.parse(redConfig.stdout)).toMatchObject({ config: { 'speculation.max_depth': 4 } });
      const blueConfig = shell(ada, `curl -sf localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN"`);
      expect(JSON.parse(blueConfig.stdout)).toMatchObject({ config: { 'speculation.max_depth': 2 } });
      const solo = await sim.control<{ config: Record<string, unknown> }>('GET', '/_sim/state');
      expect(solo.config['speculation.max_depth']).toBe(4);
      // Rex's token is not a token on blue's server.
      const crossed = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `${blue.url}/admin/config`, '-H', `Authorization: Bearer ${rex.token}`, '-d', '{"speculation.enabled": false}'], { encoding: 'utf8' });
      expect(crossed.stdout).toBe('401');

      // Every command is attributed in blue's journal; the observer's refusals too.
      const journal = await fetch(`${blue.url}/_sim/journal?limit=200`, { headers: { authorization: `Bearer ${sim.facilitatorToken}` } });
      const entries = ((await journal.json()) as { entries: Array<{ source: string; action: string; actor?: string; outcome: string; detail?: { path?: string } }> }).entries;
      expect(entries.filter((entry) => entry.actor === 'Ada' && entry.source !== 'sim').map((entry) => entry.action)).toEqual(expect.arrayContaining(['POST /admin/config', 'kubectl scale', 'agenc admin status --component speculation']));
      const observerEntries = entries.filter((entry) => entry.actor === 'Olly' && entry.source !== 'sim');
      expect(observerEntries.filter((entry) => entry.outcome === 'rejected').map((entry) => entry.action)).toEqual(expect.arrayContaining(['kubectl get', 'POST /admin/config', 'agenc admin gc']));
      // kubectl's discovery reads (what the API is) are all an observer's kubectl gets answered.
      expect(observerEntries.filter((entry) => entry.outcome === 'accepted').every((entry) => /^\/(version|api|apis)(\/|$)/.test(String(entry.detail?.path)) && !String(entry.detail?.path).includes('/namespaces/'))).toBe(true);
      expect(entries.some((entry) => entry.actor === 'Rex')).toBe(false);

      // A schedule for next Friday, kept across the restart below.
      await sim.control('POST', '/gameday/schedules', { name: 'Failure Friday', cron: '0 14 * * FRI', scenario: 'surprise', windowMinutes: 120, team: 'blue' });
      const stopped = performance.now();
      expect(await sim.stop('SIGTERM')).toBe(0);
      expect(performance.now() - stopped).toBeLessThan(5000);
    } finally {
      await sim.stop();
    }

    const restarted = await startSimulator([], { dataDir });
    try {
      const { schedules } = await restarted.control<{ schedules: Array<{ name: string; cron: string; windowMinutes: number; nextAt: string }> }>('GET', '/gameday/schedules');
      expect(schedules).toEqual([expect.objectContaining({ name: 'Failure Friday', cron: '0 14 * * FRI', windowMinutes: 120 })]);
      expect(new Date(schedules[0]!.nextAt).getUTCDay()).toBe(5);
      const attendance = await fetch(`${restarted.url}/gameday/attendance`, { headers: { authorization: `Bearer ${restarted.facilitatorToken}` } });
      const rows = (await attendance.text()).trim().split('\n');
      expect(rows.map((row) => row.split(',').slice(2, 5).join(','))).toEqual(['team,name,role', 'blue,Ada,primary-on-call', 'blue,Olly,observer', 'red,Rex,incident-commander']);
    } finally {
      await restarted.stop();
    }
  });
});
