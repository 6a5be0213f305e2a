/**
 * The cluster as kube-state-metrics and the kubelet's cAdvisor would export it, with their names
 * and labels, so a team's existing alert rules (KubePodCrashLooping, KubeDeploymentReplicasMismatch,
 * container memory near its limit, …) work against a drill. Like the service metrics, every value
 * is read from the world at scrape time; the tick keeps no metric state.
 *
 * These are a few hundred series with long labels. Kept in a prom-client Registry they made the
 * whole scrape five times slower (its per-series label bookkeeping and formatting), so they are
 * written here straight in the text format, once per state of the world: the same world (no
 * tick, no action, no cluster change since) answers the same text. To keep the scrape small the
 * set is what alert rules read: a pod's phase is reported as its current one only (the others
 * are absent rather than 0), and cAdvisor's series carry no container id.
 */
import type { Drill } from '../drill/drill';
import type { Readings } from '@gameday/scenarios';
import type { Cluster, Deployment, Pod } from '../world/cluster';
import type { World } from '../world/world';
import { podPhase } from '../kube/kube-objects';

type Labels = ReadonlyArray<readonly [string, string]>;

/** A label value as the text format escapes it (backslash, double quote, newline). */
function escapeValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function labelText(labels: Labels): string {
  let out = '';
  for (const [name, value] of labels) out += `${out === '' ? '' : ','}${name}="${escapeValue(value)}"`;
  return `{${out}}`;
}

/** Builds one exposition: a family's HELP and TYPE, then its samples. */
class Exposition {
  private readonly parts: string[] = [];

  family(name: string, help: string, type: 'gauge' | 'counter', samples: Iterable<readonly [Labels, number]>): void {
    this.parts.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
    for (const [labels, value] of samples) this.parts.push(`${name}${labelText(labels)} ${Number.isInteger(value) ? value : value.toFixed(3)}\n`);
  }

  text(): string {
    return this.parts.join('');
  }
}

/** kube-state-metrics' identifying labels of a pod and of its container. */
const podLabels = (pod: Pod): Labels => [
  ['namespace', pod.namespace],
  ['pod', pod.name],
  ['uid', pod.uid],
];
const containerLabels = (pod: Pod): Labels => [...podLabels(pod), ['container', pod.deployment]];
/** cAdvisor's labels of a running container, as the kubelet's /metrics/cadvisor gives them (less its ids). */
const cadvisorLabels = (pod: Pod): Labels => [
  ['namespace', pod.namespace],
  ['pod', pod.name],
  ['container', pod.deployment],
  ['image', pod.template.image],
];

const running = (pod: Pod) => pod.status === 'Running' || pod.status === 'Terminating';

function deploymentStatus(cluster: Cluster, deployment: Deployment): { replicas: number; updated: number; ready: number } {
  let replicas = 0;
  let updated = 0;
  let ready = 0;
  for (const pod of cluster.pods) {
    if (pod.deployment !== deployment.name || pod.status === 'Terminating') continue;
    replicas++;
    if (pod.templateHash === deployment.templateHash) updated++;
    if (pod.status === 'Running') ready++;
  }
  return { replicas, updated, ready };
}

function* perPod(cluster: Cluster, samples: (pod: Pod) => Array<readonly [Labels, number]>): Iterable<readonly [Labels, number]> {
  for (const pod of cluster.pods) yield* samples(pod);
}

