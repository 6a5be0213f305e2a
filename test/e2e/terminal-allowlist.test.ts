/**
 * Issue 13 (item 3): the argv the terminal's allowlists hand to the real curl, kubectl and agenc
 * does what the line typed says. Every runbook command, typed into the terminal, exits 0; so
 * do the lines a responder types beyond it, in the forms the allowlists rewrite (short clusters,
 * `-n=`, flags before the verb); refusals come back with exit 2 and what is allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookBlocks } from './support/runbook-blocks';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator;
beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '13']);
  await sim.control('POST', '/_sim/clock/advance', { ms: 120_000 });
});
afterAll(async () => {
  await sim.stop();
});

async function type(command: string) {
  const response = await fetch(`${sim.url}/trainer/terminal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.adminToken}` },
    body: JSON.stringify({ command }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { stdout: string; stderr: string; exitCode: number };
}

describe('every runbook command, typed into the terminal', () => {
  const blocks = runbookBlocks();
  describe.each(blocks.map((block, index) => [`${index + 1}: ${block.section}`, block] as const))('block %s', (_name, block) => {
    beforeAll(async () => {
      await sim.control('POST', '/_sim/reset');
      await sim.control('POST', '/_sim/clock/advance', { ms: 120_000 });
    });
    it.each(block.commands.map((command) => [command.split('\n')[0]!, command] as const))('%s exits 0', async (_first, command) => {
      const result = await type(command);
      expect(result.exitCode, `${command}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
    });
  });
});

describe("a responder's lines beyond the runbook, as rewritten for the real tools", () => {
  it('curl: -o /dev/null with -w prints the status only; a short cluster with its value attached', async () => {
    expect(await type("curl -s -o /dev/null -w '%{http_code}' localhost:9090/metrics")).toMatchObject({ stdout: '200', exitCode: 0 });
    const posted = await type(`curl -sXPOST localhost:9090/admin/config -H"Authorization: Bearer $ADMIN_TOKEN" -d'{"speculation.max_depth": 2}'`);
    expect(posted.exitCode).toBe(0);
    expect(JSON.parse(posted.stdout)).toMatchObject({ applied: { 'speculation.max_depth': 2 } });
  });

  it("curl: the drill's own port, by 127.0.0.1", async () => {
    const port = new URL(sim.url).port;
    const result = await type(`curl -fsS http://127.0.0.1:${port}/metrics | grep -c '^speculation_active_tasks '`);
    expect(result).toMatchObject({ stdout: '1\n', exitCode: 0 });
  });

  it('kubectl: flags before the verb, -n=, short clusters and --replicas N', async () => {
    const pods = await type('kubectl -n production get pods -l component=speculation');
    expect(pods.exitCode).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    const wide = await type('kubectl get deploy -n=production -o name');
    expect(wide.stdout).toContain('deployment.apps/proof-worker');
    const scaled = await type('kubectl scale deploy/proof-worker --replicas 10 -nproduction');
    expect(scaled).toMatchObject({ stdout: 'deployment.apps/proof-worker scaled\n', exitCode: 0 });
    const jsonpath = await type("kubectl get deployment proof-worker -n production -o jsonpath='{.spec.replicas}'");
    expect(jsonpath).toMatchObject({ stdout: '10', exitCode: 0 });
  });

  it('agenc: --since=10m and -ojson', async () => {
    const result = await type('agenc speculation rollbacks --since=10m -ojson');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toBeTypeOf('object');
  });

  it('refuses with exit 2 and what is allowed, and help prints the table', async () => {
    const refused = await type('kubectl -n get create secret generic x --from-file=/etc/passwd --dry-run=client -o yaml');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^kubectl: not available in this drill: the verb "create"\. The verbs: get, describe, logs, scale, rollout, top/);
    const help = await type('help');
    expect(help.stdout).toContain('  kubectl: get, describe, logs, scale, rollout, top, events');
    expect(help.stdout).toContain("  curl: http://localhost:9090/… (or 127.0.0.1, or the drill's own port)");
  });
});
