/**
 * The fake cluster: namespaces, nodes, deployments with their revision history (one ReplicaSet
 * per pod template), and pods. Pods are created, become ready, crash (OOMKilled, Error), back off
 * (CrashLoopBackOff), restart and terminate over simulated time; a changed template rolls out
 * the way the deployment controller does (surge and unavailability at 25%), so `kubectl get
 * pods`, `describe`, `get events` and `rollout status` tell the story of the incident.
 */
import { ClusterEvents, type InvolvedObject } from './cluster-events';
import { createRng, hashString, hashedUnit, kubeSuffixAlphabet, type Rng } from './random';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';
/** What `kubectl get pods` shows in STATUS; 'Pending' is a pod no node has taken yet (FailedScheduling). */
export type PodStatus = 'Pending' | 'ContainerCreating' | 'Running' | 'Terminating' | 'OOMKilled' | 'Error' | 'CrashLoopBackOff';
export type TerminationReason = 'OOMKilled' | 'Error';

/** A pod template's one container: what a revision fixes and `set resources`/`rollout undo` change. */
export interface PodTemplate {
  image: string;
  memoryLimitBytes: number;
  memoryRequestBytes: number;
  cpuLimitMillicores: number;
  cpuRequestMillicores: number;
}

/** One revision of a deployment: its pod template, as a ReplicaSet holds it. */
export interface ReplicaSet {
  name: string;
  uid: string;
  templateHash: string;
  template: PodTemplate;
  /** `deployment.kubernetes.io/revision`: a rollback to this template gives it the next number. */
  revision: number;
  /** `kubernetes.io/change-cause`, when the change recorded one. */
  changeCause: string | undefined;
  createdMs: number;
}

/** A container that has ended: kubectl's "Last State", and what `logs --previous` reads. */
export interface TerminatedContainer {
  reason: TerminationReason;
  exitCode: number;
  startedMs: number;
  finishedMs: number;
}

export interface Pod {
  name: string;
  namespace: string;
  deployment: string;
  labels: Record<string, string>;
  uid: string;
  /** The node it runs on; '' while it waits to be scheduled. */
  node: string;
  /** '' while it waits to be scheduled. */
  ip: string;
  createdMs: number;
  status: PodStatus;
  /** When the current status ends (container ready, back-off over, grace period over). */
  statusUntilMs: number;
  restarts: number;
  lastRestartMs: number | undefined;
  /** Crashes in a row, none after a run of `healthyRunMs`: 2 or more is a crash loop. */
  crashStreak: number;
  lastTerminationReason: TerminationReason | undefined;
  /** The template the pod was made from; a pod's spec never changes. */
  template: PodTemplate;
  templateHash: string;
  /** Equal to `template.memoryLimitBytes`, kept for the readers that predate templates. */
  memoryLimitBytes: number;
  /** When the running container started; undefined while none runs. */
  containerStartedMs: number | undefined;
  /** The container before this one, once there has been a restart. */
  lastTerminated: TerminatedContainer | undefined;
  /** The deployment's CPU integral when this container started: its own CPU time is counted from here. */
  cpuBaseline: number;
  /** A constant in [0, 1) from the uid: where the pod's GC cycle stands, how busy it runs. */
  jitter: number;
}

export interface Deployment {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  replicas: number;
  generation: number;
  createdMs: number;
  /** The pod template new pods get (`spec.template`). */
  template: PodTemplate;
  /** The pod-template-hash of the current template's ReplicaSet. */
  templateHash: string;
  /** Every kept revision, oldest first; the current one among them. */
  replicaSets: ReplicaSet[];
  /**
   * Until when no node has room for the deployment's new pods: a scale-up's pods sit Pending
   * (FailedScheduling) until capacity frees, as they do while a cluster autoscaler adds a node.
   */
  unschedulableUntilMs: number | undefined;
  /** Seconds a new container takes to become ready, min and max. */
  startupSeconds: readonly [number, number];
  terminationGraceSeconds: number;
  /** Working-set memory of one idle pod (the speculation engine's own model replaces it). */
  baseMemoryBytes: number;
  /** When the rollout to the current template began; undefined once it is complete. */
  rolloutStartedMs: number | undefined;
  /** Last time the rollout made progress: the progress deadline counts from here. */
  lastProgressMs: number;
  /** Cores each running pod uses now, set by the world from its load every tick. */
  cpuPerPod: number;
  /** CPU seconds one running pod has used since the drill began: the integral of cpuPerPod. */
  cpuSecondsPerPod: number;
}

export interface DeploymentSpec {
  name: string;
  component: string;
  /** The deployment's and its pods' labels; the service's own are `app: agenc` and their component. */
  labels?: Record<string, string>;
  replicas: number;
  template: PodTemplate;
  startupSeconds: readonly [number, number];
  terminationGraceSeconds: number;
  baseMemoryBytes: number;
}

