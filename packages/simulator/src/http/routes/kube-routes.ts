/**
 * The fake Kubernetes API that the real kubectl binary talks to (see shared notes
 * kubectl-wire.md for the calls it makes): legacy discovery, namespaces, pods (with logs),
 * deployments and their scale subresource. Errors are `metav1.Status` objects.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { namespaces } from '../../world/cluster';
import { kubeStatusOf, toGamedayError } from '../plugins/error-handler';
import { guardRoute } from '../plugins/auth';
import {
  deploymentObject,
  deploymentTable,
  kubeStatus,
  namespaceObject,
  namespaceTable,
  podObject,
  podTable,
  scaleObject,
  statusReasonFor,
  wantsTable,
  type KubeClock,
  type StatusReason,
} from '../../kube/kube-objects';
import { SelectorError, matchesSelector, parseLabelSelector } from '../../kube/label-selector';

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
  },
  { additionalProperties: true },
);
const kubeResponses = { 200: KubeObject, 400: KubeObject, 401: KubeObject, 404: KubeObject } as const;

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
  if (coded.status >= 500) request.log.error({ err: error }, 'unhandled error in the Kubernetes API');
  request.journal.detail.error = statusReasonFor(coded.status);
  request.journal.detail.message = coded.message;
  return reply.status(coded.status).send(kubeStatusOf(coded));
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

function refuseWatch(query: { watch?: boolean | string }): void {
  if (query.watch === true || query.watch === 'true' || query.watch === '1') {
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
  const discovery = new Set(['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1']);
  fastify.addHook('onRoute', (route) => guardRoute(route, discovery.has(route.url) ? fastify.requirePermission('view') : fastify.requireAdmin));

  const clock = (): KubeClock => {
    const drill = fastify.drill;
    return { nowWallMs: drill.simDate().getTime(), toWall: (simMs) => drill.epochMs + simMs };
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
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  }));

  fastify.get('/api/v1', { schema: { response: { 200: KubeObject } } }, async () => ({
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] },
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

  const listPods = (namespace: string | undefined, query: { labelSelector?: string; watch?: boolean | string }, accept: string | undefined) => {
    refuseWatch(query);
    const requirements = parseSelector(query.labelSelector);
    const pods = cluster().pods.filter((pod) => (namespace === undefined || pod.namespace === namespace) && matchesSelector(pod.labels, requirements));
    pods.sort((a, b) => a.name.localeCompare(b.name));
    const version = cluster().version;
    if (wantsTable(accept)) return podTable(pods, clock(), version);
    return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: pods.map((pod) => podObject(pod, clock(), version)) };
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
    return wantsTable(request.headers.accept) ? podTable([pod], clock(), version) : podObject(pod, clock(), version);
  });

  fastify.get(
    '/api/v1/namespaces/:namespace/pods/:name/log',
    {
      schema: {
        params: NamedParams,
        querystring: Type.Object({ tailLines: Type.Optional(Type.Integer({ minimum: 0 })), container: Type.Optional(Type.String()), follow: Type.Optional(Type.Boolean()) }, { additionalProperties: true }),
        response: { 200: Type.String(), 401: KubeObject, 404: KubeObject },
      },
    },
    async (request, reply) => {
      const pod = findPod(request.params.namespace, request.params.name);
      const drill = fastify.drill;
      const lines = drill.world.logs.recent(request.query.tailLines ?? 2000, pod.name);
      const text = lines.map((line) => `${drill.simDate(line.simMs).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.message}\n`).join('');
      return reply.type('text/plain').send(text);
    },
  );

  const deploymentsIn = (namespace: string | undefined) =>
    [...cluster().deployments.values()].filter((deployment) => namespace === undefined || deployment.namespace === namespace).sort((a, b) => a.name.localeCompare(b.name));

  const listDeployments = (namespace: string | undefined, query: { labelSelector?: string; watch?: boolean | string }, accept: string | undefined) => {
    refuseWatch(query);
    const requirements = parseSelector(query.labelSelector);
    const deployments = deploymentsIn(namespace).filter((deployment) => matchesSelector(deployment.labels, requirements));
    const version = cluster().version;
    if (wantsTable(accept)) return deploymentTable(deployments.map((deployment) => ({ deployment, pods: cluster().podsOf(deployment.name) })), clock(), version);
    return {
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: String(version) },
      items: deployments.map((deployment) => deploymentObject(deployment, cluster().podsOf(deployment.name), clock(), version)),
    };
  };

  fastify.get('/apis/apps/v1/deployments', { schema: { querystring: ListQuery, response: kubeResponses } }, async (request) => listDeployments(undefined, request.query, request.headers.accept));

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments', { schema: { params: NamespaceParams, querystring: ListQuery, response: kubeResponses } }, async (request) => {
    noteMissingNamespace(request, request.params.namespace);
    return listDeployments(request.params.namespace, request.query, request.headers.accept);
  });

  const findDeployment = (namespace: string, name: string) => {
    const deployment = cluster().deployment(namespace, name);
    if (!deployment) throw notFound('deployments', name, 'apps');
    return deployment;
  };

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments/:name', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const deployment = findDeployment(request.params.namespace, request.params.name);
    const version = cluster().version;
    const pods = cluster().podsOf(deployment.name);
    return wantsTable(request.headers.accept) ? deploymentTable([{ deployment, pods }], clock(), version) : deploymentObject(deployment, pods, clock(), version);
  });

  fastify.get('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: { params: NamedParams, response: kubeResponses } }, async (request) => {
    const deployment = findDeployment(request.params.namespace, request.params.name);
    return scaleObject(deployment, cluster().podsOf(deployment.name), cluster().version, clock());
  });

  const applyScale = (request: FastifyRequest, params: { namespace: string; name: string }, body: unknown, asScale: boolean) => {
    const deployment = findDeployment(params.namespace, params.name);
    const replicas = requestedReplicas(body, deployment.name);
    const previous = deployment.replicas;
    const drill = fastify.drill;
    cluster().scale(deployment.name, replicas);
    request.journal.detail.deployment = deployment.name;
    request.journal.detail.namespace = deployment.namespace;
    request.journal.detail.replicas = replicas;
    request.journal.detail.previousReplicas = previous;
    request.noteHarm(drill.notify({ type: 'deployment.scaled', name: deployment.name, replicas }));
    const version = cluster().version;
    return asScale ? scaleObject(deployment, cluster().podsOf(deployment.name), version, clock()) : deploymentObject(deployment, cluster().podsOf(deployment.name), clock(), version);
  };

  const writeSchema = { params: NamedParams, body: Type.Object({}, { additionalProperties: true }), response: { ...kubeResponses, 422: KubeObject } };
  fastify.patch('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: writeSchema }, async (request) => applyScale(request, request.params, request.body, true));
  fastify.put('/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { schema: writeSchema }, async (request) => applyScale(request, request.params, request.body, true));
  // `kubectl patch deployment X -p '{"spec":{"replicas":N}}'`: only replicas can change here.
  fastify.patch('/apis/apps/v1/namespaces/:namespace/deployments/:name', { schema: writeSchema }, async (request) => {
    const body = request.body as { spec?: Record<string, unknown> } & Record<string, unknown>;
    const otherFields = Object.keys(body).filter((key) => key !== 'spec' && key !== 'metadata');
    const otherSpec = Object.keys(body.spec ?? {}).filter((key) => key !== 'replicas');
    if (otherFields.length > 0 || otherSpec.length > 0) {
      const field = otherFields[0] ?? `spec.${otherSpec[0]}`;
      throw invalid('Deployment', 'apps', request.params.name, field, 'Forbidden: only spec.replicas can be changed in the gameday simulator');
    }
    return applyScale(request, request.params, body, false);
  });
};

export default kubeRoutes;

