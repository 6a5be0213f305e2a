/**
 * The fake cluster: namespaces, deployments and their pods. Pods are created, become ready,
 * crash (OOMKilled, Error), back off (CrashLoopBackOff), restart and terminate over simulated
 * time, so `kubectl get pods` tells the story of the incident and a scale converges the way a
 * ReplicaSet would.
 */
import { kubeSuffixAlphabet, type Rng } from './random';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';
/** What `kubectl get pods` shows in STATUS. */
export type PodStatus = 'ContainerCreating' | 'Running' | 'Terminating' | 'OOMKilled' | 'Error' | 'CrashLoopBackOff';

export interface Pod {
  name: string;
  namespace: string;
  deployment: string;
  labels: Record<string, string>;
  uid: string;
  node: string;
  ip: string;
  createdMs: number;
  status: PodStatus;
  /** When the current status ends (container ready, back-off over, grace period over). */
  statusUntilMs: number;
  restarts: number;
  lastRestartMs: number | undefined;
  lastTerminationReason: 'OOMKilled' | 'Error' | undefined;
  memoryLimitBytes: number;
}

export interface Deployment {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  replicas: number;
  generation: number;
  createdMs: number;
  image: string;
  templateHash: string;
  memoryLimitBytes: number;
  /** Seconds a new container takes to become ready, min and max. */
  startupSeconds: readonly [number, number];
  terminationGraceSeconds: number;
}

export interface DeploymentSpec {
  name: string;
  component: string;
  replicas: number;
  image: string;
  memoryLimitBytes: number;
  startupSeconds: readonly [number, number];
  terminationGraceSeconds: number;
}

const GiB = 1024 ** 3;

/** The speculation service's deployments in `production`, as the runbook names them. */
export const productionDeployments: readonly DeploymentSpec[] = [
  { name: 'speculation-engine', component: 'speculation', replicas: 3, image: 'agenc/speculation-engine:2.14.3', memoryLimitBytes: 4 * GiB, startupSeconds: [6, 14], terminationGraceSeconds: 20 },
  { name: 'proof-worker', component: 'proof-worker', replicas: 8, image: 'agenc/proof-worker:2.14.3', memoryLimitBytes: 2 * GiB, startupSeconds: [8, 20], terminationGraceSeconds: 15 },
  { name: 'agenc-worker', component: 'worker', replicas: 4, image: 'agenc/worker:2.14.3', memoryLimitBytes: 2 * GiB, startupSeconds: [5, 12], terminationGraceSeconds: 30 },
  { name: 'agenc-gateway', component: 'gateway', replicas: 2, image: 'agenc/gateway:2.14.3', memoryLimitBytes: 1 * GiB, startupSeconds: [3, 6], terminationGraceSeconds: 10 },
];

export const namespaces = ['default', 'kube-system', 'production'] as const;

const crashShowSeconds = 10;
const maxBackoffSeconds = 300;

export class Cluster {
  readonly deployments = new Map<string, Deployment>();
  pods: Pod[] = [];
  private readonly nodes: string[];
  /** Bumped on every change, served as `resourceVersion`. */
  version = 1;

  constructor(
    private readonly rng: Rng,
    private readonly now: () => number,
  ) {
    this.nodes = Array.from({ length: 4 }, () => `ip-10-0-${rng.int(1, 254)}-${rng.int(1, 254)}.ec2.internal`);
    for (const spec of productionDeployments) this.addDeployment(spec);
  }

  private addDeployment(spec: DeploymentSpec): void {
    const deployment: Deployment = {
      name: spec.name,
      namespace: 'production',
      uid: this.uid(),
      labels: { app: 'agenc', component: spec.component },
      replicas: spec.replicas,
      generation: 1,
      // Deployments predate the drill: they were rolled out days ago.
      createdMs: -this.rng.int(3, 20) * 86_400_000,
      image: spec.image,
      templateHash: this.rng.token(10, kubeSuffixAlphabet),
      memoryLimitBytes: spec.memoryLimitBytes,
      startupSeconds: spec.startupSeconds,
      terminationGraceSeconds: spec.terminationGraceSeconds,
    };
    this.deployments.set(spec.name, deployment);
    for (let i = 0; i < spec.replicas; i++) {
      const pod = this.newPod(deployment);
      pod.createdMs = -this.rng.int(1, 72) * 3_600_000;
      pod.status = 'Running';
      pod.statusUntilMs = Infinity;
    }
  }

