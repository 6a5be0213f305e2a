/**
 * The cluster as kube-state-metrics and the kubelet's cAdvisor would export it, with their names
 * and labels, so a team's existing alert rules (KubePodCrashLooping, KubeDeploymentReplicasMismatch,
 * container memory near its limit, …) work against a drill. Like the service metrics, every value
 * is read from the world at scrape time; the tick keeps no metric state.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Drill } from '../drill/drill';
import type { Cluster, Deployment, Pod } from '../world/cluster';
import { hexFrom, imageId, podPhase } from '../kube/kube-objects';

type Collect<T> = (this: T) => void;

const podPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

/** kube-state-metrics' identifying labels of a pod and of one of its containers. */
const podLabels = (pod: Pod) => ({ namespace: pod.namespace, pod: pod.name, uid: pod.uid });
const containerLabels = (pod: Pod) => ({ ...podLabels(pod), container: pod.deployment });

/** cAdvisor's labels of a running container, as the kubelet's /metrics/cadvisor gives them. */
function cadvisorLabels(pod: Pod): Record<string, string> {
  const id = hexFrom(`${pod.uid}/${pod.restarts}`, 64);
  return {
    namespace: pod.namespace,
    pod: pod.name,
    container: pod.deployment,
    image: pod.template.image,
    id: `/kubepods/burstable/pod${pod.uid}/${id}`,
    name: id,
  };
}

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

