/**
 * The fake Kubernetes API that the real kubectl binary talks to (see shared notes
 * kubectl-wire.md for the calls it makes): legacy discovery, namespaces, nodes, pods (with
 * logs), events, deployments (with their scale subresource, patches, and a watch for `rollout
 * status`), replicasets, and metrics.k8s.io for `kubectl top`. Errors are `metav1.Status` objects.
 */
import { PassThrough } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type RoutesPlugin, type Static } from '../schemas/json-schema';
import { namespaces, rolloutPolicy, type Cluster, type Pod } from '../../world/cluster';
import { changeDeployment, scaleDeployment } from '../../drill/cluster-actions';
import { kubeStatusOf, toGamedayError } from '../plugins/error-handler';
import { statusOf } from '../errors';
import { guardRoute } from '../plugins/auth';
import {
  deploymentObject,
  deploymentTable,
  kubeStatus,
  namespaceObject,
  namespaceTable,
  podObject,
  podPhase,
  podTable,
  scaleObject,
  statusReasonFor,
  wantsTable,
  type KubeClock,
  type StatusReason,
} from '../../kube/kube-objects';
import { SelectorError, matchesSelector, parseLabelSelector } from '../../kube/label-selector';
import { FieldSelectorError, fieldMatcher, parseFieldSelector } from '../../kube/field-selector';
import { eventFields, eventObject, eventTable } from '../../kube/event-objects';
import { replicaSetObject, replicaSetTable } from '../../kube/replica-set-objects';
import { nodeFields, nodeObject, nodeTable } from '../../kube/node-objects';
import { isMeasured, nodeMetricsObject, podMetricsObject } from '../../kube/metrics-objects';
import { LogRequestError, podLogText } from '../../kube/pod-logs';
import { PatchError, acceptedPatchTypes, applyPatch, patchTypeOf } from '../../kube/object-patch';
import { InvalidField, readDeploymentChange } from '../../kube/deployment-change';
import { rolloutStatus } from '../../kube/rollout-status';

/** Above this a scale is refused: the simulated cluster has room for so many pods. */
export const maxReplicas = 64;

const KubeObject = Type.Object({}, { additionalProperties: true, description: 'A Kubernetes API object' });
const NamespaceParams = Type.Object({ namespace: Type.String() });
const NamedParams = Type.Object({ namespace: Type.String(), name: Type.String() });
const ListQuery = Type.Object(
  {
    labelSelector: Type.Optional(Type.String()),
    fieldSelector: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 0 })),
    watch: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: true },
);
const kubeResponses = { 200: KubeObject, 400: KubeObject, 401: KubeObject, 404: KubeObject } as const;

/** The fields each kind of list can be narrowed by (`--field-selector`, and kubectl's own narrowing). */
const podFields: Record<string, (pod: Pod) => string> = {
  'metadata.name': (pod) => pod.name,
  'metadata.namespace': (pod) => pod.namespace,
  'spec.nodeName': (pod) => pod.node,
  'spec.restartPolicy': () => 'Always',
  'spec.schedulerName': () => 'default-scheduler',
  'spec.serviceAccountName': () => 'default',
  'status.phase': (pod) => podPhase(pod),
  'status.podIP': (pod) => pod.ip,
  'status.nominatedNodeName': () => '',
};
const workloadFields: Record<string, (item: { name: string; namespace: string }) => string> = {
  'metadata.name': (item) => item.name,
  'metadata.namespace': (item) => item.namespace,
};

class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: { name?: string; kind?: string; group?: string; causes?: Array<{ reason: string; message: string; field: string }> },
  ) {
    super(message);
  }
}

/** A 422 as the API server words it; kubectl prints the causes after "is invalid:". */
function invalid(kind: string, group: string, name: string, field: string, detail: string): KubeError {
  return new KubeError(422, 'Invalid', `${kind}.${group} "${name}" is invalid: ${field}: ${detail}`, {
    name,
    kind,
    group,
    causes: [{ reason: 'FieldValueInvalid', message: detail, field }],
  });
}

