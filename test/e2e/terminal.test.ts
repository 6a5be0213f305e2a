/**
 * Issue 5 (terminal): the runbook's own lines typed into the in-browser terminal's endpoint
 * give what a real shell gives, against the drill; anything else gets a clear refusal.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';
import { spawnSync } from 'node:child_process';

// Whether bwrap can start a sandbox on this machine (CI installs it, and expects it to).
const bwrapWorks = spawnSync('bwrap', ['--ro-bind', '/', '/', 'true']).status === 0;

let sim: ServedSimulator;
beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '8']);
  await sim.control('POST', '/_sim/clock/advance', { ms: 120_000 });
});
afterAll(async () => {
  await sim.stop();
});

async function type(command: string, token = sim.adminToken) {
  const response = await fetch(`${sim.url}/trainer/terminal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ command }),
  });
  return { status: response.status, body: (await response.json()) as { stdout: string; stderr: string; exitCode: number; error?: string } };
}

describe('the in-browser terminal endpoint', () => {
  it('needs the admin token', async () => {
    expect((await type('echo hi', '')).status).toBe(401);
  });

  it("greps the metrics as the runbook does, with the same output as a shell", async () => {
    const { body } = await type("curl -s localhost:9090/metrics | grep -E 'speculation_(active|rollback|error)'");
    expect(body.exitCode).toBe(0);
    expect(body.stdout).toMatch(/^# HELP speculation_active_tasks /);
    expect(body.stdout).toContain('speculation_errors_total{reason="oom"}');
  });

  it('prints kubectl tables and agenc reports, and pipes them through head', async () => {
    const pods = await type('kubectl get pods -n production -l component=speculation');
    expect(pods.body.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    const rollbacks = await type('agenc speculation rollbacks --since 10m --verbose | head -5');
    expect(rollbacks.body.stdout.trim().split('\n')).toHaveLength(5);
  });

  it("runs the runbook's multi-line disable, as pasted, and the world changes", async () => {
    const { body } = await type(`curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d '{"speculation.enabled": false}'`);
    expect(body.exitCode).toBe(0);
    expect(JSON.parse(body.stdout)).toMatchObject({ applied: { 'speculation.enabled': false } });
    expect((await sim.control<DrillState>('GET', '/_sim/state')).config['speculation.enabled']).toBe(false);
    const journal = await sim.control<{ entries: Array<{ source: string; action: string; detail?: { command?: string } }> }>('GET', '/_sim/journal?source=ui');
    expect(journal.entries.at(-1)?.detail?.command).toContain('speculation.enabled');
  });

  it('saves the stake snapshot with the date in its name, and runs the health script', async () => {
    expect((await type('agenc stake status > stake_snapshot_$(date +%Y%m%d_%H%M%S).txt')).body).toMatchObject({ stdout: '', exitCode: 0 });
    const listing = await type('ls');
    const file = listing.body.stdout.split('\n').find((name) => name.startsWith('stake_snapshot_'))!;
    expect(file).toMatch(/^stake_snapshot_\d{8}_\d{6}\.txt$/);
    expect((await type(`cat ${file}`)).body.stdout).toMatch(/^Validator:\s+agenc-validator-/);
    const health = await type('./scripts/speculation-health.sh');
    expect(health.body.exitCode).toBe(0);
    expect(health.body.stdout).toContain('== speculation pods');
  });

  it('answers anything else with "not available in this drill"', async () => {
    const { body } = await type('python3 -c "print(1)"');
    expect(body.exitCode).toBe(127);
    expect(body.stderr).toContain('python3: not available in this drill');
    // It points at the user's own shell, set up with this drill's port and folder (the "Your shell" panel's line).
    expect(body.stderr).toContain('use your own shell, set up with the line in the "Your shell" panel (eval "$(gameday env --port …)")');
  });
});

describe("the terminal's sandbox and the admin's own folder (issue 13)", () => {
  it('says at start-up that programs are sandboxed', async () => {
    const line = await startupLine(sim, /^ {2}terminal .*$/m);
    expect(line).toMatch(process.env.CI === 'true' || bwrapWorks ? /programs sandboxed with bubblewrap \d/ : /no sandbox/);
  });

  it("works in the admin's own folder, which holds only what they wrote and the runbook's scripts", async () => {
    const folder = join(sim.dataDir, 'drills', String(sim.port), 'participants', 'admin');
    expect((await type('pwd')).body.stdout).toBe(`${folder}\n`);
    expect((await type('ls')).body.stdout.split('\n')).toContain('scripts/');
    expect(readdirSync(folder).some((name) => name.startsWith('kubeconfig') || name.startsWith('.'))).toBe(false);
    // The serve record, with both tokens, is outside every folder the terminal can name.
    expect(existsSync(join(sim.dataDir, 'private', 'serve', `${sim.port}.json`))).toBe(true);
    const record = await type(`cat ../../../../private/serve/${sim.port}.json`);
    expect(record.body).toMatchObject({ stdout: '', exitCode: 1 });
  });

  it('refuses redirects that would write settings or scripts, saying what may be written', async () => {
    for (const file of ['.curlrc', 'kubeconfig', 'scripts/speculation-health.sh']) {
      const { body } = await type(`echo 'url = "file:///etc/hostname"' > ${file}`);
      expect(body.exitCode).toBe(1);
      expect(body.stderr).toContain('write to a plain file name in your folder');
    }
    expect((await type('./scripts/speculation-health.sh')).body.stdout).toContain('== speculation pods');
  });
});

describe('curl in the terminal prints what it prints in a real terminal', () => {
  it('shows no progress meter when the answer goes to the screen, but keeps its errors', async () => {
    const shown = await type('curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d \'{"speculation.max_depth": 3}\'');
    expect(shown.body.stderr).toBe('');
    const refused = await type('curl http://localhost:9090/nothing-here --fail');
    expect(refused.body.stderr).toContain('curl: (22)');
    expect(refused.body.stderr).not.toContain('% Total');
  });
});