export function registerClusterMetrics(registry: Registry, getDrill: () => Drill): void {
  const cluster = () => getDrill().world.cluster;
  const gauge = (name: string, help: string, labelNames: string[], collect: Collect<Gauge>) => new Gauge({ name, help, labelNames, registers: [registry], collect });
  const counter = (name: string, help: string, labelNames: string[], collect: Collect<Counter>) => new Counter({ name, help, labelNames, registers: [registry], collect });

  // ---- kube-state-metrics: pods and containers ----------------------------------------------
  gauge('kube_pod_info', 'Information about pod.', ['namespace', 'pod', 'uid', 'host_ip', 'pod_ip', 'node', 'created_by_kind', 'created_by_name', 'priority_class', 'host_network'], function () {
    this.reset();
    const current = cluster();
    for (const pod of current.pods) {
      this.set(
        { ...podLabels(pod), host_ip: current.node(pod.node)?.ip ?? '', pod_ip: pod.ip, node: pod.node, created_by_kind: 'ReplicaSet', created_by_name: `${pod.deployment}-${pod.templateHash}`, priority_class: '', host_network: 'false' },
        1,
      );
    }
  });
  gauge('kube_pod_status_phase', 'The pods current phase.', ['namespace', 'pod', 'uid', 'phase'], function () {
    this.reset();
    for (const pod of cluster().pods) {
      const phase = podPhase(pod);
      for (const candidate of podPhases) this.set({ ...podLabels(pod), phase: candidate }, candidate === phase ? 1 : 0);
    }
  });
  gauge('kube_pod_status_ready', 'Describes whether the pod is ready to serve requests.', ['namespace', 'pod', 'uid', 'condition'], function () {
    this.reset();
    for (const pod of cluster().pods) {
      const ready = running(pod);
      this.set({ ...podLabels(pod), condition: 'true' }, ready ? 1 : 0);
      this.set({ ...podLabels(pod), condition: 'false' }, ready ? 0 : 1);
      this.set({ ...podLabels(pod), condition: 'unknown' }, 0);
    }
  });
  gauge('kube_pod_container_info', 'Information about a container in a pod.', ['namespace', 'pod', 'uid', 'container', 'image_spec', 'image', 'image_id', 'container_id'], function () {
    this.reset();
    for (const pod of cluster().pods) {
      this.set({ ...containerLabels(pod), image_spec: pod.template.image, image: pod.template.image, image_id: imageId(pod.template.image), container_id: `containerd://${hexFrom(`${pod.uid}/${pod.restarts}`, 64)}` }, 1);
    }
  });
  counter('kube_pod_container_status_restarts_total', 'The number of container restarts per container.', ['namespace', 'pod', 'uid', 'container'], function () {
    this.reset();
    for (const pod of cluster().pods) this.inc(containerLabels(pod), pod.restarts);
  });
  gauge('kube_pod_container_status_ready', 'Describes whether the containers readiness check succeeded.', ['namespace', 'pod', 'uid', 'container'], function () {
    this.reset();
    for (const pod of cluster().pods) this.set(containerLabels(pod), running(pod) ? 1 : 0);
  });
  gauge('kube_pod_container_status_running', 'Describes whether the container is currently in running state.', ['namespace', 'pod', 'uid', 'container'], function () {
    this.reset();
    for (const pod of cluster().pods) this.set(containerLabels(pod), running(pod) ? 1 : 0);
  });
  gauge('kube_pod_container_status_waiting', 'Describes whether the container is currently in waiting state.', ['namespace', 'pod', 'uid', 'container'], function () {
    this.reset();
    for (const pod of cluster().pods) this.set(containerLabels(pod), pod.status === 'ContainerCreating' || pod.status === 'CrashLoopBackOff' ? 1 : 0);
  });
  gauge('kube_pod_container_status_waiting_reason', 'Describes the reason the container is currently in waiting state.', ['namespace', 'pod', 'uid', 'container', 'reason'], function () {
    this.reset();
    for (const pod of cluster().pods) if (pod.status === 'ContainerCreating' || pod.status === 'CrashLoopBackOff') this.set({ ...containerLabels(pod), reason: pod.status }, 1);
  });
  gauge('kube_pod_container_status_terminated_reason', 'Describes the reason the container is currently in terminated state.', ['namespace', 'pod', 'uid', 'container', 'reason'], function () {
    this.reset();
    for (const pod of cluster().pods) if (pod.status === 'OOMKilled' || pod.status === 'Error') this.set({ ...containerLabels(pod), reason: pod.status }, 1);
  });
  gauge('kube_pod_container_status_last_terminated_reason', 'Describes the last reason the container was in terminated state.', ['namespace', 'pod', 'uid', 'container', 'reason'], function () {
    this.reset();
    for (const pod of cluster().pods) if (pod.lastTerminated) this.set({ ...containerLabels(pod), reason: pod.lastTerminated.reason }, 1);
  });
  gauge('kube_pod_container_status_last_terminated_exitcode', 'Describes the exit code for the last container in terminated state.', ['namespace', 'pod', 'uid', 'container'], function () {
    this.reset();
    for (const pod of cluster().pods) if (pod.lastTerminated) this.set(containerLabels(pod), pod.lastTerminated.exitCode);
  });
  const resources = (kind: 'limits' | 'requests') =>
    function (this: Gauge) {
      this.reset();
      for (const pod of cluster().pods) {
        const labels = { ...containerLabels(pod), node: pod.node };
        const template = pod.template;
        this.set({ ...labels, resource: 'memory', unit: 'byte' }, kind === 'limits' ? template.memoryLimitBytes : template.memoryRequestBytes);
        this.set({ ...labels, resource: 'cpu', unit: 'core' }, (kind === 'limits' ? template.cpuLimitMillicores : template.cpuRequestMillicores) / 1000);
      }
    };
  const resourceLabels = ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'];
  gauge('kube_pod_container_resource_limits', 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', resourceLabels, resources('limits'));
  gauge('kube_pod_container_resource_requests', 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', resourceLabels, resources('requests'));

  // ---- kube-state-metrics: deployments ---------------------------------------------------------
  const perDeployment = (name: string, help: string, value: (deployment: Deployment, status: ReturnType<typeof deploymentStatus>, current: Cluster) => number) =>
    gauge(name, help, ['namespace', 'deployment'], function () {
      this.reset();
      const current = cluster();
      for (const deployment of current.deployments.values()) this.set({ namespace: deployment.namespace, deployment: deployment.name }, value(deployment, deploymentStatus(current, deployment), current));
    });
  perDeployment('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (deployment) => deployment.replicas);
  perDeployment('kube_deployment_status_replicas', 'The number of replicas per deployment.', (_deployment, status) => status.replicas);
  perDeployment('kube_deployment_status_replicas_ready', 'The number of ready replicas per deployment.', (_deployment, status) => status.ready);
  perDeployment('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', (_deployment, status) => status.ready);
  perDeployment('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', (deployment, status) => Math.max(0, deployment.replicas - status.ready));
  perDeployment('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', (_deployment, status) => status.updated);
  perDeployment('kube_deployment_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (deployment) => deployment.generation);
  perDeployment('kube_deployment_status_observed_generation', 'The generation observed by the deployment controller.', (deployment) => deployment.generation);
  gauge('kube_deployment_status_condition', 'The current status conditions of a deployment.', ['namespace', 'deployment', 'condition', 'status'], function () {
    this.reset();
    const current = cluster();
    for (const deployment of current.deployments.values()) {
      const { ready } = deploymentStatus(current, deployment);
      const available = ready >= deployment.replicas - Math.floor(deployment.replicas * 0.25);
      const progressing = !current.progressDeadlineExceeded(deployment);
      for (const [condition, holds] of [['Available', available], ['Progressing', progressing]] as const) {
        for (const status of ['true', 'false', 'unknown'] as const) {
          this.set({ namespace: deployment.namespace, deployment: deployment.name, condition, status }, (status === 'true' && holds) || (status === 'false' && !holds) ? 1 : 0);
        }
      }
    }
  });

  // ---- cAdvisor: running containers ------------------------------------------------------------------
  const cadvisorNames = ['namespace', 'pod', 'container', 'image', 'id', 'name'];
  gauge('container_memory_working_set_bytes', 'Current working set of the container in bytes', cadvisorNames, function () {
    this.reset();
    const world = getDrill().world;
    for (const pod of world.cluster.pods) if (running(pod)) this.set(cadvisorLabels(pod), Math.round(world.podMemory(pod)));
  });
  gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', cadvisorNames, function () {
    this.reset();
    for (const pod of cluster().pods) if (running(pod)) this.set(cadvisorLabels(pod), pod.template.memoryLimitBytes);
  });
  counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', cadvisorNames, function () {
    this.reset();
    const current = cluster();
    for (const pod of current.pods) if (running(pod)) this.inc(cadvisorLabels(pod), Number(current.podCpuSeconds(pod).toFixed(3)));
  });
}
