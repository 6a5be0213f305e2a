/**
 * `metrics.k8s.io/v1beta1` as metrics-server serves it: what `kubectl top pods` and `top nodes`
 * read. CPU and working-set memory come from the world's model of each container; only pods
 * with a running container are reported, as metrics-server reports only what cAdvisor sees.
 */
import type { ClusterNode, Pod } from '../world/cluster';
import { iso, type KubeClock } from './kube-objects';
import { formatKibibytes, formatNanocores } from './quantity';

export interface ContainerUsage {
  cpuCores: number;
  memoryBytes: number;
}

/** metrics-server scrapes every 15 seconds; usage is the rate over that window. */
const resolutionMs = 15_000;

/** A pod is measured while its container runs (a terminating one still does). */
export const isMeasured = (pod: Pod) => pod.status === 'Running' || pod.status === 'Terminating';

function scrapeTime(clock: KubeClock): string {
  return iso(clock.nowWallMs - (clock.nowWallMs % resolutionMs));
}

export function podMetricsObject(pod: Pod, usage: ContainerUsage, clock: KubeClock): Record<string, unknown> {
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: iso(clock.nowWallMs), labels: pod.labels },
    timestamp: scrapeTime(clock),
    window: '15s',
    containers: [{ name: pod.deployment, usage: { cpu: formatNanocores(usage.cpuCores), memory: formatKibibytes(usage.memoryBytes) } }],
  };
}

/** The system's own share of a node (kubelet, containerd, the OS) on top of its pods. */
const systemUsage: ContainerUsage = { cpuCores: 0.21, memoryBytes: 1.4 * 1024 ** 3 };

export function nodeMetricsObject(node: ClusterNode, pods: ContainerUsage[], clock: KubeClock): Record<string, unknown> {
  let cpuCores = systemUsage.cpuCores;
  let memoryBytes = systemUsage.memoryBytes;
  for (const usage of pods) {
    cpuCores += usage.cpuCores;
    memoryBytes += usage.memoryBytes;
  }
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.name, creationTimestamp: iso(clock.nowWallMs), labels: { 'kubernetes.io/hostname': node.name, 'topology.kubernetes.io/zone': node.zone } },
    timestamp: scrapeTime(clock),
    window: '15s',
    usage: { cpu: formatNanocores(cpuCores), memory: formatKibibytes(memoryBytes) },
  };
}