  private uid(): string {
    const hex = this.rng.token(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private newPod(deployment: Deployment): Pod {
    const [minStart, maxStart] = deployment.startupSeconds;
    const pod: Pod = {
      name: `${deployment.name}-${deployment.templateHash}-${this.rng.token(5, kubeSuffixAlphabet)}`,
      namespace: deployment.namespace,
      deployment: deployment.name,
      labels: { ...deployment.labels, 'pod-template-hash': deployment.templateHash },
      uid: this.uid(),
      node: this.rng.pick(this.nodes),
      ip: `10.244.${this.rng.int(0, 7)}.${this.rng.int(2, 250)}`,
      createdMs: this.now(),
      status: 'ContainerCreating',
      statusUntilMs: this.now() + this.rng.range(minStart, maxStart) * 1000,
      restarts: 0,
      lastRestartMs: undefined,
      lastTerminationReason: undefined,
      memoryLimitBytes: deployment.memoryLimitBytes,
    };
    this.pods.push(pod);
    this.version++;
    return pod;
  }

  deployment(namespace: string, name: string): Deployment | undefined {
    const deployment = this.deployments.get(name);
    return deployment?.namespace === namespace ? deployment : undefined;
  }

  /** Sets the desired replicas; pods appear or terminate over the following ticks. */
  scale(name: string, replicas: number): Deployment {
    const deployment = this.deployments.get(name);
    if (!deployment) throw new Error(`no deployment ${name}`);
    if (deployment.replicas !== replicas) {
      deployment.replicas = replicas;
      deployment.generation++;
      this.version++;
      this.converge(deployment);
    }
    return deployment;
  }

  podsOf(deploymentName: string): Pod[] {
    return this.pods.filter((pod) => pod.deployment === deploymentName);
  }

  /** Pods of the deployment that are serving now. */
  readyPods(deploymentName: string): Pod[] {
    return this.pods.filter((pod) => pod.deployment === deploymentName && pod.status === 'Running');
  }

  readyCount(deploymentName: string): number {
    let count = 0;
    for (const pod of this.pods) if (pod.deployment === deploymentName && pod.status === 'Running') count++;
    return count;
  }

  /** A container dies (OOMKilled, Error): shown for a few seconds, then CrashLoopBackOff, then a restart. */
  crash(pod: Pod, reason: 'OOMKilled' | 'Error'): void {
    if (pod.status === 'Terminating') return;
    pod.restarts++;
    pod.lastRestartMs = this.now();
    pod.lastTerminationReason = reason;
    pod.status = reason;
    pod.statusUntilMs = this.now() + crashShowSeconds * 1000;
    this.version++;
  }

  /** Advances every pod's lifecycle to now and converges deployments to their replicas. */
  step(): void {
    const now = this.now();
    let removed = false;
    for (const pod of this.pods) {
      if (now < pod.statusUntilMs) continue;
      switch (pod.status) {
        case 'ContainerCreating':
          pod.status = 'Running';
          pod.statusUntilMs = Infinity;
          break;
        case 'OOMKilled':
        case 'Error': {
          // Kubelet's back-off doubles with each restart, capped at five minutes.
          const backoff = Math.min(maxBackoffSeconds, 10 * 2 ** Math.max(0, pod.restarts - 1));
          pod.status = 'CrashLoopBackOff';
          pod.statusUntilMs = now + backoff * 1000;
          break;
        }
        case 'CrashLoopBackOff': {
          const deployment = this.deployments.get(pod.deployment);
          pod.status = 'ContainerCreating';
          pod.statusUntilMs = now + (deployment ? deployment.startupSeconds[0] * 1000 : 5000);
          break;
        }
        case 'Terminating':
          removed = true;
          break;
        case 'Running':
          break;
      }
      this.version++;
    }
    if (removed) this.pods = this.pods.filter((pod) => !(pod.status === 'Terminating' && now >= pod.statusUntilMs));
    for (const deployment of this.deployments.values()) this.converge(deployment);
  }

  private converge(deployment: Deployment): void {
    const live = this.pods.filter((pod) => pod.deployment === deployment.name && pod.status !== 'Terminating');
    if (live.length < deployment.replicas) {
      for (let i = live.length; i < deployment.replicas; i++) this.newPod(deployment);
    } else if (live.length > deployment.replicas) {
      // A ReplicaSet scales down the least useful first: not-ready before ready, then the youngest.
      const rank = (pod: Pod) => (pod.status === 'Running' ? 1 : 0);
      const victims = [...live].sort((a, b) => rank(a) - rank(b) || b.createdMs - a.createdMs).slice(0, live.length - deployment.replicas);
      for (const pod of victims) {
        pod.status = 'Terminating';
        pod.statusUntilMs = this.now() + deployment.terminationGraceSeconds * 1000;
      }
      this.version++;
    }
  }
}
