/**
 * Issue 13: without a working bwrap, `gameday serve` says so at start-up and its terminal still
 * answers this machine, with programs run directly but with the same settings; with
 * --unsafe-terminal it says that everyone may use it. (Refusing other machines is checked with
 * a non-loopback client address in packages/simulator/src/http/routes/terminal-routes.test.ts:
 * these tests only talk to loopback.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, startupLine, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const noBwrap = { GAMEDAY_BWRAP: '/nonexistent/bwrap' };

async function type(served: ServedSimulator, command: string) {
  const response = await fetch(`${served.url}/trainer/terminal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${served.adminToken}` }, body: JSON.stringify({ command }) });
  return { status: response.status, body: (await response.json()) as { stdout: string; stderr: string; exitCode: number } };
}

describe('gameday serve without a working bwrap', () => {
  it('warns at start-up, and runs the runbook\'s lines for this machine', async () => {
    sim = await startSimulator(['--clock', 'virtual'], { env: noBwrap });
    const warning = await startupLine(sim, /^gameday: warning: in-browser terminal: .*$/m);
    expect(warning).toContain('no sandbox: /nonexistent/bwrap not found (install the bubblewrap package)');
    expect(warning).toContain('answers this machine only (install bubblewrap, or pass --unsafe-terminal to accept the risk)');
    const metrics = await type(sim, 'curl -s localhost:9090/metrics | grep -c "^speculation_active_tasks "');
    expect(metrics).toMatchObject({ status: 200, body: { stdout: '1\n', exitCode: 0 } });
    const pods = await type(sim, 'kubectl get pods -n production -l component=speculation');
    expect(pods.body.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    expect((await type(sim, './scripts/speculation-health.sh')).body.stdout).toContain('== speculation pods');
  });

  it('says plainly that --unsafe-terminal lets everyone run programs unsandboxed', async () => {
    sim = await startSimulator(['--clock', 'virtual', '--unsafe-terminal'], { env: noBwrap });
    expect(await startupLine(sim, /^ {2}terminal .*$/m)).toContain('UNSAFE: no sandbox: /nonexistent/bwrap not found');
    expect((await type(sim, 'agenc admin status --component speculation')).body.exitCode).toBe(0);
  });
});
