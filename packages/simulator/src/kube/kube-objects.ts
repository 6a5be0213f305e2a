/**
 * The cluster's pods, deployments and namespaces as Kubernetes API objects: full objects for
 * `-o json` and `describe` (containers, resources, probes, state and last state, conditions),
 * `meta.k8s.io/v1` Tables for kubectl's default printing (without them kubectl shows only NAME
 * and AGE), `Scale` for the scale subresource, and `Status` for errors.
 */
import type { Cluster, Deployment, Pod, PodTemplate, ReplicaSet } from '../world/cluster';
import { rolloutPolicy, unschedulableMessage } from '../world/cluster';
import { hashString, kubeSuffixAlphabet } from '../world/random';
import { formatBytes, formatMillicores } from './quantity';

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

/** RFC 3339 to the second, as `metav1.Time` is written. */
export const iso = (wallMs: number) => new Date(Math.floor(wallMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A stable hex string of `length` characters from a text (container and image ids). */
export function hexFrom(text: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) out += hashString(text, 0x811c9dc5 ^ Math.imul(round + 1, 0x9e3779b9)).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

export const containerPort = 8080;

/** The container as a pod template declares it; pods, deployments and ReplicaSets all use this one shape. */
export function containerSpec(name: string, template: PodTemplate): Record<string, unknown> {
  const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
    httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
    initialDelaySeconds,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold,
  });
  return {
    name,
    image: template.image,
    ports: [{ name: 'http', containerPort, protocol: 'TCP' }],
    resources: {
      limits: { cpu: formatMillicores(template.cpuLimitMillicores), memory: formatBytes(template.memoryLimitBytes) },
      requests: { cpu: formatMillicores(template.cpuRequestMillicores), memory: formatBytes(template.memoryRequestBytes) },
    },
    livenessProbe: probe(30, 3),
    readinessProbe: probe(5, 3),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

/**
 * `spec.template` of a deployment or ReplicaSet. A ReplicaSet's carries the pod-template-hash
 * label; otherwise the two must be equal, field for field, or kubectl's describe and rollout
 * cannot tell which ReplicaSet is the deployment's current one.
 */
export function podTemplateSpec(deployment: Pick<Deployment, 'name' | 'labels' | 'terminationGraceSeconds'>, template: PodTemplate, templateHash?: string): Record<string, unknown> {
  return {
    metadata: { creationTimestamp: null, labels: templateHash === undefined ? { ...deployment.labels } : { ...deployment.labels, 'pod-template-hash': templateHash } },
    spec: {
      containers: [containerSpec(deployment.name, template)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: deployment.terminationGraceSeconds,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

/** Whether a pod has ever had a running container (a first ContainerCreating is still Pending). */
const hasRun = (pod: Pod) => pod.containerStartedMs !== undefined || pod.lastTerminated !== undefined;

/** `status.phase`: Pending until a container has run, then Running (containers restart, Always). */
export const podPhase = (pod: Pod): 'Pending' | 'Running' => (hasRun(pod) ? 'Running' : 'Pending');

function containerState(pod: Pod, clock: KubeClock): Record<string, unknown> {
  const terminated = pod.lastTerminated;
  switch (pod.status) {
    case 'Running':
    case 'Terminating':
      return { running: { startedAt: iso(clock.toWall(pod.containerStartedMs ?? pod.createdMs)) } };
    case 'Pending':
    case 'ContainerCreating':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'CrashLoopBackOff': {
      const backoffSeconds = Math.max(10, Math.round((pod.statusUntilMs - (terminated?.finishedMs ?? pod.statusUntilMs)) / 1000) - 10);
      return { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${humanDuration(backoffSeconds * 1000)} restarting failed container=${pod.deployment} pod=${pod.name}_${pod.namespace}(${pod.uid})` } };
    }
    case 'OOMKilled':
    case 'Error':
      return {
        terminated: {
          exitCode: terminated?.exitCode ?? (pod.status === 'OOMKilled' ? 137 : 1),
          reason: pod.status,
          startedAt: iso(clock.toWall(terminated?.startedMs ?? pod.createdMs)),
          finishedAt: iso(clock.toWall(terminated?.finishedMs ?? pod.createdMs)),
          containerID: containerId(pod, pod.restarts - 1),
        },
      };
  }
}

/** The runtime's id of a container: one per pod and restart. */
function containerId(pod: Pod, restart: number): string {
  return `containerd://${hexFrom(`${pod.uid}/${restart}`, 64)}`;
}

export function imageId(image: string): string {
  const repository = image.includes(':') ? image.slice(0, image.lastIndexOf(':')) : image;
  return `docker.io/${repository}@sha256:${hexFrom(image, 64)}`;
}

export function podObject(pod: Pod, cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const created = clock.toWall(pod.createdMs);
  const ready = pod.status === 'Running' || pod.status === 'Terminating';
  const deployment = cluster.deployments.get(pod.deployment);
  const replicaSet = deployment?.replicaSets.find((candidate) => candidate.templateHash === pod.templateHash);
  const node = cluster.node(pod.node);
  const grace = deployment?.terminationGraceSeconds ?? 30;
  const terminated = pod.lastTerminated;
  // While a crashed container is shown as the state, the one before it is unknown: no last state.
  const crashedNow = pod.status === 'OOMKilled' || pod.status === 'Error';
  const lastState =
    terminated && !crashedNow
      ? {
          terminated: {
            exitCode: terminated.exitCode,
            reason: terminated.reason,
            startedAt: iso(clock.toWall(terminated.startedMs)),
            finishedAt: iso(clock.toWall(terminated.finishedMs)),
            containerID: containerId(pod, pod.restarts - 1),
          },
        }
      : {};
  const readySince = clock.toWall(pod.containerStartedMs ?? pod.lastRestartMs ?? pod.createdMs);
  const notReadySince = clock.toWall(pod.lastRestartMs ?? pod.createdMs);
  const readyCondition = (type: 'Ready' | 'ContainersReady') =>
    ready
      ? { type, status: 'True', lastProbeTime: null, lastTransitionTime: iso(readySince) }
      : { type, status: 'False', lastProbeTime: null, lastTransitionTime: iso(notReadySince), reason: 'ContainersNotReady', message: `containers with unready status: [${pod.deployment}]` };
  const volume = `kube-api-access-${[...hexFrom(pod.uid, 5)].map((char) => kubeSuffixAlphabet[parseInt(char, 16) % kubeSuffixAlphabet.length]).join('')}`;
  const spec = podTemplateSpec(deployment ?? { name: pod.deployment, labels: {}, terminationGraceSeconds: grace }, pod.template).spec as Record<string, unknown>;
  const [container] = spec.containers as Array<Record<string, unknown>>;
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
      ...(pod.status === 'Terminating' ? { deletionTimestamp: iso(clock.toWall(pod.statusUntilMs)), deletionGracePeriodSeconds: grace } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet?.name ?? `${pod.deployment}-${pod.templateHash}`, uid: replicaSet?.uid ?? pod.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...spec,
      containers: [{ ...container, volumeMounts: [{ name: volume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
      serviceAccountName: 'default',
      serviceAccount: 'default',
      ...(pod.node === '' ? {} : { nodeName: pod.node }),
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      volumes: [
        {
          name: volume,
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
    },
    status: pod.status === 'Pending' ? unscheduledStatus(pod, cluster.nodes.length, clock) : {
      phase: podPhase(pod),
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: iso(created + 1000) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: iso(created) },
        readyCondition('Ready'),
        readyCondition('ContainersReady'),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: iso(created) },
      ],
      hostIP: node?.ip ?? '10.0.0.1',
      hostIPs: [{ ip: node?.ip ?? '10.0.0.1' }],
      podIP: pod.ip,
      podIPs: [{ ip: pod.ip }],
      startTime: iso(created),
      containerStatuses: [
        {
          name: pod.deployment,
          state: containerState(pod, clock),
          lastState,
          ready,
          restartCount: pod.restarts,
          image: pod.template.image,
          imageID: hasRun(pod) ? imageId(pod.template.image) : '',
          ...(hasRun(pod) ? { containerID: containerId(pod, pod.status === 'OOMKilled' || pod.status === 'Error' ? pod.restarts - 1 : pod.restarts) } : {}),
          started: ready,
        },
      ],
      qosClass: qosClass(pod.template),
    },
  };
}

/** A pod no node has taken: only PodScheduled=False, no addresses, no containers (as the API server shows one). */
function unscheduledStatus(pod: Pod, nodes: number, clock: KubeClock): Record<string, unknown> {
  return {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: iso(clock.toWall(pod.createdMs)), reason: 'Unschedulable', message: unschedulableMessage(nodes) }],
    qosClass: qosClass(pod.template),
  };
}

/** Guaranteed when requests equal limits, else Burstable (every container here sets both). */
export function qosClass(template: PodTemplate): 'Guaranteed' | 'Burstable' {
  return template.memoryRequestBytes === template.memoryLimitBytes && template.cpuRequestMillicores === template.cpuLimitMillicores ? 'Guaranteed' : 'Burstable';
}

/** What kubectl shows in STATUS and RESTARTS. */
function podStatusCells(pod: Pod, clock: KubeClock): { status: string; restarts: string } {
  const restarts =
    pod.restarts > 0 && pod.lastRestartMs !== undefined
      ? `${pod.restarts} (${humanDuration(clock.nowWallMs - clock.toWall(pod.lastRestartMs))} ago)`
      : String(pod.restarts);
  return { status: pod.status, restarts };
}

/** The counts a deployment's status reports, from its live pods. */
export function deploymentCounts(deployment: Deployment, pods: Pod[]): { live: number; updated: number; ready: number } {
  let live = 0;
  let updated = 0;
  let ready = 0;
  for (const pod of pods) {
    if (pod.status === 'Terminating') continue;
    live++;
    if (pod.templateHash === deployment.templateHash) updated++;
    if (pod.status === 'Running') ready++;
  }
  return { live, updated, ready };
}

export function deploymentObject(deployment: Deployment, cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const { live, updated, ready } = deploymentCounts(deployment, cluster.podsOf(deployment.name));
  const current: ReplicaSet = cluster.currentReplicaSet(deployment);
  const maxUnavailable = Math.floor(deployment.replicas * rolloutPolicy.maxUnavailable);
  const available = ready >= deployment.replicas - maxUnavailable;
  const complete = deployment.rolloutStartedMs === undefined;
  const timedOut = cluster.progressDeadlineExceeded(deployment);
  const progressAt = iso(clock.toWall(deployment.lastProgressMs));
  const progressing = timedOut
    ? { type: 'Progressing', status: 'False', lastUpdateTime: progressAt, lastTransitionTime: iso(clock.toWall(deployment.lastProgressMs + rolloutPolicy.progressDeadlineMs)), reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${current.name}" has timed out progressing.` }
    : complete
      ? { type: 'Progressing', status: 'True', lastUpdateTime: progressAt, lastTransitionTime: iso(clock.toWall(current.createdMs)), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.name}" has successfully progressed.` }
      : { type: 'Progressing', status: 'True', lastUpdateTime: progressAt, lastTransitionTime: iso(clock.toWall(deployment.rolloutStartedMs ?? deployment.lastProgressMs)), reason: 'ReplicaSetUpdated', message: `ReplicaSet "${current.name}" is progressing.` };
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
      annotations: { 'deployment.kubernetes.io/revision': String(current.revision), ...(current.changeCause === undefined ? {} : { 'kubernetes.io/change-cause': current.changeCause }) },
    },
    spec: {
      replicas: deployment.replicas,
      selector: { matchLabels: deployment.labels },
      template: podTemplateSpec(deployment, deployment.template),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: rolloutPolicy.revisionHistoryLimit,
      progressDeadlineSeconds: rolloutPolicy.progressDeadlineMs / 1000,
    },
    status: {
      observedGeneration: deployment.generation,
      replicas: live,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < deployment.replicas ? { unavailableReplicas: deployment.replicas - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: available ? 'True' : 'False',
          lastUpdateTime: progressAt,
          lastTransitionTime: progressAt,
          reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
        },
        progressing,
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

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export const column = (name: string, type: string, description: string, priority = 0, format = ''): Column => ({ name, type, format, description, priority });

export function table(columns: Column[], rows: Array<{ cells: unknown[]; object: Record<string, unknown> }>, resourceVersion: number): Record<string, unknown> {
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

export function podTable(pods: Pod[], cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
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
        cells: [pod.name, pod.status === 'Running' || pod.status === 'Terminating' ? '1/1' : '0/1', status, restarts, humanDuration(clock.nowWallMs - clock.toWall(pod.createdMs)), pod.ip || '<none>', pod.node || '<none>'],
        object: podObject(pod, cluster, clock, resourceVersion),
      };
    }),
    resourceVersion,
  );
}

export function deploymentTable(deployments: Deployment[], cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
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
    deployments.map((deployment) => {
      const { updated, ready } = deploymentCounts(deployment, cluster.podsOf(deployment.name));
      return {
        cells: [
          deployment.name,
          `${ready}/${deployment.replicas}`,
          updated,
          ready,
          humanDuration(clock.nowWallMs - clock.toWall(deployment.createdMs)),
          deployment.name,
          deployment.template.image,
          Object.entries(deployment.labels).map(([key, value]) => `${key}=${value}`).join(','),
        ],
        object: deploymentObject(deployment, cluster, clock, resourceVersion),
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