export interface ClusterNode {
  name: string;
  uid: string;
  /** The node's internal address. */
  ip: string;
  zone: string;
  createdMs: number;
  cpuMillicores: number;
  memoryBytes: number;
}

/** What a change to a deployment's template did: the revision before, the one after, and whether an old one came back. */
export interface RolloutResult {
  deployment: Deployment;
  replicaSet: ReplicaSet;
  fromRevision: number;
  revision: number;
  /** The revision number the template had before a rollback to it gave it a new one. */
  rolledBackFrom: number | undefined;
  changed: boolean;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const template = (image: string, memoryLimitBytes: number, cpuLimitMillicores: number): PodTemplate => ({
  image,
  memoryLimitBytes,
  memoryRequestBytes: memoryLimitBytes / 2,
  cpuLimitMillicores,
  cpuRequestMillicores: cpuLimitMillicores / 2,
});

/** The speculation service's deployments in `production`, as the runbook names them. */
export const productionDeployments: readonly DeploymentSpec[] = [
  { name: 'speculation-engine', component: 'speculation', replicas: 3, template: template('agenc/speculation-engine:2.14.3', 4 * GiB, 2000), startupSeconds: [6, 14], terminationGraceSeconds: 20, baseMemoryBytes: 1.1 * GiB },
  { name: 'proof-worker', component: 'proof-worker', replicas: 8, template: template('agenc/proof-worker:2.14.3', 2 * GiB, 2000), startupSeconds: [8, 20], terminationGraceSeconds: 15, baseMemoryBytes: 720 * MiB },
  { name: 'agenc-worker', component: 'worker', replicas: 4, template: template('agenc/worker:2.14.3', 2 * GiB, 1000), startupSeconds: [5, 12], terminationGraceSeconds: 30, baseMemoryBytes: 610 * MiB },
  { name: 'agenc-gateway', component: 'gateway', replicas: 2, template: template('agenc/gateway:2.14.3', 1 * GiB, 500), startupSeconds: [3, 6], terminationGraceSeconds: 10, baseMemoryBytes: 240 * MiB },
];

export const namespaces = ['default', 'kube-system', 'production'] as const;

/** A node's size: what `kubectl top nodes` and `describe node` measure against. */
export const nodeCapacity = { cpuMillicores: 8000, memoryBytes: 32 * GiB } as const;
/** The limits `set resources` accepts: a node's allocatable memory and CPU bound them above. */
export const resourceBounds = { memoryMinBytes: 64 * MiB, memoryMaxBytes: 30 * GiB, cpuMinMillicores: 10, cpuMaxMillicores: 7500 } as const;

/** The deployment controller's defaults. */
export const rolloutPolicy = { maxSurge: 0.25, maxUnavailable: 0.25, progressDeadlineMs: 600_000, revisionHistoryLimit: 10 } as const;

const crashShowSeconds = 10;
/** How long a scale-up's pods wait for node capacity, seconds, and how often the scheduler retries them. */
export const capacityWaitSeconds = [10, 60] as const;
const schedulingRetryMs = 15_000;
const maxBackoffSeconds = 300;

/** A container that runs this long before it crashes was healthy: its crash starts a new streak. */
const healthyRunMs = 10 * 60_000;
/** A crash-looping pod that came back this recently is still in its loop, whatever it shows between restarts. */
export const crashLoopWindowMs = 3 * 60_000;

/**
 * Whether a pod is failing now (OOMKilled, Error, CrashLoopBackOff), or is in a crash loop: its
 * container has exited with an error twice or more in a row and came back less than
 * `crashLoopWindowMs` ago (or is starting again). A crash-looping pod spends part of each cycle
 * ContainerCreating and Running; its alert, like kube-state-metrics' crash-loop rules over a
 * window, must not resolve each time it comes up for a minute, while a single crash still shows
 * only the seconds it fails. (An OOM kill has its own five-minute reading, `oomKilledPods`.)
 */
export function isCrashLooping(pod: Pod, now: number): boolean {
  if (pod.status === 'OOMKilled' || pod.status === 'Error' || pod.status === 'CrashLoopBackOff') return true;
  if (pod.status === 'Terminating' || pod.lastTerminationReason !== 'Error' || pod.crashStreak < 2) return false;
  // Not started again yet (ContainerCreating after the back-off): still in the loop.
  return now - (pod.containerStartedMs ?? now) < crashLoopWindowMs;
}

/** The scheduler's words for a pod no node has room for (kube-scheduler 1.32), in its event and its PodScheduled condition. */
export function unschedulableMessage(nodes: number): string {
  return `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
}

/** Equal templates share a ReplicaSet, as equal pod-template-hashes do. */
export function sameTemplate(a: PodTemplate, b: PodTemplate): boolean {
  return a.image === b.image && a.memoryLimitBytes === b.memoryLimitBytes && a.memoryRequestBytes === b.memoryRequestBytes && a.cpuLimitMillicores === b.cpuLimitMillicores && a.cpuRequestMillicores === b.cpuRequestMillicores;
}

/** The previous releases of an image tag: 2.14.3 → 2.14.2, 2.14.1, … (then 2.13.9). */
function earlierImage(image: string, stepsBack: number): string {
  const match = /^(.*):(\d+)\.(\d+)\.(\d+)$/.exec(image);
  if (!match) return `${image}-prev${stepsBack}`;
  let [minor, patch] = [Number(match[3]), Number(match[4]) - stepsBack];
  while (patch < 0) {
    minor--;
    patch += 10;
  }
  return `${match[1]}:${match[2]}.${minor}.${patch}`;
}

export class Cluster {
  readonly deployments = new Map<string, Deployment>();
  pods: Pod[] = [];
  readonly nodes: ClusterNode[];
  readonly events: ClusterEvents;
  /** Bumped on every change, served as `resourceVersion`. */
  version = 1;
  /** Images each node has pulled: a new image is pulled once per node, then "already present". */
  private readonly nodeImages = new Map<string, Set<string>>();
  /** While the cluster is being set up: what happened before the drill left no events. */
  private seeding = true;
  /** A Pending pod's placement, drawn when it was made so a wait never moves the rng: node, IP, startup, next retry. */
  private readonly placements = new Map<Pod, { node: string; ip: string; startupMs: number; retryMs: number }>();

  /**
   * `rng` is the world's; `history` (seeded apart from it) writes the revisions that predate
   * the drill, so adding history never shifts the world's own random sequence.
   */
  constructor(
    private readonly rng: Rng,
    private readonly now: () => number,
    history: Rng = createRng(0x5eed),
  ) {
    this.events = new ClusterEvents(now);
    this.nodes = Array.from({ length: 4 }, (_, index) => {
      const name = `ip-10-0-${rng.int(1, 254)}-${rng.int(1, 254)}.ec2.internal`;
      const hash = hashString(name);
      return {
        name,
        uid: uidFromHash(name),
        ip: name.slice(3, name.indexOf('.')).replaceAll('-', '.'),
        zone: `us-east-1${'abc'[index % 3]}`,
        createdMs: -(40 + (hash % 60)) * 86_400_000,
        ...nodeCapacity,
      };
    });
    for (const spec of productionDeployments) this.addDeployment(spec, history);
    for (const pod of this.pods) this.nodeImagesOf(pod.node).add(pod.template.image);
    this.seeding = false;
  }

  /**
   * Another team's workload in `production`, on `node`: made with `rng`, a stream of its own, so
   * a drill that has it draws the world's sequence exactly as one that has not.
   */
  addWorkload(spec: DeploymentSpec, rng: Rng, node: string): Deployment {
    this.seeding = true;
    const deployment = this.addDeployment(spec, rng, rng);
    for (const pod of this.podsOf(spec.name)) {
      pod.node = node;
      this.nodeImagesOf(node).add(pod.template.image);
    }
    this.seeding = false;
    return deployment;
  }

  private addDeployment(spec: DeploymentSpec, history: Rng, rng: Rng = this.rng): Deployment {
    // Drawn in this order since the first release: a seed gives the same cluster as before.
    const uid = this.uid(rng);
    // Deployments predate the drill: they were created days ago and rolled out a few times since.
    const createdMs = -rng.int(3, 20) * 86_400_000;
    const templateHash = rng.token(10, kubeSuffixAlphabet);
    const deployment: Deployment = {
      name: spec.name,
      namespace: 'production',
      uid,
      labels: spec.labels ?? { app: 'agenc', component: spec.component },
      replicas: spec.replicas,
      generation: 1,
      createdMs,
      template: { ...spec.template },
      templateHash,
      replicaSets: [],
      startupSeconds: spec.startupSeconds,
      terminationGraceSeconds: spec.terminationGraceSeconds,
      baseMemoryBytes: spec.baseMemoryBytes,
      rolloutStartedMs: undefined,
      unschedulableUntilMs: undefined,
      lastProgressMs: createdMs,
      cpuPerPod: 0,
      cpuSecondsPerPod: 0,
    };
    this.deployments.set(spec.name, deployment);
    this.seedHistory(deployment, history);
    for (let i = 0; i < spec.replicas; i++) {
      const pod = this.newPod(deployment, rng);
      // No pod is older than the release it runs.
      pod.createdMs = Math.max(-rng.int(1, 72) * 3_600_000, this.currentReplicaSet(deployment).createdMs + 600_000);
      pod.status = 'Running';
      pod.statusUntilMs = Infinity;
      pod.containerStartedMs = pod.createdMs + spec.startupSeconds[0] * 1000;
      // The container has been busy since before the drill: its counter does not start at zero.
      pod.cpuBaseline = (pod.containerStartedMs / 1000) * 0.4;
    }
    return deployment;
  }

  /** The revisions before the drill: the current release and two or three before it, days apart. */
  private seedHistory(deployment: Deployment, history: Rng): void {
    const earlier = history.int(2, 3);
    const current = history.int(earlier + 2, 14);
    // The current release went out before the oldest pod (72 h) and after the deployment was made.
    const currentMs = Math.max(deployment.createdMs + 3_600_000, -history.int(73, 120) * 3_600_000);
    const span = currentMs - deployment.createdMs;
    for (let back = earlier; back >= 0; back--) {
      const image = back === 0 ? deployment.template.image : earlierImage(deployment.template.image, back);
      const createdMs = back === 0 ? currentMs : deployment.createdMs + Math.round((span * (earlier - back)) / (earlier + 1));
      const pipeline = history.int(40_000, 49_999);
      deployment.replicaSets.push({
        name: `${deployment.name}-${back === 0 ? deployment.templateHash : this.hashOf(deployment, { ...deployment.template, image })}`,
        uid: uidFromHash(`${deployment.name}/${image}/${pipeline}`),
        templateHash: back === 0 ? deployment.templateHash : this.hashOf(deployment, { ...deployment.template, image }),
        template: { ...deployment.template, image },
        revision: current - back,
        // The oldest kept revision predates the team's habit of recording a cause.
        changeCause: back === earlier && earlier === 3 ? undefined : `deploy ${image} (release pipeline #${pipeline})`,
        createdMs,
      });
    }
  }

  /** A pod-template-hash from the template, as the controller derives one: the same template, the same hash. */
  private hashOf(deployment: Deployment, podTemplate: PodTemplate): string {
    const text = `${deployment.name}|${podTemplate.image}|${podTemplate.memoryLimitBytes}|${podTemplate.memoryRequestBytes}|${podTemplate.cpuLimitMillicores}|${podTemplate.cpuRequestMillicores}`;
    let out = '';
    for (let round = 0; out.length < 10; round++) {
      let hash = hashString(text, 0x811c9dc5 + round);
      for (let i = 0; i < 5 && out.length < 10; i++) {
        out += kubeSuffixAlphabet[hash % kubeSuffixAlphabet.length];
        hash = Math.floor(hash / kubeSuffixAlphabet.length);
      }
    }
    return out;
  }

  private uid(rng: Rng = this.rng): string {
    const hex = rng.token(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private nodeImagesOf(node: string): Set<string> {
    let images = this.nodeImages.get(node);
    if (!images) {
      images = new Set();
      this.nodeImages.set(node, images);
    }
    return images;
  }

  private newPod(deployment: Deployment, rng: Rng = this.rng): Pod {
    const [minStart, maxStart] = deployment.startupSeconds;
    const name = `${deployment.name}-${deployment.templateHash}-${rng.token(5, kubeSuffixAlphabet)}`;
    const uid = this.uid(rng);
    const pod: Pod = {
      name,
      namespace: deployment.namespace,
      deployment: deployment.name,
      labels: { ...deployment.labels, 'pod-template-hash': deployment.templateHash },
      uid,
      node: rng.pick(this.nodes).name,
      ip: `10.244.${rng.int(0, 7)}.${rng.int(2, 250)}`,
      createdMs: this.now(),
      status: 'ContainerCreating',
      statusUntilMs: this.now() + rng.range(minStart, maxStart) * 1000,
      restarts: 0,
      lastRestartMs: undefined,
      crashStreak: 0,
      lastTerminationReason: undefined,
      template: deployment.template,
      templateHash: deployment.templateHash,
      memoryLimitBytes: deployment.template.memoryLimitBytes,
      containerStartedMs: undefined,
      lastTerminated: undefined,
      cpuBaseline: 0,
      jitter: hashString(uid) / 4294967296,
    };
    this.pods.push(pod);
    this.version++;
    if (this.seeding) return pod;
    const replicaSet = this.currentReplicaSet(deployment);
    this.event({ kind: 'ReplicaSet', name: replicaSet.name, namespace: deployment.namespace, uid: replicaSet.uid }, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.name}`, 'replicaset-controller');
    const waitUntil = deployment.unschedulableUntilMs;
    if (waitUntil !== undefined && waitUntil > this.now()) {
      this.placements.set(pod, { node: pod.node, ip: pod.ip, startupMs: pod.statusUntilMs - this.now(), retryMs: this.now() + schedulingRetryMs });
      pod.node = '';
      pod.ip = '';
      pod.status = 'Pending';
      pod.statusUntilMs = waitUntil;
      this.failedScheduling(pod);
    } else {
      this.scheduled(pod);
    }
    return pod;
  }

  /** The scheduler found no room: kubectl describe shows it under Events, folded into a count as it retries. */
  private failedScheduling(pod: Pod): void {
    this.event(podRef(pod), 'Warning', 'FailedScheduling', unschedulableMessage(this.nodes.length), 'default-scheduler');
  }

  private scheduled(pod: Pod): void {
    this.event(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`, 'default-scheduler');
    if (!this.nodeImagesOf(pod.node).has(pod.template.image)) {
      this.event(containerRef(pod), 'Normal', 'Pulling', `Pulling image "${pod.template.image}"`, 'kubelet', pod.node);
    }
  }

  /** A Pending pod's wait is over (or goes on): it lands on its node and its container starts being created. */
  private stepPending(pod: Pod, now: number): void {
    const placement = this.placements.get(pod);
    if (!placement) return;
    if (now < pod.statusUntilMs) {
      if (now >= placement.retryMs) {
        placement.retryMs = now + schedulingRetryMs;
        this.failedScheduling(pod);
      }
      return;
    }
    this.placements.delete(pod);
    pod.node = placement.node;
    pod.ip = placement.ip;
    pod.status = 'ContainerCreating';
    pod.statusUntilMs = now + placement.startupMs;
    this.version++;
    this.scheduled(pod);
  }

  private event(involved: InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void {
    this.events.record({ involved, type, reason, message, component, ...(host === undefined ? {} : { host }) });
  }

  deployment(namespace: string, name: string): Deployment | undefined {
    const deployment = this.deployments.get(name);
    return deployment?.namespace === namespace ? deployment : undefined;
  }

  /** The ReplicaSet of the deployment's current template. */
  currentReplicaSet(deployment: Deployment): ReplicaSet {
    const current = deployment.replicaSets.find((replicaSet) => replicaSet.templateHash === deployment.templateHash);
    if (!current) throw new Error(`deployment ${deployment.name} has no ReplicaSet for its template`);
    return current;
  }

  /** Sets the desired replicas; pods appear or terminate over the following ticks. */
  scale(name: string, replicas: number): Deployment {
    const deployment = this.deployments.get(name);
    if (!deployment) throw new Error(`no deployment ${name}`);
    if (deployment.replicas !== replicas) {
      // A scale-up asks for room the nodes do not have yet: the new pods wait a seeded 10-60 s,
      // drawn from the deployment's uid and generation so it never moves the world's rng.
      if (replicas > deployment.replicas) {
        const [min, max] = capacityWaitSeconds;
        const seconds = Math.round(min + (max - min) * hashedUnit(hashString(deployment.uid), deployment.generation + 1));
        deployment.unschedulableUntilMs = this.now() + seconds * 1000;
      }
      deployment.replicas = replicas;
      deployment.generation++;
      this.version++;
      this.converge(deployment);
    }
    return deployment;
  }

  /**
   * Rolls the deployment out to a changed pod template (a new image, new limits), recording a
   * change-cause; what a CI deploy, `kubectl set image` or `set resources` does. A scenario can
   * call it to ship a bad (or fixing) release. Without a cause, the new revision keeps the
   * current one's, as Kubernetes copies the deployment's annotations onto the new ReplicaSet.
   */
  rollout(name: string, changes: Partial<PodTemplate>, changeCause?: string): RolloutResult {
    const deployment = this.deployments.get(name);
    if (!deployment) throw new Error(`no deployment ${name}`);
    return this.applyTemplate(deployment, { ...deployment.template, ...changes }, changeCause);
  }

  /** `rollout undo`: back to a kept revision's template (the one before the current by default). */
  rollbackTo(name: string, toRevision?: number): RolloutResult {
    const deployment = this.deployments.get(name);
    if (!deployment) throw new Error(`no deployment ${name}`);
    const current = this.currentReplicaSet(deployment);
    const target =
      toRevision === undefined
        ? [...deployment.replicaSets].filter((replicaSet) => replicaSet !== current).sort((a, b) => b.revision - a.revision)[0]
        : deployment.replicaSets.find((replicaSet) => replicaSet.revision === toRevision);
    if (!target) throw new Error(toRevision === undefined ? `deployment ${name} has no previous revision` : `deployment ${name} has no revision ${toRevision}`);
    return this.applyTemplate(deployment, target.template, target.changeCause);
  }

  /**
   * Makes `next` the deployment's template. A template a kept ReplicaSet already has brings that
   * ReplicaSet back with the next revision number (a rollback); a new one gets a new ReplicaSet.
   * Pods roll over the following ticks.
   */
  applyTemplate(deployment: Deployment, next: PodTemplate, changeCause?: string): RolloutResult {
    const current = this.currentReplicaSet(deployment);
    const fromRevision = current.revision;
    if (sameTemplate(current.template, next)) {
      if (changeCause !== undefined && changeCause !== current.changeCause) {
        current.changeCause = changeCause;
        this.version++;
      }
      return { deployment, replicaSet: current, fromRevision, revision: fromRevision, rolledBackFrom: undefined, changed: false };
    }
    const revision = Math.max(...deployment.replicaSets.map((replicaSet) => replicaSet.revision)) + 1;
    const existing = deployment.replicaSets.find((replicaSet) => sameTemplate(replicaSet.template, next));
    const rolledBackFrom = existing?.revision;
    let replicaSet: ReplicaSet;
    if (existing) {
      existing.revision = revision;
      if (changeCause !== undefined) existing.changeCause = changeCause;
      replicaSet = existing;
    } else {
      const templateHash = this.hashOf(deployment, next);
      replicaSet = {
        name: `${deployment.name}-${templateHash}`,
        uid: uidFromHash(`${deployment.uid}/${templateHash}/${revision}`),
        templateHash,
        template: { ...next },
        revision,
        changeCause: changeCause ?? current.changeCause,
        createdMs: this.now(),
      };
      deployment.replicaSets.push(replicaSet);
    }
    deployment.template = replicaSet.template;
    deployment.templateHash = replicaSet.templateHash;
    deployment.generation++;
    deployment.rolloutStartedMs = this.now();
    deployment.lastProgressMs = this.now();
    this.pruneHistory(deployment);
    this.version++;
    this.converge(deployment);
    return { deployment, replicaSet, fromRevision, revision, rolledBackFrom, changed: true };
  }

  /** Old ReplicaSets beyond the history limit go once they have no pods left, oldest revision first. */
  private pruneHistory(deployment: Deployment): void {
    const excess = deployment.replicaSets.length - (rolloutPolicy.revisionHistoryLimit + 1);
    if (excess <= 0) return;
    const withPods = new Set(this.podsOf(deployment.name).map((pod) => pod.templateHash));
    const removable = deployment.replicaSets
      .filter((replicaSet) => replicaSet.templateHash !== deployment.templateHash && !withPods.has(replicaSet.templateHash))
      .sort((a, b) => a.revision - b.revision)
      .slice(0, excess);
    deployment.replicaSets = deployment.replicaSets.filter((replicaSet) => !removable.includes(replicaSet));
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

  node(name: string): ClusterNode | undefined {
    return this.nodes.find((node) => node.name === name);
  }

  /**
   * Sets the cores each running pod of a deployment uses this second and accrues them. Pods read
   * their own CPU from it (podCpuCores, podCpuSeconds), so a tick costs one step per deployment.
   */
  accrueCpu(deployment: Deployment, coresPerPod: number, seconds: number): void {
    deployment.cpuPerPod = coresPerPod;
    deployment.cpuSecondsPerPod += coresPerPod * seconds;
  }

  /** Cores the pod's container uses now (0 when none runs), with per-second jitter, capped at its limit. */
  podCpuCores(pod: Pod): number {
    if (pod.status !== 'Running' && pod.status !== 'Terminating') return 0;
    const perPod = this.deployments.get(pod.deployment)?.cpuPerPod ?? 0;
    const jitter = 0.8 + 0.4 * hashedUnit(Math.floor(pod.jitter * 4294967296), Math.floor(this.now() / 1000));
    return Math.min(pod.template.cpuLimitMillicores / 1000, perPod * (0.9 + 0.2 * pod.jitter) * jitter);
  }

  /** CPU seconds the pod's current container has used: cAdvisor's container_cpu_usage_seconds_total. */
  podCpuSeconds(pod: Pod): number {
    if (pod.status !== 'Running' && pod.status !== 'Terminating') return 0;
    const cumulative = this.deployments.get(pod.deployment)?.cpuSecondsPerPod ?? 0;
    return Math.max(0, (cumulative - pod.cpuBaseline) * (0.9 + 0.2 * pod.jitter));
  }

  /** Whether the rollout to the current template has been stuck past its progress deadline. */
  progressDeadlineExceeded(deployment: Deployment): boolean {
    return deployment.rolloutStartedMs !== undefined && this.now() - deployment.lastProgressMs > rolloutPolicy.progressDeadlineMs;
  }

  /** A container dies (OOMKilled, Error): shown for a few seconds, then CrashLoopBackOff, then a restart. */
  crash(pod: Pod, reason: TerminationReason): void {
    if (pod.status === 'Terminating' || pod.status === 'Pending') return;
    const now = this.now();
    // A container that had run a good while before this crash starts a new streak (as kubelet forgets its back-off).
    pod.crashStreak = now - (pod.containerStartedMs ?? pod.createdMs) >= healthyRunMs ? 1 : pod.crashStreak + 1;
    pod.restarts++;
    pod.lastRestartMs = now;
    pod.lastTerminationReason = reason;
    pod.lastTerminated = { reason, exitCode: reason === 'OOMKilled' ? 137 : 1, startedMs: pod.containerStartedMs ?? pod.createdMs, finishedMs: now };
    pod.containerStartedMs = undefined;
    pod.status = reason;
    pod.statusUntilMs = now + crashShowSeconds * 1000;
    this.version++;
    if (reason === 'OOMKilled') {
      // The kernel's OOM killer reports on the node (node-problem-detector's kernel monitor),
      // not on the pod: `kubectl get events -A` shows it; the pod shows OOMKilled in Last State.
      const node = this.node(pod.node);
      const pid = 4000 + Math.floor(hashedUnit(hashString(pod.uid), pod.restarts) * 60_000);
      const rssKb = Math.round(pod.template.memoryLimitBytes / 1024);
      this.event(
        { kind: 'Node', name: pod.node, namespace: '', uid: node?.uid ?? pod.node },
        'Warning',
        'OOMKilling',
        `Memory cgroup out of memory: Killed process ${pid} (java) total-vm:${rssKb + 2_310_144}kB, anon-rss:${rssKb - 6_144}kB, file-rss:${2_048 + (pid % 4096)}kB, shmem-rss:0kB, UID:10001 pgtables:${Math.round(rssKb / 480)}kB oom_score_adj:${pod.template.memoryRequestBytes < pod.template.memoryLimitBytes ? 984 : -997}`,
        'kernel-monitor',
        pod.node,
      );
    }
  }

  /** Advances every pod's lifecycle to now and converges deployments to their replicas. */
  step(): void {
    const now = this.now();
    let removed = false;
    for (const pod of this.pods) {
      if (pod.status === 'Pending') {
        this.stepPending(pod, now);
        continue;
      }
      if (now < pod.statusUntilMs) continue;
      switch (pod.status) {
        case 'ContainerCreating':
          pod.status = 'Running';
          pod.statusUntilMs = Infinity;
          this.started(pod, now);
          break;
        case 'OOMKilled':
        case 'Error': {
          // Kubelet's back-off doubles with each restart, capped at five minutes.
          const backoff = Math.min(maxBackoffSeconds, 10 * 2 ** Math.max(0, pod.restarts - 1));
          pod.status = 'CrashLoopBackOff';
          pod.statusUntilMs = now + backoff * 1000;
          this.event(containerRef(pod), 'Warning', 'BackOff', `Back-off restarting failed container ${pod.deployment} in pod ${pod.name}_${pod.namespace}(${pod.uid})`, 'kubelet', pod.node);
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

  /** A container is up: the kubelet's events, and progress for a rollout. */
  private started(pod: Pod, now: number): void {
    pod.containerStartedMs = now;
    pod.cpuBaseline = this.deployments.get(pod.deployment)?.cpuSecondsPerPod ?? 0;
    const images = this.nodeImagesOf(pod.node);
    if (images.has(pod.template.image)) {
      this.event(containerRef(pod), 'Normal', 'Pulled', `Container image "${pod.template.image}" already present on machine`, 'kubelet', pod.node);
    } else {
      images.add(pod.template.image);
      const seconds = (1.5 + 3 * pod.jitter).toFixed(3);
      const bytes = 180_000_000 + (hashString(pod.template.image) % 90_000_000);
      this.event(containerRef(pod), 'Normal', 'Pulled', `Successfully pulled image "${pod.template.image}" in ${seconds}s (${seconds}s including waiting). Image size: ${bytes} bytes.`, 'kubelet', pod.node);
    }
    this.event(containerRef(pod), 'Normal', 'Created', `Created container: ${pod.deployment}`, 'kubelet', pod.node);
    this.event(containerRef(pod), 'Normal', 'Started', `Started container ${pod.deployment}`, 'kubelet', pod.node);
    // A new pod's first start is progress; a crash-looping one starting again is not, so a bad
    // release passes its progress deadline as it would in Kubernetes.
    const deployment = this.deployments.get(pod.deployment);
    if (deployment?.rolloutStartedMs !== undefined && pod.templateHash === deployment.templateHash && pod.restarts === 0) deployment.lastProgressMs = now;
  }

  private terminate(pod: Pod, deployment: Deployment): void {
    if (pod.status === 'Pending') {
      // Never scheduled, no container to stop: it goes at once.
      this.placements.delete(pod);
      pod.status = 'Terminating';
      pod.statusUntilMs = this.now();
      const replicaSet = deployment.replicaSets.find((candidate) => candidate.templateHash === pod.templateHash);
      if (replicaSet) this.event({ kind: 'ReplicaSet', name: replicaSet.name, namespace: deployment.namespace, uid: replicaSet.uid }, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.name}`, 'replicaset-controller');
      return;
    }
    pod.status = 'Terminating';
    pod.statusUntilMs = this.now() + deployment.terminationGraceSeconds * 1000;
    const replicaSet = deployment.replicaSets.find((candidate) => candidate.templateHash === pod.templateHash);
    if (replicaSet) this.event({ kind: 'ReplicaSet', name: replicaSet.name, namespace: deployment.namespace, uid: replicaSet.uid }, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.name}`, 'replicaset-controller');
    this.event(containerRef(pod), 'Normal', 'Killing', `Stopping container ${pod.deployment}`, 'kubelet', pod.node);
  }

  private scaledEvent(deployment: Deployment, templateHash: string, from: number, to: number): void {
    const replicaSet = deployment.replicaSets.find((candidate) => candidate.templateHash === templateHash);
    if (!replicaSet || from === to) return;
    this.event(
      { kind: 'Deployment', name: deployment.name, namespace: deployment.namespace, uid: deployment.uid },
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${to > from ? 'up' : 'down'} replica set ${replicaSet.name} from ${from} to ${to}`,
      'deployment-controller',
    );
  }

  private converge(deployment: Deployment): void {
    const live: Pod[] = [];
    let currentCount = 0;
    for (const pod of this.pods) {
      if (pod.deployment !== deployment.name || pod.status === 'Terminating') continue;
      live.push(pod);
      if (pod.templateHash === deployment.templateHash) currentCount++;
    }
    if (currentCount === live.length) {
      this.scaleCurrent(deployment, live);
      if (deployment.rolloutStartedMs !== undefined && live.length === deployment.replicas && live.every((pod) => pod.status === 'Running')) {
        deployment.rolloutStartedMs = undefined;
        deployment.lastProgressMs = this.now();
      }
      return;
    }
    this.rollingUpdate(deployment, live, live.filter((pod) => pod.templateHash === deployment.templateHash));
  }

  /** No old pods: a ReplicaSet scaling to the deployment's replicas. */
  private scaleCurrent(deployment: Deployment, live: Pod[]): void {
    if (live.length < deployment.replicas) {
      for (let i = live.length; i < deployment.replicas; i++) this.newPod(deployment);
      this.scaledEvent(deployment, deployment.templateHash, live.length, deployment.replicas);
    } else if (live.length > deployment.replicas) {
      // A ReplicaSet scales down the least useful first: not-ready before ready, then the youngest.
      const rank = (pod: Pod) => (pod.status === 'Running' ? 1 : 0);
      const victims = [...live].sort((a, b) => rank(a) - rank(b) || b.createdMs - a.createdMs).slice(0, live.length - deployment.replicas);
      this.scaledEvent(deployment, deployment.templateHash, live.length, deployment.replicas);
      for (const pod of victims) this.terminate(pod, deployment);
      this.version++;
    }
  }

  /**
   * Old pods present: new pods up to replicas + maxSurge, old pods down while at least
   * replicas − maxUnavailable stay available; old pods that are not ready go first.
   */
  private rollingUpdate(deployment: Deployment, live: Pod[], current: Pod[]): void {
    const replicas = deployment.replicas;
    const maxSurge = Math.ceil(replicas * rolloutPolicy.maxSurge);
    // Both zero would stall the rollout; the controller then allows one unavailable.
    const maxUnavailable = Math.max(maxSurge === 0 ? 1 : 0, Math.floor(replicas * rolloutPolicy.maxUnavailable));
    const toCreate = Math.max(0, Math.min(replicas - current.length, replicas + maxSurge - live.length));
    if (toCreate > 0) {
      for (let i = 0; i < toCreate; i++) this.newPod(deployment);
      this.scaledEvent(deployment, deployment.templateHash, current.length, current.length + toCreate);
      deployment.lastProgressMs = this.now();
    }
    const old = live.filter((pod) => pod.templateHash !== deployment.templateHash);
    const available = live.filter((pod) => pod.status === 'Running').length;
    let budget = available - (replicas - maxUnavailable);
    const victims: Pod[] = [];
    for (const pod of old) if (pod.status !== 'Running') victims.push(pod);
    for (const pod of old) {
      if (pod.status === 'Running' && budget > 0) {
        victims.push(pod);
        budget--;
      }
    }
    if (victims.length === 0) return;
    const before = new Map<string, number>();
    for (const pod of old) before.set(pod.templateHash, (before.get(pod.templateHash) ?? 0) + 1);
    const removed = new Map<string, number>();
    for (const pod of victims) {
      this.terminate(pod, deployment);
      removed.set(pod.templateHash, (removed.get(pod.templateHash) ?? 0) + 1);
    }
    for (const [hash, count] of removed) this.scaledEvent(deployment, hash, before.get(hash) ?? count, (before.get(hash) ?? count) - count);
    deployment.lastProgressMs = this.now();
    this.version++;
  }
}

function podRef(pod: Pod): InvolvedObject {
  return { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid };
}

function containerRef(pod: Pod): InvolvedObject {
  return { ...podRef(pod), fieldPath: `spec.containers{${pod.deployment}}` };
}

/** A stable, uid-shaped string from a name (for objects whose uid is not drawn from the world's rng). */
export function uidFromHash(text: string): string {
  const hex = [0, 1, 2, 3].map((round) => hashString(text, 0x811c9dc5 ^ (round * 0x9e3779b9)).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
