/**
 * Issue 17, item 6: the deployment guide's files are what the tools accept. Real kubectl 1.32
 * applies `deploy/kubernetes/` with `--dry-run=client --validate=false`; client-side dry run
 * still asks the server what each kind is (discovery) and whether the object exists, so a small
 * loopback stand-in answers that, as an empty cluster would. The systemd units pass
 * `systemd-analyze verify`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const manifests = join(repo, 'deploy', 'kubernetes');

interface Resource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
}
const resource = (name: string, kind: string, namespaced = true): Resource => ({ name, singularName: kind.toLowerCase(), namespaced, kind });

/** What an empty cluster serves: the kinds the manifests use, and no objects. */
const groups: Record<string, Resource[]> = {
  '/api/v1': [resource('namespaces', 'Namespace', false), resource('secrets', 'Secret'), resource('services', 'Service'), resource('configmaps', 'ConfigMap')],
  '/apis/apps/v1': [resource('statefulsets', 'StatefulSet'), resource('deployments', 'Deployment')],
  '/apis/policy/v1': [resource('poddisruptionbudgets', 'PodDisruptionBudget')],
};

function emptyCluster(): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (path === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') {
      const named = Object.keys(groups).filter((group) => group.startsWith('/apis/'));
      return json(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: named.map((group) => {
          const [, , name, version] = group.split('/');
          return { name, versions: [{ groupVersion: `${name}/${version}`, version }], preferredVersion: { groupVersion: `${name}/${version}`, version } };
        }),
      });
    }
    const list = groups[path];
    if (list) {
      const groupVersion = path === '/api/v1' ? 'v1' : path.slice('/apis/'.length);
      return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: list.map((entry) => ({ ...entry, verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] })) });
    }
    return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  });
}

let server: Server;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gameday-deploy-'));
  server = emptyCluster();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/deploy.md files', () => {
  it('kubectl apply --dry-run=client --validate=false accepts every Kubernetes manifest', async () => {
    const port = (server.address() as { port: number }).port;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: empty\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: empty\n  context:\n    cluster: empty\ncurrent-context: empty\nusers:\n- name: nobody\n  user: {}\n`);
    // Not spawnSync: the stand-in answers from this process's event loop.
    const run = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'apply', '--dry-run=client', '--validate=false', '-f', manifests], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const created = run.stdout.trim().split('\n').sort();
    expect(created).toEqual(
      [
        'namespace/gameday created (dry run)',
        'secret/gameday created (dry run)',
        'service/gameday created (dry run)',
        'service/gameday-peers created (dry run)',
        'statefulset.apps/gameday created (dry run)',
        'poddisruptionbudget.policy/gameday created (dry run)',
      ].sort(),
    );
  });

  it('systemd-analyze verify accepts the systemd units', () => {
    const units = readdirSync(join(repo, 'deploy', 'systemd')).filter((name) => name.endsWith('.service'));
    expect(units.length).toBeGreaterThanOrEqual(2);
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));
    if (!analyze) {
      // Not on every machine (a container without systemd); CI machines have it.
      if (process.env.CI) throw new Error('systemd-analyze is missing: install systemd (.ci/run does)');
      return;
    }
    for (const unit of units) {
      // verify prints nothing for a unit it accepts; it exits non-zero on a syntax error.
      const out = execFileSync(analyze, ['verify', join(repo, 'deploy', 'systemd', unit)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out).toBe('');
    }
  });
});
