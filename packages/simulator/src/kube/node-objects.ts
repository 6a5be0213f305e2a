/**
 * The cluster's nodes as core `v1` Nodes: what `kubectl get nodes`, `describe node` and `top
 * nodes` (which needs allocatable) read. Four same-sized EC2 workers, in three zones.
 */
import type { ClusterNode } from '../world/cluster';
import { column, hexFrom, humanDuration, iso, table, type KubeClock } from './kube-objects';
import { formatBytes, formatMillicores } from './quantity';

/** What the kubelet keeps for the system; the rest is allocatable. */
const reservedMillicores = 90;
const reservedBytes = 1024 ** 3;
export const nodeKubeletVersion = 'v1.32.0-eks-5ca49cb';

export function allocatable(node: ClusterNode): { cpuMillicores: number; memoryBytes: number } {
  return { cpuMillicores: node.cpuMillicores - reservedMillicores, memoryBytes: node.memoryBytes - reservedBytes };
}

export function nodeObject(node: ClusterNode, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const created = iso(clock.toWall(node.createdMs));
  const heartbeat = iso(clock.nowWallMs - 7_000);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: heartbeat, lastTransitionTime: created, reason, message });
  const available = allocatable(node);
  const instance = `i-0${hexFrom(node.name, 16)}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: node.uid,
      resourceVersion: String(resourceVersion),
      creationTimestamp: created,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'm6i.2xlarge',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.2xlarge',
        'topology.kubernetes.io/region': 'us-east-1',
        'topology.kubernetes.io/zone': node.zone,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { providerID: `aws:///${node.zone}/${instance}` },
    status: {
      capacity: { cpu: formatMillicores(node.cpuMillicores), memory: formatBytes(node.memoryBytes), pods: '58', 'ephemeral-storage': '83873772Ki' },
      allocatable: { cpu: formatMillicores(available.cpuMillicores), memory: formatBytes(available.memoryBytes), pods: '58', 'ephemeral-storage': '76224326324' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'InternalDNS', address: node.name },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hexFrom(`${node.name}/machine`, 32),
        systemUUID: `ec2${hexFrom(`${node.name}/uuid`, 5)}-${hexFrom(`${node.name}/uuid2`, 4)}-${hexFrom(`${node.name}/uuid3`, 4)}-${hexFrom(`${node.name}/uuid4`, 4)}-${hexFrom(`${node.name}/uuid5`, 12)}`,
        bootID: hexFrom(`${node.name}/boot`, 32),
        kernelVersion: '5.10.230-223.885.amzn2.x86_64',
        osImage: 'Amazon Linux 2',
        containerRuntimeVersion: 'containerd://1.7.23',
        kubeletVersion: nodeKubeletVersion,
        kubeProxyVersion: nodeKubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export const nodeFields: Record<string, (node: ClusterNode) => string> = {
  'metadata.name': (node) => node.name,
  'spec.unschedulable': () => 'false',
};

export function nodeTable(nodes: ClusterNode[], clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const columns = [
    column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    column('Container-Runtime', 'string', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ];
  return table(
    columns,
    nodes.map((node) => ({
      cells: [node.name, 'Ready', '<none>', humanDuration(clock.nowWallMs - clock.toWall(node.createdMs)), nodeKubeletVersion, node.ip, '<none>', 'Amazon Linux 2', '5.10.230-223.885.amzn2.x86_64', 'containerd://1.7.23'],
      object: nodeObject(node, clock, resourceVersion),
    })),
    resourceVersion,
  );
}