const notFound = (resource: string, name: string, group?: string) =>
  new KubeError(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, { name, kind: resource, ...(group ? { group } : {}) });

export function sendKubeError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof KubeError) {
    request.journal.detail.error = error.reason;
    request.journal.detail.message = error.message;
    return reply.status(error.code).send(kubeStatus(error.code, error.reason, error.message, error.details));
  }
  const coded = toGamedayError(error);
  const status = statusOf(coded);
  if (status >= 500) request.log.error({ err: error }, 'unhandled error in the Kubernetes API');
  request.journal.detail.error = statusReasonFor(status);
  request.journal.detail.message = coded.message;
  return reply.status(status).send(kubeStatusOf(coded));
}

function parseSelector(selector: string | undefined) {
  if (selector === undefined || selector === '') return [];
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof SelectorError) throw new KubeError(400, 'BadRequest', error.message);
    throw error;
  }
}

/** Field values a list can be narrowed by, checked against what the resource offers. */
function fieldFilter<T>(selector: string | undefined, fields: Record<string, (item: T) => string>): (item: T) => boolean {
  try {
    return fieldMatcher(selector === undefined ? [] : parseFieldSelector(selector), fields);
  } catch (error) {
    if (error instanceof FieldSelectorError) throw new KubeError(400, 'BadRequest', error.message);
    throw error;
  }
}

const isWatch = (query: { watch?: boolean | string }) => query.watch === true || query.watch === 'true' || query.watch === '1';

function refuseWatch(query: { watch?: boolean | string }): void {
  if (isWatch(query)) {
    throw new KubeError(405, 'MethodNotAllowed', 'watch is not supported by the gameday simulator; run the command again without -w/--watch');
  }
}

/** The replicas a merge patch or an update of a Scale (or Deployment) asks for. */
function requestedReplicas(body: unknown, name: string): number {
  const spec = (body as { spec?: { replicas?: unknown } } | undefined)?.spec;
  const replicas = spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw invalid('Scale', 'autoscaling', name, 'spec.replicas', `Invalid value: ${JSON.stringify(replicas) ?? 'null'}: must be a whole number of replicas`);
  }
  if (replicas < 0 || replicas > maxReplicas) {
    throw invalid('Scale', 'autoscaling', name, 'spec.replicas', `Invalid value: ${replicas}: must be between 0 and ${maxReplicas} (the simulated cluster's capacity)`);
  }
  return replicas;
}

