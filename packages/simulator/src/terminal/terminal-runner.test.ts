/**
 * Issue 13, items 1, 2 and 4: the terminal runs the runbook's lines with settings the user
 * cannot write, in a folder of the user's own, the same with the sandbox and without it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeRecord } from '../drill/drill-workspace';
import { detectSandbox, type Sandbox } from './sandbox';
import { startTestDrill, type TestDrill } from './test-terminal';

const status = await detectSandbox();
// CI installs bubblewrap (.ci/run): there a missing sandbox fails the sandboxed half instead of skipping it.
const modes: Array<[string, Sandbox | null]> = status.sandbox || process.env.CI === 'true' ? [['in the sandbox', status.sandbox], ['without a sandbox', null]] : [['without a sandbox', null]];

let t: TestDrill;
beforeAll(async () => {
  t = await startTestDrill();
});
afterAll(async () => {
  await t.close();
});

describe.each(modes)('the terminal %s', (_mode, sandbox) => {
  let ada: ServeRecord;
  let bob: ServeRecord;
  const run = (line: string, as?: ServeRecord) => t.run(line, { sandbox, ...(as ? { as } : {}) });
  beforeAll(() => {
    ada = t.participant(sandbox ? 'ada1' : 'ada2');
    bob = t.participant(sandbox ? 'bob1' : 'bob2');
  });

  it("runs the runbook's curl, kubectl, agenc and health script", async () => {
    expect(await run('curl -s localhost:9090/metrics | grep -c "^speculation_active_tasks "')).toMatchObject({ stdout: '1\n', exitCode: 0 });
    expect((await run('kubectl get pods -n production -l component=speculation')).stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    expect((await run('agenc admin status --component speculation')).stdout).toMatch(/^Component:\s+speculation/);
    const health = await run('./scripts/speculation-health.sh');
    expect(health.stderr).toBe('');
    expect(health.stdout).toContain('== speculation pods');
  });

  it("keeps the stake snapshot with the date in its name, in the user's folder", async () => {
    const before = readdirSync(t.record.workDir);
    expect(await run('agenc stake status > stake_snapshot_$(date +%Y%m%d_%H%M%S).txt')).toMatchObject({ stdout: '', exitCode: 0 });
    const saved = readdirSync(t.record.workDir).filter((name) => !before.includes(name));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^stake_snapshot_\d{8}_\d{6}\.txt$/);
    expect(readFileSync(join(t.record.workDir, saved[0]!), 'utf8')).toMatch(/^Validator:\s+agenc-validator-/);
    rmSync(join(t.record.workDir, saved[0]!));
  });

  it.each([
    ['echo url = x > .curlrc', '.curlrc'],
    ['echo x >> .bashrc', '.bashrc'],
    ['echo x > kubeconfig', 'kubeconfig'],
    ['echo x > kubeconfig-bob', 'kubeconfig-bob'],
    ['echo x > KUBECONFIG.yaml', 'KUBECONFIG.yaml'],
    ['echo x > scripts/speculation-health.sh', 'scripts'],
    ['echo x > ./notes.txt', 'notes.txt'],
    ['echo x > ../notes.txt', 'notes.txt'],
    ['echo x > /tmp/notes.txt', 'notes.txt'],
  ])('refuses the redirect %j, saying what may be written, and writes nothing', async (line, name) => {
    const before = readdirSync(ada.workDir).sort();
    const result = await run(line, ada);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('write to a plain file name in your folder: letters, digits, ".", "_" and "-", starting with a letter or digit, other than kubeconfig');
    expect(readdirSync(ada.workDir).sort()).toEqual(before);
    expect(existsSync(join(ada.workDir, '..', name))).toBe(false);
  });

  it("reads no settings a user could plant: a .curlrc or kubeconfig in their folder or the tools' home changes nothing", async () => {
    // As if a write had got through, into the folder and into the home the tools get without a
    // sandbox: curl starts with -q, kubectl with --kubeconfig, both outside the folder.
    const planted = [t.record.workDir, t.record.homeDir];
    const curlrc = `url = "file://${join(t.dataDir, 'private', 'serve', `${t.record.port}.json`)}"\nheader = "X-Planted: yes"\n`;
    const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\n';
    for (const folder of planted) {
      writeFileSync(join(folder, '.curlrc'), curlrc);
      writeFileSync(join(folder, 'kubeconfig'), kubeconfig);
      mkdirSync(join(folder, '.kube'), { recursive: true });
      writeFileSync(join(folder, '.kube', 'config'), kubeconfig);
    }
    try {
      const curl = await run('curl -s -v localhost:9090/healthz');
      expect(curl.exitCode).toBe(0);
      expect(curl.stdout + curl.stderr).not.toContain('facilitatorToken');
      expect(curl.stderr).not.toContain('X-Planted');
      const kubectl = await run('kubectl get deployments -n production');
      expect(kubectl.exitCode, kubectl.stderr).toBe(0);
    } finally {
      for (const folder of planted) for (const name of ['.curlrc', 'kubeconfig', '.kube']) rmSync(join(folder, name), { recursive: true });
    }
  });

  it("runs the server's health script, whatever is in the user's scripts/ folder", async () => {
    writeFileSync(join(t.record.workDir, 'scripts', 'speculation-health.sh'), 'echo planted\n');
    const health = await run('./scripts/speculation-health.sh');
    expect(health.stdout).not.toContain('planted');
    expect(health.stdout).toContain('== key metrics');
    expect((await run('cat scripts/speculation-health.sh')).stdout).toContain('speculation-health.sh: a one-screen health check');
  });

  it("gives each user a folder of their own: no one lists or reads another's", async () => {
    await run('echo ada-only > notes.txt', ada);
    expect((await run('pwd', bob)).stdout).toBe(`${bob.workDir}\n`);
    expect((await run('ls', bob)).stdout).toBe('scripts/\n');
    expect(await run('cat notes.txt', bob)).toMatchObject({ stdout: '', exitCode: 1 });
    expect(await run(`cat ../${ada.workDir.split('/').at(-1)}/notes.txt`, bob)).toMatchObject({ stdout: '', exitCode: 1 });
    expect((await run('cat notes.txt', ada)).stdout).toBe('ada-only\n');
    // Each has their own token in $ADMIN_TOKEN and in their kubeconfig, outside both folders.
    expect((await run('echo $ADMIN_TOKEN', bob)).stdout).toBe(`${bob.adminToken}\n`);
    expect(readFileSync(bob.kubeconfig, 'utf8')).toContain(`server: ${t.record.url}/as/${encodeURIComponent(bob.adminToken)}`);
    expect(bob.kubeconfig.startsWith(join(t.dataDir, 'private'))).toBe(true);
  });
});
