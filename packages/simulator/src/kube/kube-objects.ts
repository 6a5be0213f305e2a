/**
 * The cluster's pods, deployments and namespaces as Kubernetes API objects: full objects for
 * `-o json`, `meta.k8s.io/v1` Tables for kubectl's default printing (without them kubectl
 * shows only NAME and AGE), `Scale` for the scale subresource, and `Status` for errors.
 */
import type { Deployment, Pod } from '../world/cluster';

export interface KubeClock {
  /** Simulated now, as wall milliseconds. */
  nowWallMs: number;
  /** Simulated ms to wall ms. */
  toWall(simMs: number): number;
}

/** Kubernetes' `duration.HumanDuration`, as kubectl shows AGE. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) return `${Math.floor(hours / 24 / 365)}y${Math.floor(hours / 24) % 365}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const iso = (wallMs: number) => new Date(Math.floor(wallMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function podObject(pod: Pod, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const created = clock.toWall(pod.createdMs);
  const ready = pod.status === 'Running';
  const lastTerminated =
    pod.lastTerminationReason && pod.lastRestartMs !== undefined
      ? { terminated: { reason: pod.lastTerminationReason, exitCode: pod.lastTerminationReason === 'OOMKilled' ? 137 : 1, finishedAt: iso(clock.toWall(pod.lastRestartMs)) } }
      : {};
  let state: Record<string, unknown>;
  switch (pod.status) {
    case 'Running':
      state = { running: { startedAt: iso(pod.lastRestartMs === undefined ? created : clock.toWall(pod.lastRestartMs)) } };
      break;
    case 'ContainerCreating':
      state = { waiting: { reason: 'ContainerCreating' } };
      break;
    case 'CrashLoopBackOff':
      state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${pod.deployment}` } };
      break;
    case 'OOMKilled':
    case 'Error':
      state = { terminated: { reason: pod.status, exitCode: pod.status === 'OOMKilled' ? 137 : 1 } };
      break;
    case 'Terminating':
      state = { running: { startedAt: iso(created) } };
      break;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      generateName: pod.name.slice(0, pod.name.lastIndexOf('-') + 1),
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion: String(resourceVersion),
      creationTimestamp: iso(created),
      labels: pod.labels,
      ...(pod.status === 'Terminating' ? { deletionTimestamp: iso(clock.toWall(pod.statusUntilMs)), deletionGracePeriodSeconds: 30 } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${pod.deployment}-${pod.labels['pod-template-hash'] ?? ''}`, uid: pod.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: pod.deployment, image: `agenc/${pod.deployment}`, resources: { limits: { memory: `${Math.round(pod.memoryLimitBytes / 1024 ** 3)}Gi` } } }],
      nodeName: pod.node,
      restartPolicy: 'Always',
    },
    status: {
      phase: pod.status === 'ContainerCreating' ? 'Pending' : 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
      hostIP: '10.0.0.1',
      podIP: pod.ip,
      startTime: iso(created),
      containerStatuses: [
        { name: pod.deployment, ready, started: ready, restartCount: pod.restarts, image: `agenc/${pod.deployment}`, imageID: '', state, lastState: lastTerminated },
      ],
    },
  };
}

/** What kubectl shows in STATUS and RESTARTS. */
function podStatusCells(pod: Pod, clock: KubeClock): { status: string; restarts: string } {
  const restarts =
    pod.restarts > 0 && pod.lastRestartMs !== undefined
      ? `${pod.restarts} (${humanDuration(clock.nowWallMs - clock.toWall(pod.lastRestartMs))} ago)`
      : String(pod.restarts);
  return { status: pod.status, restarts };
}

