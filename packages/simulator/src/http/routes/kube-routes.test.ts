import { describe, expect, it } from 'vitest';
import { adminAuth, facilitatorAuth, testTokens, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer();

/** Where the drill's kubeconfig points: the server, then the admin token in the path. */
const asAdmin = `/as/${testTokens.admin}`;
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const get = (url: string, accept = 'application/json') => t.server.inject({ method: 'GET', url: asAdmin + url, headers: { accept, 'kubectl-command': 'kubectl get' } });
const patchScale = (name: string, payload: unknown, prefix = asAdmin, headers: Record<string, string> = {}) =>
  t.server.inject({
    method: 'PATCH',
    url: `${prefix}/apis/apps/v1/namespaces/production/deployments/${name}/scale`,
    headers: { 'content-type': 'application/merge-patch+json', 'kubectl-command': 'kubectl scale', ...headers },
    payload: JSON.stringify(payload),
  });

describe('tokens (issue 13)', () => {
  const unauthorized = { kind: 'Status', status: 'Failure', reason: 'Unauthorized', message: 'Unauthorized', code: 401 };

  it.each(['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1', '/api/v1/namespaces/production/pods', '/apis/batch/v1/jobs'])('refuses %s without a token, with the Status kubectl reads as "must be logged in"', async (path) => {
    const response = await t.server.inject({ method: 'GET', url: path, headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject(unauthorized);
  });

  it('refuses a wrong token in the path or the header, the facilitator token, and a path and header that disagree; a scale without a token changes nothing', async () => {
    const before = worldFingerprint(t.drill);
    for (const [prefix, headers] of [
      ['/as/not-the-token', {}],
      ['', { authorization: 'Bearer not-the-token' }],
      ['', facilitatorAuth],
      [`/as/${testTokens.facilitator}`, {}],
      [asAdmin, { authorization: 'Bearer not-the-token' }],
      ['', {}],
    ] as const) {
      const response = await patchScale('proof-worker', { spec: { replicas: 0 } }, prefix, headers);
      expect(response.statusCode, `${prefix} ${JSON.stringify(headers)}`).toBe(401);
      expect(response.json()).toMatchObject(unauthorized);
    }
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('takes the admin token in the path (as the kubeconfig carries it) or as a Bearer header', async () => {
    expect((await t.server.inject({ method: 'GET', url: `${asAdmin}/api/v1/namespaces/production/pods`, headers: { accept: 'application/json' } })).statusCode).toBe(200);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/namespaces/production/pods', headers: { accept: 'application/json', ...adminAuth } })).statusCode).toBe(200);
    expect((await t.server.inject({ method: 'GET', url: `${asAdmin}/api/v1/pods?limit=1`, headers: { accept: 'application/json', ...adminAuth } })).statusCode).toBe(200);
  });

  it("journals the token's owner as the actor, never kubectl's session header", async () => {
    await patchScale('proof-worker', { spec: { replicas: 10 } }, asAdmin, { 'kubectl-session': 'Alice' });
    await patchScale('proof-worker', { spec: { replicas: 0 } }, '', { 'kubectl-session': 'Alice' });
    const scales = t.drill.journal.list().filter((entry) => entry.source === 'kube' && entry.action === 'kubectl scale');
    expect(scales.map((entry) => [entry.status, entry.actor])).toEqual([
      [200, 'admin'],
      [401, undefined],
    ]);
  });

  it('refuses a token segment that is not valid percent-encoding with a 400 Status', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/as/%zz/api' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400, message: expect.stringContaining('not valid percent-encoded UTF-8') as unknown });
  });
});

describe('discovery', () => {
  it('serves legacy discovery that resolves po and deploy and the scale subresource', async () => {
    expect((await get('/version')).json()).toMatchObject({ major: '1', minor: '32' });
    expect((await get('/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect((await get('/apis')).json()).toMatchObject({ kind: 'APIGroupList', groups: [{ name: 'apps' }] });
    const core = (await get('/api/v1')).json<{ resources: Array<{ name: string; shortNames?: string[] }> }>();
    expect(core.resources.find((resource) => resource.name === 'pods')?.shortNames).toEqual(['po']);
    const apps = (await get('/apis/apps/v1')).json<{ resources: Array<{ name: string; group?: string; kind: string; shortNames?: string[] }> }>();
    expect(apps.resources.find((resource) => resource.name === 'deployments')?.shortNames).toEqual(['deploy']);
    expect(apps.resources.find((resource) => resource.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', kind: 'Scale' });
  });
});

describe('pods', () => {
  it('answers a label-selected list as a Table with the columns kubectl prints', async () => {
    const response = await get('/api/v1/namespaces/production/pods?labelSelector=component%3Dspeculation&limit=500', tableAccept);
    expect(response.statusCode).toBe(200);
    const table = response.json<{ kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((column) => column).slice(0, 5).map((column) => column.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows).toHaveLength(3);
    expect(table.rows[0]!.cells.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(table.rows[0]!.object.kind).toBe('PartialObjectMetadata');
  });

  it('answers -o json with full Pod objects', async () => {
    const list = (await get('/api/v1/namespaces/production/pods?labelSelector=component%3Dproof-worker')).json<{ kind: string; items: Array<{ kind: string; status: { containerStatuses: unknown[] } }> }>();
    expect(list.kind).toBe('PodList');
    expect(list.items).toHaveLength(8);
    expect(list.items[0]!.status.containerStatuses).toHaveLength(1);
  });

  it('supports set-based selectors and rejects a malformed one with a Status', async () => {
    const list = (await get('/api/v1/namespaces/production/pods?labelSelector=component%20in%20(speculation%2Cworker)')).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(7);
    const bad = await get('/api/v1/namespaces/production/pods?labelSelector=%3D%3Dx');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
  });

  it('answers a missing pod with a NotFound Status and an unknown namespace with an empty list', async () => {
    const missing = await get('/api/v1/namespaces/production/pods/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
    expect((await get('/api/v1/namespaces/elsewhere/pods')).json()).toMatchObject({ kind: 'PodList', items: [] });
    expect((await get('/api/v1/namespaces/elsewhere')).statusCode).toBe(404);
  });

  it('refuses watches with a Status that says what to do', async () => {
    const response = await get('/api/v1/namespaces/production/pods?watch=true');
    expect(response.statusCode).toBe(405);
    expect(response.json<{ message: string }>().message).toContain('without -w');
  });
});

describe('deployments and scale', () => {
  it('lists deployments as a Table with READY and UP-TO-DATE', async () => {
    const table = (await get('/apis/apps/v1/namespaces/production/deployments', tableAccept)).json<{ rows: Array<{ cells: unknown[] }> }>();
    const proof = table.rows.find((row) => row.cells[0] === 'proof-worker');
    expect(proof?.cells.slice(1, 4)).toEqual(['8/8', 8, 8]);
  });

  it('scales with a merge patch, answers a Scale, and pods converge over simulated time', async () => {
    const response = await patchScale('proof-worker', { spec: { replicas: 16 } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 16 } });
    expect(t.drill.world.cluster.readyCount('proof-worker')).toBe(8);
    t.drill.skipTime(30_000, 'test');
    expect(t.drill.world.cluster.readyCount('proof-worker')).toBe(16);
    expect(t.drill.journal.list().find((entry) => entry.action === 'kubectl scale')).toMatchObject({ source: 'kube', detail: { deployment: 'proof-worker', replicas: 16, previousReplicas: 8 } });
  });

  it('scales agenc-worker to zero: its pods terminate after their grace period', async () => {
    await patchScale('agenc-worker', { spec: { replicas: 0 } });
    t.drill.skipTime(31_000, 'test');
    expect(t.drill.world.cluster.podsOf('agenc-worker')).toHaveLength(0);
  });

  it.each([
    ['a missing deployment', 'proof-workers', { spec: { replicas: 2 } }, 404, { reason: 'NotFound', message: 'deployments.apps "proof-workers" not found' }],
    ['negative replicas', 'proof-worker', { spec: { replicas: -1 } }, 422, { reason: 'Invalid', details: { causes: [{ field: 'spec.replicas' }] } }],
    ['too many replicas', 'proof-worker', { spec: { replicas: 500 } }, 422, { reason: 'Invalid' }],
    ['no replicas', 'proof-worker', { spec: {} }, 422, { reason: 'Invalid' }],
  ])('rejects %s with a Status and changes nothing', async (_name, deployment, body, status, expected) => {
    const before = worldFingerprint(t.drill);
    const response = await patchScale(deployment, body);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ kind: 'Status', status: 'Failure', code: status, ...expected });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('answers unknown Kubernetes paths with a NotFound Status', async () => {
    const response = await get('/apis/batch/v1/jobs');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});