/** The cluster's series in the Prometheus text format. */
export function renderClusterMetrics(world: World): string {
  const cluster = world.cluster;
  const out = new Exposition();

  // ---- kube-state-metrics: pods and containers ----------------------------------------------
  out.family('kube_pod_info', 'Information about pod.', 'gauge', perPod(cluster, (pod) => [
    [[...podLabels(pod), ['host_ip', cluster.node(pod.node)?.ip ?? ''], ['pod_ip', pod.ip], ['node', pod.node], ['created_by_kind', 'ReplicaSet'], ['created_by_name', `${pod.deployment}-${pod.templateHash}`]], 1],
  ]));
  out.family('kube_pod_status_phase', 'The pods current phase.', 'gauge', perPod(cluster, (pod) => [[[...podLabels(pod), ['phase', podPhase(pod)]], 1]]));
  out.family('kube_pod_status_unschedulable', 'Describes the unschedulable status for the pod.', 'gauge', perPod(cluster, (pod) => (pod.status === 'Pending' ? [[podLabels(pod), 1]] : [])));
  out.family('kube_pod_container_status_restarts_total', 'The number of container restarts per container.', 'counter', perPod(cluster, (pod) => [[containerLabels(pod), pod.restarts]]));
  out.family('kube_pod_container_status_waiting_reason', 'Describes the reason the container is currently in waiting state.', 'gauge', perPod(cluster, (pod) =>
    pod.status === 'ContainerCreating' || pod.status === 'CrashLoopBackOff' ? [[[...containerLabels(pod), ['reason', pod.status]], 1]] : [],
  ));
  out.family('kube_pod_container_status_terminated_reason', 'Describes the reason the container is currently in terminated state.', 'gauge', perPod(cluster, (pod) =>
    pod.status === 'OOMKilled' || pod.status === 'Error' ? [[[...containerLabels(pod), ['reason', pod.status]], 1]] : [],
  ));
  out.family('kube_pod_container_status_last_terminated_reason', 'Describes the last reason the container was in terminated state.', 'gauge', perPod(cluster, (pod) =>
    pod.lastTerminated ? [[[...containerLabels(pod), ['reason', pod.lastTerminated.reason]], 1]] : [],
  ));
  out.family('kube_pod_container_status_last_terminated_exitcode', 'Describes the exit code for the last container in terminated state.', 'gauge', perPod(cluster, (pod) =>
    pod.lastTerminated ? [[containerLabels(pod), pod.lastTerminated.exitCode]] : [],
  ));
  out.family('kube_pod_container_resource_limits', 'The number of requested limit resource by a container.', 'gauge', perPod(cluster, (pod) => {
    const labels: Labels = [...containerLabels(pod), ['node', pod.node]];
    return [
      [[...labels, ['resource', 'memory'], ['unit', 'byte']], pod.template.memoryLimitBytes],
      [[...labels, ['resource', 'cpu'], ['unit', 'core']], pod.template.cpuLimitMillicores / 1000],
    ];
  }));

  // ---- kube-state-metrics: deployments ---------------------------------------------------------
  const deployments = [...cluster.deployments.values()].map((deployment) => ({ deployment, status: deploymentStatus(cluster, deployment), labels: [['namespace', deployment.namespace], ['deployment', deployment.name]] as Labels }));
  const perDeployment = (name: string, help: string, value: (entry: (typeof deployments)[number]) => number) =>
    out.family(name, help, 'gauge', deployments.map((entry) => [entry.labels, value(entry)] as const));
  perDeployment('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', ({ deployment }) => deployment.replicas);
  perDeployment('kube_deployment_status_replicas', 'The number of replicas per deployment.', ({ status }) => status.replicas);
  perDeployment('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', ({ status }) => status.ready);
  perDeployment('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', ({ deployment, status }) => Math.max(0, deployment.replicas - status.ready));
  perDeployment('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', ({ status }) => status.updated);
  perDeployment('kube_deployment_metadata_generation', 'Sequence number representing a specific generation of the desired state.', ({ deployment }) => deployment.generation);
  perDeployment('kube_deployment_status_observed_generation', 'The generation observed by the deployment controller.', ({ deployment }) => deployment.generation);
  out.family(
    'kube_deployment_status_condition',
    'The current status conditions of a deployment.',
    'gauge',
    deployments.flatMap(({ deployment, status, labels }) => {
      const holds = { Available: status.ready >= deployment.replicas - Math.floor(deployment.replicas * 0.25), Progressing: !cluster.progressDeadlineExceeded(deployment) };
      return (['Available', 'Progressing'] as const).flatMap((condition) =>
        (['true', 'false', 'unknown'] as const).map((value) => [[...labels, ['condition', condition], ['status', value]] as Labels, (value === 'true' && holds[condition]) || (value === 'false' && !holds[condition]) ? 1 : 0] as const),
      );
    }),
  );

  // ---- cAdvisor: running containers ------------------------------------------------------------------
  out.family('container_memory_working_set_bytes', 'Current working set of the container in bytes', 'gauge', perPod(cluster, (pod) => (running(pod) ? [[cadvisorLabels(pod), Math.round(world.podMemory(pod))]] : [])));
  out.family('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', 'counter', perPod(cluster, (pod) => (running(pod) ? [[cadvisorLabels(pod), cluster.podCpuSeconds(pod)]] : [])));
  return out.text();
}

/**
 * The cluster's series for the drill's current world, rendered once per state: a tick or an
 * action gives the world new readings, a kube change a new cluster version.
 */
export function clusterMetricsRenderer(getDrill: () => Drill): () => string {
  let last: { world: World; readings: Readings; version: number; text: string } | undefined;
  return () => {
    const world = getDrill().world;
    const readings = world.readings();
    const version = world.cluster.version;
    if (last?.world === world && last.readings === readings && last.version === version) return last.text;
    last = { world, readings, version, text: renderClusterMetrics(world) };
    return last.text;
  };
}