export function deploymentObject(deployment: Deployment, pods: Pod[], clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const live = pods.filter((pod) => pod.status !== 'Terminating');
  const ready = pods.filter((pod) => pod.status === 'Running').length;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deployment.name,
      namespace: deployment.namespace,
      uid: deployment.uid,
      resourceVersion: String(resourceVersion),
      generation: deployment.generation,
      creationTimestamp: iso(clock.toWall(deployment.createdMs)),
      labels: deployment.labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: deployment.replicas,
      selector: { matchLabels: deployment.labels },
      template: {
        metadata: { labels: deployment.labels },
        spec: { containers: [{ name: deployment.name, image: deployment.image, resources: { limits: { memory: `${Math.round(deployment.memoryLimitBytes / 1024 ** 3)}Gi` } } }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    status: {
      observedGeneration: deployment.generation,
      replicas: live.length,
      updatedReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < live.length ? { unavailableReplicas: live.length - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= Math.min(1, deployment.replicas) ? 'True' : 'False', reason: ready >= Math.min(1, deployment.replicas) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: live.length === deployment.replicas && ready === deployment.replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated' },
      ],
    },
  };
}

export function scaleObject(deployment: Deployment, pods: Pod[], resourceVersion: number, clock: KubeClock): Record<string, unknown> {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: deployment.name,
      namespace: deployment.namespace,
      uid: deployment.uid,
      resourceVersion: String(resourceVersion),
      creationTimestamp: iso(clock.toWall(deployment.createdMs)),
    },
    spec: { replicas: deployment.replicas },
    status: {
      replicas: pods.filter((pod) => pod.status !== 'Terminating').length,
      selector: Object.entries(deployment.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
    },
  };
}

export function namespaceObject(name: string, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: `ns-${name}`, resourceVersion: String(resourceVersion), creationTimestamp: iso(clock.toWall(-400 * 86_400_000)), labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const column = (name: string, type: string, description: string, priority = 0, format = ''): Column => ({ name, type, format, description, priority });

function table(columns: Column[], rows: Array<{ cells: unknown[]; object: Record<string, unknown> }>, resourceVersion: number): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    columnDefinitions: columns,
    rows: rows.map((row) => {
      const metadata = row.object.metadata as Record<string, unknown>;
      return { cells: row.cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata } };
    }),
  };
}

export function podTable(pods: Pod[], clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const columns = [
    column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    column('IP', 'string', 'IP address allocated to the pod.', 1),
    column('Node', 'string', 'Name of the node where the pod runs.', 1),
  ];
  return table(
    columns,
    pods.map((pod) => {
      const { status, restarts } = podStatusCells(pod, clock);
      return {
        // A terminating container keeps serving through its grace period, as kubectl shows.
        cells: [pod.name, pod.status === 'Running' || pod.status === 'Terminating' ? '1/1' : '0/1', status, restarts, humanDuration(clock.nowWallMs - clock.toWall(pod.createdMs)), pod.ip, pod.node],
        object: podObject(pod, clock, resourceVersion),
      };
    }),
    resourceVersion,
  );
}

export function deploymentTable(deployments: Array<{ deployment: Deployment; pods: Pod[] }>, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const columns = [
    column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    column('Containers', 'string', 'Names of each container in the template.', 1),
    column('Images', 'string', 'Images referenced by each container in the template.', 1),
    column('Selector', 'string', 'Label selector for pods.', 1),
  ];
  return table(
    columns,
    deployments.map(({ deployment, pods }) => {
      const live = pods.filter((pod) => pod.status !== 'Terminating').length;
      const ready = pods.filter((pod) => pod.status === 'Running').length;
      return {
        cells: [
          deployment.name,
          `${ready}/${deployment.replicas}`,
          live,
          ready,
          humanDuration(clock.nowWallMs - clock.toWall(deployment.createdMs)),
          deployment.name,
          deployment.image,
          Object.entries(deployment.labels).map(([key, value]) => `${key}=${value}`).join(','),
        ],
        object: deploymentObject(deployment, pods, clock, resourceVersion),
      };
    }),
    resourceVersion,
  );
}

export function namespaceTable(names: readonly string[], clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const columns = [
    column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    column('Status', 'string', 'The status of the namespace'),
    column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  ];
  return table(
    columns,
    names.map((name) => ({ cells: [name, 'Active', humanDuration(400 * 86_400_000)], object: namespaceObject(name, clock, resourceVersion) })),
    resourceVersion,
  );
}

export type StatusReason = 'NotFound' | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'Conflict' | 'Invalid' | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'InternalError';

/** The reason the API server gives with an HTTP status. */
export function statusReasonFor(status: number): StatusReason {
  switch (status) {
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 405:
      return 'MethodNotAllowed';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    default:
      return status >= 500 ? 'InternalError' : 'BadRequest';
  }
}

/** A `metav1.Status` failure, so kubectl prints `Error from server (Reason): message`. */
export function kubeStatus(code: number, reason: StatusReason, message: string, details?: { name?: string; kind?: string; group?: string; causes?: unknown[] }): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** Whether kubectl asked for server-side printing. */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('as=Table');
}