const kubeRoutes: RoutesPlugin = async (fastify) => {
  fastify.setErrorHandler(sendKubeError);
  // Every call takes a token. client-go sends none to a plain-http server (observed with kubectl
  // 1.32), so a kubeconfig carries it in the server's address, `/as/<token>` (see auth.ts); a
  // Bearer header works too. Discovery (what the API is) is for anyone in a game-day, so an
  // observer's kubectl gets as far as the real request and prints its refusal; every resource
  // needs a role that runs commands.
  const discovery = new Set(['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1', '/apis/metrics.k8s.io/v1beta1']);
  fastify.addHook('onRoute', (route) => guardRoute(route, discovery.has(route.url) ? fastify.requirePermission('view') : fastify.requireAdmin));

  const clock = (): KubeClock => {
    // kubectl works some ages out against its own clock (describe's events, `kubectl events`),
    // so the simulated now is served as the real now: ages stay right on a virtual, fast or
    // skipped clock, where the drill's own dates run ahead of the wall.
    const nowWallMs = Date.now();
    const simNowMs = fastify.drill.clock.now();
    return { nowWallMs, toWall: (simMs) => nowWallMs + (simMs - simNowMs) };
  };
  const cluster = () => fastify.drill.world.cluster;
  const checkNamespace = (namespace: string) => {
    if (!(namespaces as readonly string[]).includes(namespace)) throw notFound('namespaces', namespace);
  };

  fastify.get('/version', { schema: { response: { 200: KubeObject } } }, async () => ({
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-gameday',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-28T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  }));

  // Plain application/json discovery: kubectl falls back from aggregated discovery to these.
  fastify.get('/api', { schema: { response: { 200: KubeObject } } }, async (request) => ({
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: request.host }],
  }));

  fastify.get('/apis', { schema: { response: { 200: KubeObject } } }, async () => ({
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
      // metrics-server's aggregated API: `kubectl top` looks for this group before it asks.
      { name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } },
    ],
  }));

  fastify.get('/api/v1', { schema: { response: { 200: KubeObject } } }, async () => ({
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['get', 'list'], shortNames: ['ev'] },
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] },
      { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list'], shortNames: ['no'] },
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'], categories: ['all'] },
      { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    ],
  }));

  fastify.get('/apis/apps/v1', { schema: { response: { 200: KubeObject } } }, async () => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'patch', 'update'], shortNames: ['deploy'], categories: ['all'] },
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      { name: 'replicasets', singularName: 'replicaset', namespaced: true, kind: 'ReplicaSet', verbs: ['get', 'list'], shortNames: ['rs'], categories: ['all'] },
    ],
  }));

  fastify.get('/apis/metrics.k8s.io/v1beta1', { schema: { response: { 200: KubeObject } } }, async () => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'metrics.k8s.io/v1beta1',
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  }));

  fastify.get('/api/v1/namespaces', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => {
    refuseWatch(request.query);
    const version = cluster().version;
    if (wantsTable(request.headers.accept)) return namespaceTable(namespaces, clock(), version);
    return { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: namespaces.map((name) => namespaceObject(name, clock(), version)) };
  });

  fastify.get('/api/v1/namespaces/:name', { schema: { params: Type.Object({ name: Type.String() }), response: kubeResponses } }, async (request) => {
    checkNamespace(request.params.name);
    const version = cluster().version;
    return wantsTable(request.headers.accept) ? namespaceTable([request.params.name], clock(), version) : namespaceObject(request.params.name, clock(), version);
  });

  /** Like the API server, list calls in a namespace that does not exist answer an empty list;
   * the journal notes it, so the runbook checker can say the namespace is wrong. */
  const noteMissingNamespace = (request: FastifyRequest, namespace: string | undefined) => {
    if (namespace !== undefined && !(namespaces as readonly string[]).includes(namespace)) request.journal.detail.missingNamespace = namespace;
  };

  const listPods = (namespace: string | undefined, query: { labelSelector?: string; fieldSelector?: string; watch?: boolean | string }, accept: string | undefined) => {
    refuseWatch(query);
    const requirements = parseSelector(query.labelSelector);
    const fields = fieldFilter(query.fieldSelector, podFields);
    const pods = cluster().pods.filter((pod) => (namespace === undefined || pod.namespace === namespace) && matchesSelector(pod.labels, requirements) && fields(pod));
    pods.sort((a, b) => a.name.localeCompare(b.name));
    const version = cluster().version;
    if (wantsTable(accept)) return podTable(pods, cluster(), clock(), version);
    return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: pods.map((pod) => podObject(pod, cluster(), clock(), version)) };
  };

  fastify.get('/api/v1/pods', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => listPods(undefined, request.query, request.headers.accept));

  fastify.get('/api/v1/namespaces/:namespace/pods', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request) => {
    noteMissingNamespace(request, request.params.namespace);
    return listPods(request.params.namespace, request.query, request.headers.accept);
  });

  const findPod = (namespace: string, name: string) => {
    const pod = cluster().pods.find((candidate) => candidate.namespace === namespace && candidate.name === name);
    if (!pod) throw notFound('pods', name);
    return pod;
  };

  fastify.get('/api/v1/namespaces/:namespace/pods/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const pod = findPod(request.params.namespace, request.params.name);
    const version = cluster().version;
    return wantsTable(request.headers.accept) ? podTable([pod], cluster(), clock(), version) : podObject(pod, cluster(), clock(), version);
  });

  fastify.get(
    '/api/v1/namespaces/:namespace/pods/:name/log',
    {
      schema: {
        params: NamedParams,
        querystring: Type.Object(
          {
            tailLines: Type.Optional(Type.Integer({ minimum: 0 })),
            container: Type.Optional(Type.String()),
            follow: Type.Optional(Type.Boolean()),
            previous: Type.Optional(Type.Boolean()),
            sinceSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
            sinceTime: Type.Optional(Type.String()),
            timestamps: Type.Optional(Type.Boolean()),
            limitBytes: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: Type.String(), 400: KubeObject, 401: KubeObject, 404: KubeObject },
      },
    },
    async (request, reply) => {
      const pod = findPod(request.params.namespace, request.params.name);
      const drill = fastify.drill;
      const logs = drill.world.logs;
      if (request.query.previous) request.journal.detail.previous = true;
      try {
        const text = podLogText(pod, logs.recent(logs.capacity, pod.name), request.query, {
          nowMs: drill.clock.now(),
          toDate: (simMs) => drill.simDate(simMs),
          toSim: (wallMs) => wallMs - drill.epochMs,
        });
        return await reply.type('text/plain').send(text);
      } catch (error) {
        if (error instanceof LogRequestError) throw new KubeError(400, 'BadRequest', error.message);
        throw error;
      }
    },
  );

  const deploymentsIn = (namespace: string | undefined) =>
    [...cluster().deployments.values()].filter((deployment) => namespace === undefined || deployment.namespace === namespace).sort((a, b) => a.name.localeCompare(b.name));

  const listDeployments = (namespace: string | undefined, query: { labelSelector?: string; fieldSelector?: string; watch?: boolean | string }, accept: string | undefined) => {
    refuseWatch(query);
    const requirements = parseSelector(query.labelSelector);
    const fields = fieldFilter(query.fieldSelector, workloadFields);
    const deployments = deploymentsIn(namespace).filter((deployment) => matchesSelector(deployment.labels, requirements) && fields(deployment));
    const version = cluster().version;
    if (wantsTable(accept)) return deploymentTable(deployments, cluster(), clock(), version);
    return {
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: String(version) },
      items: deployments.map((deployment) => deploymentObject(deployment, cluster(), clock(), version)),
    };
  };

  /** Open watches, ended when the server closes so a watching kubectl never holds it up. */
  const openWatches = new Set<() => void>();
  fastify.addHook('preClose', (done) => {
    for (const end of openWatches) end();
    done();
  });

  /**
   * A watch on deployments, as `kubectl rollout status` opens after its list: a JSON event per
   * line whenever a selected deployment changes, until `timeoutSeconds` (at most 5 wall minutes)
   * or the client goes. On the virtual clock nothing moves by itself, so the watch first skips
   * simulated time (journaled, like a drain) until the selected rollouts finish or pass their
   * progress deadline.
   */
  const watchDeployments = (request: FastifyRequest, reply: FastifyReply, namespace: string | undefined, query: Static<typeof ListQuery>) => {
    const requirements = parseSelector(query.labelSelector);
    const fields = fieldFilter(query.fieldSelector, workloadFields);
    const drill = fastify.drill;
    const selected = () => deploymentsIn(namespace).filter((deployment) => matchesSelector(deployment.labels, requirements) && fields(deployment));
    const pending = () => selected().some((deployment) => !rolloutStatus(deployment, drill.world.cluster).done);
    if (drill.clock.mode === 'virtual' && pending()) {
      const fromMs = drill.clock.now();
      drill.skipUntil(() => !pending(), rolloutPolicy.progressDeadlineMs + 60_000, 'waiting for rollout');
      request.journal.detail.waitedMs = drill.clock.now() - fromMs;
    }
    const stream = new PassThrough();
    const seen = new Map<string, string>();
    const since = Number((request.query as Record<string, unknown>).resourceVersion ?? 0);
    const send = (first: boolean) => {
      if (fastify.drill !== drill) return end();
      const version = drill.world.cluster.version;
      for (const deployment of selected()) {
        const object = deploymentObject(deployment, drill.world.cluster, clock(), version);
        const signature = JSON.stringify([object.status, deployment.generation]);
        if (seen.get(deployment.name) === signature) continue;
        seen.set(deployment.name, signature);
        // The first round reports only what changed since the list the client holds.
        if (first && !(version > since)) continue;
        stream.write(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
      }
    };
    const timer = setInterval(() => send(false), 200);
    const timeout = setTimeout(() => end(), Math.min(query.timeoutSeconds ?? 300, 300) * 1000);
    function end() {
      clearInterval(timer);
      clearTimeout(timeout);
      openWatches.delete(end);
      if (!stream.writableEnded) stream.end();
    }
    openWatches.add(end);
    request.raw.once('close', end);
    send(true);
    return reply.type('application/json').send(stream);
  };

  const deploymentListRoute = (namespace: string | undefined, request: FastifyRequest, query: Static<typeof ListQuery>, reply: FastifyReply) =>
    isWatch(query) ? watchDeployments(request, reply, namespace, query) : listDeployments(namespace, query, request.headers.accept);

  fastify.get('/apis/apps/v1/deployments', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request, reply) => deploymentListRoute(undefined, request, request.query, reply));

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request, reply) => {
    noteMissingNamespace(request, request.params.namespace);
    return deploymentListRoute(request.params.namespace, request, request.query, reply);
  });

  const findDeployment = (namespace: string, name: string) => {
    const deployment = cluster().deployment(namespace, name);
    if (!deployment) throw notFound('deployments', name, 'apps');
    return deployment;
  };

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const deployment = findDeployment(request.params.namespace, request.params.name);
    const version = cluster().version;
    return wantsTable(request.headers.accept) ? deploymentTable([deployment], cluster(), clock(), version) : deploymentObject(deployment, cluster(), clock(), version);
  });

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const deployment = findDeployment(request.params.namespace, request.params.name);
    return scaleObject(deployment, cluster().podsOf(deployment.name), cluster().version, clock());
  });

  const applyScale = (request: FastifyRequest, params: { namespace: string; name: string }, body: unknown, asScale: boolean) => {
    const deployment = findDeployment(params.namespace, params.name);
    scaleDeployment(fastify.drill, deployment, requestedReplicas(body, deployment.name), request.journal);
    const version = cluster().version;
    return asScale ? scaleObject(deployment, cluster().podsOf(deployment.name), version, clock()) : deploymentObject(deployment, cluster(), clock(), version);
  };

  const writeSchema = { params: NamedParams, body: Type.Object({}, { additionalProperties: true }), response: { ...kubeResponses, 422: KubeObject } };
  fastify.patch('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: writeSchema }, async (request) => applyScale(request, request.params, request.body, true));
  fastify.put('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: writeSchema }, async (request) => applyScale(request, request.params, request.body, true));

  /**
   * Any of kubectl's patches of a deployment: `scale` and `patch` (replicas), `set resources` and
   * `set image` (a strategic merge patch of the container), `rollout undo` (a JSON patch putting
   * back an old revision's template). The patched object is read back into what the cluster
   * models; a change to anything else is refused, and `dryRun=All` changes nothing.
   */
  fastify.patch(
    '/apis/apps/v1/namespaces/:namespace/deployments/:name',
    {
      schema: {
        params: NamedParams,
        querystring: Type.Object({ dryRun: Type.Optional(Type.String()), fieldManager: Type.Optional(Type.String()) }, { additionalProperties: true }),
        body: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Object({}, { additionalProperties: true }))]),
        response: { ...kubeResponses, 415: KubeObject, 422: KubeObject },
      },
    },
    async (request) => {
      const deployment = findDeployment(request.params.namespace, request.params.name);
      const type = patchTypeOf(request.headers['content-type']);
      if (type === undefined) throw new KubeError(415, 'UnsupportedMediaType', `a deployment is patched with one of ${acceptedPatchTypes.join(', ')}`);
      const current = cluster();
      const before = deploymentObject(deployment, current, clock(), current.version);
      let after: Record<string, unknown>;
      let change;
      try {
        after = applyPatch(before, request.body, type) as Record<string, unknown>;
        change = readDeploymentChange(deployment, before, after, maxReplicas);
      } catch (error) {
        if (error instanceof PatchError) throw new KubeError(400, 'BadRequest', `the ${type} patch cannot be applied: ${error.message}`);
        if (error instanceof InvalidField) throw invalid('Deployment', 'apps', deployment.name, error.field, error.detail);
        throw error;
      }
      if (request.query.dryRun === 'All') {
        request.journal.detail.dryRun = true;
        return after;
      }
      changeDeployment(fastify.drill, deployment, change, request.journal);
      return deploymentObject(deployment, current, clock(), current.version);
    },
  );

  // ---- replicasets: a deployment's revisions ----------------------------------------------------

  const replicaSetsIn = (namespace: string | undefined) =>
    deploymentsIn(namespace)
      .flatMap((deployment) => deployment.replicaSets.map((replicaSet) => ({ replicaSet, deployment })))
      .sort((a, b) => a.replicaSet.name.localeCompare(b.replicaSet.name));

  const listReplicaSets = (namespace: string | undefined, query: Static<typeof ListQuery>, accept: string | undefined) => {
    refuseWatch(query);
    const requirements = parseSelector(query.labelSelector);
    const fields = fieldFilter(query.fieldSelector, workloadFields);
    const items = replicaSetsIn(namespace).filter(
      ({ replicaSet, deployment }) =>
        matchesSelector({ ...deployment.labels, 'pod-template-hash': replicaSet.templateHash }, requirements) && fields({ name: replicaSet.name, namespace: deployment.namespace }),
    );
    const version = cluster().version;
    if (wantsTable(accept)) return replicaSetTable(items, cluster(), clock(), version);
    return { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: String(version) }, items: items.map(({ replicaSet, deployment }) => replicaSetObject(replicaSet, deployment, cluster(), clock(), version)) };
  };

  fastify.get('/apis/apps/v1/replicasets', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => listReplicaSets(undefined, request.query, request.headers.accept));

  fastify.get('/apis/apps/v1/namespaces/:namespace/replicasets', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request) => {
    noteMissingNamespace(request, request.params.namespace);
    return listReplicaSets(request.params.namespace, request.query, request.headers.accept);
  });

  fastify.get('/apis/apps/v1/namespaces/:namespace/replicasets/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const found = replicaSetsIn(request.params.namespace).find(({ replicaSet }) => replicaSet.name === request.params.name);
    if (!found) throw notFound('replicasets', request.params.name, 'apps');
    const version = cluster().version;
    return wantsTable(request.headers.accept) ? replicaSetTable([found], cluster(), clock(), version) : replicaSetObject(found.replicaSet, found.deployment, cluster(), clock(), version);
  });

  // ---- events -----------------------------------------------------------------------------------

  const listEvents = (namespace: string | undefined, query: Static<typeof ListQuery>, accept: string | undefined) => {
    refuseWatch(query);
    const fields = fieldFilter(query.fieldSelector, eventFields);
    let events = cluster().events.list().filter((event) => (namespace === undefined || event.namespace === namespace) && fields(event));
    // `limit` pages in the API server; kubectl asks for 500 and shows what comes (newest kept).
    if (query.limit !== undefined && query.limit > 0 && events.length > query.limit) events = events.slice(-query.limit);
    const version = cluster().events.version;
    if (wantsTable(accept)) return eventTable(events, clock(), version);
    return { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: events.map((event) => eventObject(event, clock())) };
  };

  fastify.get('/api/v1/events', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => listEvents(undefined, request.query, request.headers.accept));

  fastify.get('/api/v1/namespaces/:namespace/events', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request) => {
    noteMissingNamespace(request, request.params.namespace);
    return listEvents(request.params.namespace, request.query, request.headers.accept);
  });

  fastify.get('/api/v1/namespaces/:namespace/events/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const event = cluster().events.list().find((candidate) => candidate.namespace === request.params.namespace && candidate.name === request.params.name);
    if (!event) throw notFound('events', request.params.name);
    return wantsTable(request.headers.accept) ? eventTable([event], clock(), cluster().events.version) : eventObject(event, clock());
  });

  // ---- nodes ------------------------------------------------------------------------------------

  fastify.get('/api/v1/nodes', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => {
    refuseWatch(request.query);
    const fields = fieldFilter(request.query.fieldSelector, nodeFields);
    const nodes = cluster().nodes.filter((node) => fields(node));
    const version = cluster().version;
    if (wantsTable(request.headers.accept)) return nodeTable(nodes, clock(), version);
    return { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: nodes.map((node) => nodeObject(node, clock(), version)) };
  });

  fastify.get('/api/v1/nodes/:name', { schema: { params: Type.Object({ name: Type.String() }), response: kubeResponses } }, async (request) => {
    const node = cluster().node(request.params.name);
    if (!node) throw notFound('nodes', request.params.name);
    return wantsTable(request.headers.accept) ? nodeTable([node], clock(), cluster().version) : nodeObject(node, clock(), cluster().version);
  });

  // ---- metrics.k8s.io: what `kubectl top` reads ------------------------------------------------------

  const usageOf = (pod: Pod) => ({ cpuCores: cluster().podCpuCores(pod), memoryBytes: fastify.drill.world.podMemory(pod) });

  const listPodMetrics = (namespace: string | undefined, query: Static<typeof ListQuery>) => {
    const requirements = parseSelector(query.labelSelector);
    const fields = fieldFilter(query.fieldSelector, workloadFields);
    const pods = cluster()
      .pods.filter((pod) => isMeasured(pod) && (namespace === undefined || pod.namespace === namespace) && matchesSelector(pod.labels, requirements) && fields(pod))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: pods.map((pod) => podMetricsObject(pod, usageOf(pod), clock())) };
  };

  fastify.get('/apis/metrics.k8s.io/v1beta1/pods', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => listPodMetrics(undefined, request.query));

  fastify.get('/apis/metrics.k8s.io/v1beta1/namespaces/:namespace/pods', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request) => listPodMetrics(request.params.namespace, request.query));

  fastify.get('/apis/metrics.k8s.io/v1beta1/namespaces/:namespace/pods/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const pod = findPod(request.params.namespace, request.params.name);
    // metrics-server has nothing for a pod whose container is not running.
    if (!isMeasured(pod)) throw new KubeError(404, 'NotFound', `podmetrics.metrics.k8s.io "${request.params.namespace}/${pod.name}" not found`, { name: pod.name, kind: 'pods', group: 'metrics.k8s.io' });
    return podMetricsObject(pod, usageOf(pod), clock());
  });

  const nodeMetrics = (current: Cluster, name: string) => {
    const node = current.node(name);
    if (!node) throw new KubeError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${name}" not found`, { name, kind: 'nodes', group: 'metrics.k8s.io' });
    return nodeMetricsObject(node, current.pods.filter((pod) => pod.node === node.name && isMeasured(pod)).map(usageOf), clock());
  };

  fastify.get('/apis/metrics.k8s.io/v1beta1/nodes', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => {
    const fields = fieldFilter(request.query.fieldSelector, nodeFields);
    const current = cluster();
    return { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: current.nodes.filter((node) => fields(node)).map((node) => nodeMetrics(current, node.name)) };
  });

  fastify.get('/apis/metrics.k8s.io/v1beta1/nodes/:name', { schema: { params: Type.Object({ name: Type.String() }), response: kubeResponses } }, async (request) => nodeMetrics(cluster(), request.params.name));
};

export default kubeRoutes;

