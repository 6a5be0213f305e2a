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

  it.each([
    '/version',
    '/api',
    '/apis',
    '/api/v1',
    '/apis/apps/v1',
    '/api/v1/namespaces/production/pods',
    '/apis/batch/v1/jobs',
    // issue 14's resources take the same token
    '/apis/metrics.k8s.io/v1beta1',
    '/apis/metrics.k8s.io/v1beta1/namespaces/production/pods',
    '/api/v1/namespaces/production/events',
    '/apis/apps/v1/namespaces/production/replicasets',
    '/api/v1/nodes',
    '/apis/apps/v1/namespaces/production/deployments?watch=true&timeoutSeconds=1',
  ])('refuses %s without a token, with the Status kubectl reads as "must be logged in"', async (path) => {
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
    // metrics.k8s.io is advertised: `kubectl top` looks for it before it asks (issue 14).
    expect((await get('/apis')).json()).toMatchObject({ kind: 'APIGroupList', groups: [{ name: 'apps' }, { name: 'metrics.k8s.io', preferredVersion: { version: 'v1beta1' } }] });
    const core = (await get('/api/v1')).json<{ resources: Array<{ name: string; shortNames?: string[] }> }>();
    expect(core.resources.find((resource) => resource.name === 'pods')?.shortNames).toEqual(['po']);
    expect(core.resources.find((resource) => resource.name === 'events')?.shortNames).toEqual(['ev']);
    expect(core.resources.find((resource) => resource.name === 'nodes')?.shortNames).toEqual(['no']);
    const apps = (await get('/apis/apps/v1')).json<{ resources: Array<{ name: string; group?: string; kind: string; shortNames?: string[] }> }>();
    expect(apps.resources.find((resource) => resource.name === 'deployments')?.shortNames).toEqual(['deploy']);
    expect(apps.resources.find((resource) => resource.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', kind: 'Scale' });
    expect(apps.resources.find((resource) => resource.name === 'replicasets')?.shortNames).toEqual(['rs']);
    const metrics = (await get('/apis/metrics.k8s.io/v1beta1')).json<{ resources: Array<{ name: string; kind: string }> }>();
    expect(metrics.resources.map((resource) => resource.kind)).toEqual(['NodeMetrics', 'PodMetrics']);
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

// ---- issue 14: the tools an SRE uses ---------------------------------------------------------------

const patch = (name: string, payload: unknown, contentType: string, command = 'kubectl set resources', query = '') =>
  t.server.inject({
    method: 'PATCH',
    url: `${asAdmin}/apis/apps/v1/namespaces/production/deployments/${name}${query}`,
    headers: { 'content-type': contentType, 'kubectl-command': command },
    payload: JSON.stringify(payload),
  });
const setMemoryLimit = (name: string, memory: string) =>
  patch(name, { spec: { template: { spec: { [`$setElementOrder/containers`]: [{ name }], containers: [{ name, resources: { limits: { memory } } }] } } } }, 'application/strategic-merge-patch+json');

interface PodJson {
  metadata: { uid: string; ownerReferences: Array<{ kind: string; name: string; uid: string }> };
  spec: { containers: Array<{ image: string; resources: { limits: Record<string, string>; requests: Record<string, string> }; readinessProbe: unknown }> };
  status: { phase: string; containerStatuses: Array<{ restartCount: number; state: Record<string, unknown>; lastState: { terminated?: { reason: string; exitCode: number; startedAt: string; finishedAt: string } } }>; qosClass: string };
}
interface ReplicaSetJson {
  metadata: { name: string; annotations: Record<string, string>; ownerReferences: Array<{ uid: string }> };
  spec: { template: unknown };
}

/** An OOM kill on a speculation pod, then the back-off and restart. */
function oomKill() {
  const pod = t.drill.world.cluster.podsOf('speculation-engine')[0]!;
  t.drill.skipTime(5_000, 'test');
  t.drill.world.cluster.crash(pod, 'OOMKilled');
  t.drill.skipTime(30_000, 'test');
  return pod;
}

describe('describe pod (issue 14)', () => {
  it('serves the full pod: image, limits and requests, probes, owner, and after an OOM kill a last state of OOMKilled (137)', async () => {
    const killed = oomKill();
    const pod = (await get(`/api/v1/namespaces/production/pods/${killed.name}`)).json<PodJson>();
    const deployment = t.drill.world.cluster.deployments.get('speculation-engine')!;
    expect(pod.spec.containers[0]).toMatchObject({ image: 'agenc/speculation-engine:2.14.3', resources: { limits: { memory: '4Gi', cpu: '2' }, requests: { memory: '2Gi', cpu: '1' } } });
    expect(pod.spec.containers[0]!.readinessProbe).toMatchObject({ httpGet: { path: '/healthz' } });
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', uid: t.drill.world.cluster.currentReplicaSet(deployment).uid });
    const status = pod.status.containerStatuses[0]!;
    expect(status.restartCount).toBe(1);
    expect(status.state).toHaveProperty('running');
    expect(status.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(Date.parse(status.lastState.terminated!.finishedAt)).toBeGreaterThan(Date.parse(status.lastState.terminated!.startedAt));
    expect(pod.status.qosClass).toBe('Burstable');
  });

  it("serves the pod's own events by involvedObject, as describe asks for them", async () => {
    const killed = oomKill();
    const selector = encodeURIComponent(`involvedObject.name=${killed.name},involvedObject.namespace=production,involvedObject.uid=${killed.uid}`);
    const events = (await get(`/api/v1/namespaces/production/events?fieldSelector=${selector}&limit=500`)).json<{ kind: string; items: Array<{ reason: string; involvedObject: { uid: string } }> }>();
    expect(events.kind).toBe('EventList');
    expect(events.items.map((event) => event.reason)).toEqual(['BackOff', 'Pulled', 'Created', 'Started']);
    expect(events.items.every((event) => event.involvedObject.uid === killed.uid)).toBe(true);
    const oom = (await get(`/api/v1/events?fieldSelector=${encodeURIComponent('reason=OOMKilling')}`)).json<{ items: Array<{ metadata: { namespace: string }; involvedObject: { kind: string; name: string } }> }>();
    expect(oom.items).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ namespace: 'default' }) as unknown, involvedObject: expect.objectContaining({ kind: 'Node', name: killed.node }) as unknown })]);
  });

  it('refuses a field an event list cannot be selected by, with a Status naming the ones it can', async () => {
    const response = await get(`/api/v1/namespaces/production/events?fieldSelector=${encodeURIComponent('spec.replicas=3')}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('field label not supported: spec.replicas') as unknown });
  });
});

describe('get events (issue 14)', () => {
  it('answers a Table with LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, folding repeats into a count', async () => {
    const pod = t.drill.world.cluster.podsOf('proof-worker')[0]!;
    for (let i = 0; i < 2; i++) {
      t.drill.world.cluster.crash(pod, 'Error');
      t.drill.skipTime(60_000, 'test');
    }
    const table = (await get('/api/v1/namespaces/production/events?limit=500', tableAccept)).json<{ columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[] }> }>();
    expect(table.columnDefinitions.filter((column) => column.priority === 0).map((column) => column.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
    const backOff = table.rows.find((row) => row.cells[2] === 'BackOff')!;
    expect(backOff.cells[0]).toMatch(/^\d+s \(x2 over \d+(s|m\d*s?)\)$/);
    expect(backOff.cells[3]).toBe(`pod/${pod.name}`);
  });

  it('is empty at the start of a drill: what happened before is older than the event TTL', async () => {
    expect((await get('/api/v1/namespaces/production/events')).json()).toMatchObject({ kind: 'EventList', items: [] });
  });
});

describe('describe deployment and rollout history (issue 14)', () => {
  it("lists the deployment's ReplicaSets with their revisions and change-causes, the current one with its pods", async () => {
    const list = (await get('/apis/apps/v1/namespaces/production/replicasets?labelSelector=app%3Dagenc%2Ccomponent%3Dproof-worker&limit=500')).json<{ kind: string; items: Array<ReplicaSetJson & { status: { replicas: number } }> }>();
    const deployment = t.drill.world.cluster.deployments.get('proof-worker')!;
    expect(list.kind).toBe('ReplicaSetList');
    expect(list.items.length).toBeGreaterThanOrEqual(3);
    expect(list.items.every((item) => item.metadata.ownerReferences[0]!.uid === deployment.uid)).toBe(true);
    const byRevision = list.items.sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
    expect(byRevision.at(-1)!.metadata.annotations['kubernetes.io/change-cause']).toContain('agenc/proof-worker:2.14.3');
    expect(byRevision.at(-1)!.status.replicas).toBe(8);
    expect(byRevision.at(-2)!.status.replicas).toBe(0);
    const current = (await get('/apis/apps/v1/namespaces/production/deployments/proof-worker')).json<{ metadata: { annotations: Record<string, string> } }>();
    expect(current.metadata.annotations['deployment.kubernetes.io/revision']).toBe(byRevision.at(-1)!.metadata.annotations['deployment.kubernetes.io/revision']);
  });

  it('narrows a deployment list by metadata.name, as rollout status asks (it showed agenc-gateway for proof-worker)', async () => {
    const list = (await get(`/apis/apps/v1/namespaces/production/deployments?fieldSelector=${encodeURIComponent('metadata.name=proof-worker')}&limit=500&resourceVersion=0`)).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(list.items.map((item) => item.metadata.name)).toEqual(['proof-worker']);
    const none = (await get(`/apis/apps/v1/namespaces/production/deployments?fieldSelector=${encodeURIComponent('metadata.name=nope')}`)).json<{ items: unknown[] }>();
    expect(none.items).toEqual([]);
  });
});

describe('set resources (issue 14)', () => {
  it("changes the memory limit new pods get, as a new revision, rolls the pods, and journals the revisions", async () => {
    const deployment = t.drill.world.cluster.deployments.get('proof-worker')!;
    const fromRevision = t.drill.world.cluster.currentReplicaSet(deployment).revision;
    const response = await setMemoryLimit('proof-worker', '3Gi');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ kind: 'Deployment', spec: { template: { spec: { containers: [{ resources: { limits: { memory: '3Gi', cpu: '2' } } }] } } } });
    expect(t.drill.world.cluster.podsOf('proof-worker').some((pod) => pod.memoryLimitBytes === 3 * 1024 ** 3)).toBe(true);
    t.drill.skipTime(120_000, 'test');
    const pods = t.drill.world.cluster.podsOf('proof-worker').filter((pod) => pod.status !== 'Terminating');
    expect(pods.map((pod) => pod.memoryLimitBytes)).toEqual(Array.from({ length: 8 }, () => 3 * 1024 ** 3));
    const entry = t.drill.journal.list().find((candidate) => candidate.action === 'kubectl set resources')!;
    expect(entry.detail).toMatchObject({ deployment: 'proof-worker', fromRevision, toRevision: fromRevision + 1, revision: fromRevision + 1, rolledBack: false, memoryLimit: '3Gi', previousMemoryLimit: '2Gi' });
  });

  it.each([
    ['an unparsable quantity', () => setMemoryLimit('proof-worker', 'lots'), 422, 'spec.template.spec.containers[0].resources.limits[memory]', "quantities must match the regular expression"],
    ['a limit larger than a node', () => setMemoryLimit('proof-worker', '100Gi'), 422, 'spec.template.spec.containers[0].resources.limits[memory]', 'must be between 64Mi and 30Gi'],
    ['a limit below the request', () => setMemoryLimit('proof-worker', '512Mi'), 422, 'spec.template.spec.containers[0].resources.requests', 'must be less than or equal to memory limit of 512Mi'],
    ['a zero limit', () => setMemoryLimit('proof-worker', '0'), 422, 'spec.template.spec.containers[0].resources.limits[memory]', 'must be between'],
    ['an image the registry does not hold', () => patch('proof-worker', { spec: { template: { spec: { containers: [{ name: 'proof-worker', image: 'evil/miner:latest' }] } } } }, 'application/strategic-merge-patch+json', 'kubectl set image'), 422, 'spec.template.spec.containers[0].image', 'the registry holds agenc/proof-worker:'],
    ['a field the simulator keeps fixed', () => patch('proof-worker', { spec: { paused: true } }, 'application/merge-patch+json', 'kubectl patch'), 422, 'spec.paused', "a deployment's changeable fields are spec.replicas"],
    ['another container', () => patch('proof-worker', { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'x' }] } } } }, 'application/strategic-merge-patch+json', 'kubectl patch'), 422, 'spec.template.spec.containers', 'Forbidden'],
  ])('refuses %s with a 422 naming the field, and changes nothing', async (_name, send, status, field, detail) => {
    const before = worldFingerprint(t.drill);
    const template = { ...t.drill.world.cluster.deployments.get('proof-worker')!.template };
    const response = await send();
    expect(response.statusCode).toBe(status);
    const body = response.json<{ kind: string; reason: string; message: string; details: { causes: Array<{ field: string; message: string }> } }>();
    expect(body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { causes: [{ field }] } });
    expect(body.message).toContain(`Deployment.apps "proof-worker" is invalid: ${field}:`);
    expect(body.details.causes[0]!.message).toContain(detail);
    expect(worldFingerprint(t.drill)).toBe(before);
    expect(t.drill.world.cluster.deployments.get('proof-worker')!.template).toEqual(template);
  });

  it('refuses a patch type it does not take (415) and a malformed JSON patch (400), changing nothing', async () => {
    const before = worldFingerprint(t.drill);
    const apply = await patch('proof-worker', { spec: { replicas: 3 } }, 'application/apply-patch+yaml', 'kubectl apply');
    expect(apply.statusCode).toBe(415);
    expect(apply.json<{ message: string }>().message).toContain('application/merge-patch+json');
    const broken = await patch('proof-worker', [{ op: 'replace', path: '/spec/nothing', value: 1 }], 'application/json-patch+json', 'kubectl patch');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('nothing at /spec/nothing to replace') as unknown });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('answers a server-side dry run with the patched object and changes nothing', async () => {
    const before = worldFingerprint(t.drill);
    const response = await patch('proof-worker', { spec: { template: { spec: { containers: [{ name: 'proof-worker', resources: { limits: { memory: '3Gi' } } }] } } } }, 'application/strategic-merge-patch+json', 'kubectl set resources', '?dryRun=All');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ spec: { template: { spec: { containers: [{ resources: { limits: { memory: '3Gi' } } }] } } } });
    expect(worldFingerprint(t.drill)).toBe(before);
  });

  it('still scales with a strategic merge patch of spec.replicas (kubectl patch)', async () => {
    const response = await patch('proof-worker', { spec: { replicas: 10 } }, 'application/strategic-merge-patch+json', 'kubectl patch');
    expect(response.statusCode).toBe(200);
    expect(t.drill.world.cluster.deployments.get('proof-worker')!.replicas).toBe(10);
    expect(t.drill.journal.list().find((entry) => entry.action === 'kubectl patch')?.detail).toMatchObject({ replicas: 10, previousReplicas: 8 });
  });
});

describe('rollout undo and status (issue 14)', () => {
  /** What kubectl sends for `rollout undo`: the revision's template (less its hash label) and annotations. */
  async function undoPatch(name: string, toRevision?: number) {
    const list = (await get(`/apis/apps/v1/namespaces/production/replicasets?labelSelector=${encodeURIComponent(`component=${t.drill.world.cluster.deployments.get(name)!.labels.component!}`)}`)).json<{ items: ReplicaSetJson[] }>();
    const sorted = list.items.sort((a, b) => Number(b.metadata.annotations['deployment.kubernetes.io/revision']) - Number(a.metadata.annotations['deployment.kubernetes.io/revision']));
    const target = toRevision === undefined ? sorted[1]! : sorted.find((item) => item.metadata.annotations['deployment.kubernetes.io/revision'] === String(toRevision))!;
    const template = structuredClone(target.spec.template) as { metadata: { labels: Record<string, string> } };
    delete template.metadata.labels['pod-template-hash'];
    const annotations = { 'deployment.kubernetes.io/revision': sorted[0]!.metadata.annotations['deployment.kubernetes.io/revision']!, 'kubernetes.io/change-cause': target.metadata.annotations['kubernetes.io/change-cause']! };
    return {
      revision: Number(target.metadata.annotations['deployment.kubernetes.io/revision']),
      send: () => patch(name, [{ op: 'replace', path: '/spec/template', value: template }, { op: 'replace', path: '/metadata/annotations', value: annotations }], 'application/json-patch+json', 'kubectl rollout undo'),
    };
  }

  it("puts the previous revision's template back as the next revision, rolls the pods, and journals from and to", async () => {
    const deployment = t.drill.world.cluster.deployments.get('speculation-engine')!;
    const fromRevision = t.drill.world.cluster.currentReplicaSet(deployment).revision;
    const undo = await undoPatch('speculation-engine');
    const response = await undo.send();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ metadata: { annotations: { 'deployment.kubernetes.io/revision': String(fromRevision + 1) } }, spec: { template: { spec: { containers: [{ image: 'agenc/speculation-engine:2.14.2' }] } } } });
    const entry = t.drill.journal.list().find((candidate) => candidate.action === 'kubectl rollout undo')!;
    expect(entry.detail).toMatchObject({ deployment: 'speculation-engine', fromRevision, toRevision: undo.revision, revision: fromRevision + 1, rolledBack: true, image: 'agenc/speculation-engine:2.14.2', previousImage: 'agenc/speculation-engine:2.14.3' });
    t.drill.skipTime(120_000, 'test');
    expect(t.drill.world.cluster.readyPods('speculation-engine').map((pod) => pod.template.image)).toEqual(Array.from({ length: 3 }, () => 'agenc/speculation-engine:2.14.2'));
  });

  it('goes to a named older revision (--to-revision)', async () => {
    const deployment = t.drill.world.cluster.deployments.get('agenc-worker')!;
    const oldest = Math.min(...deployment.replicaSets.map((replicaSet) => replicaSet.revision));
    const undo = await undoPatch('agenc-worker', oldest);
    expect((await undo.send()).statusCode).toBe(200);
    expect(deployment.template.image).toBe(deployment.replicaSets.find((replicaSet) => replicaSet.templateHash === deployment.templateHash)!.template.image);
    expect(deployment.template.image).not.toBe('agenc/worker:2.14.3');
  });

  it('answers a watch for rollout status on the virtual clock by skipping to the end of the rollout, journaled', async () => {
    await setMemoryLimit('speculation-engine', '6Gi');
    const since = t.drill.world.cluster.version;
    const response = await t.server.inject({
      method: 'GET',
      url: `${asAdmin}/apis/apps/v1/namespaces/production/deployments?allowWatchBookmarks=true&fieldSelector=${encodeURIComponent('metadata.name=speculation-engine')}&resourceVersion=${since}&timeoutSeconds=1&watch=true`,
      headers: { accept: 'application/json', 'kubectl-command': 'kubectl rollout status' },
    });
    expect(response.statusCode).toBe(200);
    const events = response.body.trim().split('\n').map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string }; spec: { replicas: number }; status: { updatedReplicas: number; availableReplicas: number; replicas: number } } });
    expect(events.length).toBeGreaterThanOrEqual(1);
    const last = events.at(-1)!;
    expect(last.type).toBe('MODIFIED');
    expect(last.object.metadata.name).toBe('speculation-engine');
    expect(last.object.status).toMatchObject({ updatedReplicas: 3, availableReplicas: 3, replicas: 3 });
    expect(t.drill.journal.list().find((entry) => entry.action === 'clock.skip' && entry.detail?.reason === 'waiting for rollout')).toBeDefined();
    expect(t.drill.journal.list().find((entry) => entry.action === 'kubectl rollout status')?.detail).toMatchObject({ waitedMs: expect.any(Number) as unknown });
  });

  it('still refuses a watch on pods, saying what to do', async () => {
    expect((await get('/api/v1/namespaces/production/pods?watch=true')).statusCode).toBe(405);
  });
});

describe('logs --previous, --tail, --since (issue 14)', () => {
  it("serves the previous container's lines after a restart, and refuses --previous before any as the API server does", async () => {
    const pod = t.drill.world.cluster.podsOf('speculation-engine')[0]!;
    const never = await get(`/api/v1/namespaces/production/pods/${pod.name}/log?container=speculation-engine&previous=true`);
    expect(never.statusCode).toBe(400);
    expect(never.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: `previous terminated container "speculation-engine" in pod "${pod.name}" not found` });
    t.drill.skipTime(300_000, 'test');
    const before = (await get(`/api/v1/namespaces/production/pods/${pod.name}/log`)).body;
    expect(before).not.toBe('');
    t.drill.world.cluster.crash(pod, 'OOMKilled');
    t.drill.skipTime(60_000, 'test');
    const previous = await get(`/api/v1/namespaces/production/pods/${pod.name}/log?previous=true`);
    expect(previous.statusCode).toBe(200);
    expect(previous.body).toBe(before);
    const current = (await get(`/api/v1/namespaces/production/pods/${pod.name}/log`)).body;
    expect(current).not.toContain(before.split('\n')[0]);
  });

  it('narrows by tailLines and sinceSeconds', async () => {
    t.drill.skipTime(600_000, 'test');
    const pod = t.drill.world.cluster.podsOf('agenc-gateway')[0]!;
    const all = (await get(`/api/v1/namespaces/production/pods/${pod.name}/log`)).body.trim().split('\n');
    expect(all.length).toBeGreaterThan(3);
    expect((await get(`/api/v1/namespaces/production/pods/${pod.name}/log?tailLines=2`)).body.trim().split('\n')).toEqual(all.slice(-2));
    const recent = (await get(`/api/v1/namespaces/production/pods/${pod.name}/log?sinceSeconds=60`)).body.trim().split('\n').filter(Boolean);
    const cutoff = t.drill.simDate(t.drill.clock.now() - 60_000).toISOString();
    expect(recent.every((line) => line.slice(0, 24) >= cutoff)).toBe(true);
    expect(recent.length).toBeLessThan(all.length);
  });
});

describe('top pods and nodes: metrics.k8s.io (issue 14)', () => {
  it("reports every running pod's CPU and memory the way metrics-server does, memory from the world's model", async () => {
    t.drill.skipTime(60_000, 'test');
    const list = (await get('/apis/metrics.k8s.io/v1beta1/namespaces/production/pods?labelSelector=component%3Dspeculation')).json<{ kind: string; items: Array<{ metadata: { name: string }; window: string; containers: Array<{ name: string; usage: { cpu: string; memory: string } }> }> }>();
    expect(list.kind).toBe('PodMetricsList');
    expect(list.items).toHaveLength(3);
    for (const item of list.items) {
      const pod = t.drill.world.cluster.podsOf('speculation-engine').find((candidate) => candidate.name === item.metadata.name)!;
      const usage = item.containers[0]!.usage;
      expect(usage.cpu).toMatch(/^\d+n$/);
      expect(usage.memory).toBe(`${Math.round(t.drill.world.podMemory(pod) / 1024)}Ki`);
    }
  });

  it("leaves out a pod whose container is not running, and says so for it alone", async () => {
    const pod = t.drill.world.cluster.podsOf('proof-worker')[0]!;
    t.drill.world.cluster.crash(pod, 'Error');
    const names = (await get('/apis/metrics.k8s.io/v1beta1/namespaces/production/pods')).json<{ items: Array<{ metadata: { name: string } }> }>().items.map((item) => item.metadata.name);
    expect(names).not.toContain(pod.name);
    expect(names).toHaveLength(16);
    const single = await get(`/apis/metrics.k8s.io/v1beta1/namespaces/production/pods/${pod.name}`);
    expect(single.statusCode).toBe(404);
  });

  it('reports nodes, and serves the nodes top needs for its percentages', async () => {
    const metrics = (await get('/apis/metrics.k8s.io/v1beta1/nodes')).json<{ items: Array<{ usage: { cpu: string; memory: string } }> }>();
    expect(metrics.items).toHaveLength(4);
    const nodes = (await get('/api/v1/nodes')).json<{ kind: string; items: Array<{ status: { allocatable: { cpu: string; memory: string } } }> }>();
    expect(nodes.kind).toBe('NodeList');
    expect(nodes.items[0]!.status.allocatable).toMatchObject({ cpu: '7910m' });
    const table = (await get('/api/v1/nodes', tableAccept)).json<{ rows: Array<{ cells: unknown[] }> }>();
    expect(table.rows[0]!.cells.slice(1, 3)).toEqual(['Ready', '<none>']);
  });
});

describe('tokens on the tools (issue 14)', () => {
  it('refuses set resources and rollout undo without the token, and changes nothing', async () => {
    const before = worldFingerprint(t.drill);
    const response = await t.server.inject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/production/deployments/proof-worker',
      headers: { 'content-type': 'application/strategic-merge-patch+json', 'kubectl-command': 'kubectl set resources' },
      payload: JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'proof-worker', resources: { limits: { memory: '3Gi' } } }] } } } }),
    });
    expect(response.statusCode).toBe(401);
    expect(worldFingerprint(t.drill)).toBe(before);
  });
});
