/**
 * The cluster's life beside the incident (declared in scenarios/src/red-herrings.ts): every
 * node's log volume, which grows between the hourly log rotations and, on normal and hard, fills
 * on one node until a rotation frees it; and another team's batch workload, which runs hot for a
 * while. Its timing comes from a stream of its own, seeded from the world's seed, drawn once:
 * stepping it never draws, so it never moves the world's random sequence.
 */
import { logGrowthPerHour, logRotateJob, logVolume, logVolumeAlertBelow, noisyNeighbour, planRedHerrings, type BackgroundNoise, type RedHerringPlan } from '@gameday/scenarios';
import { uidFromHash, type Cluster, type ClusterNode, type Deployment, type Pod } from './cluster';
import { createRng, hashString, hashedUnit, kubeSuffixAlphabet } from './random';

const hourMs = 3_600_000;
const MiB = 1024 ** 2;
/** What the filling volume reaches at most: the writers slow down as it fills. */
const fullestShare = 0.975;
/** Used share when the warning's condition starts holding (just past its threshold). */
const lowShare = 1 - logVolumeAlertBelow + 0.004;
/** How long the workload takes to get going and to wind down. */
const rampMs = 60_000;
/** Kubernetes' CronJob names its jobs after the scheduled minute since the Unix epoch; the drill's minute 0 stands for this one. */
const cronMinuteAtStart = 29_000_000;

export class Background {
  readonly plan: RedHerringPlan;
  /** The other team's deployment, when this drill has it. */
  readonly neighbour: Deployment | undefined;
  private nextRotationMs: number;
  private pendingCompletion: { job: string; atMs: number } | undefined;

  constructor(
    seed: number,
    readonly noise: BackgroundNoise,
    private readonly cluster: Cluster,
  ) {
    const rng = createRng((seed ^ 0x4e015e5) >>> 0);
    this.plan = planRedHerrings(() => rng.next());
    this.nextRotationMs = this.lastRotation(0) + hourMs;
    if (noise.noisyNeighbour) {
      // On a node the speculation engine runs on: that node's `top` and `describe` show both.
      const node = cluster.podsOf('speculation-engine')[0]?.node ?? cluster.nodes[0]!.name;
      this.neighbour = cluster.addWorkload(
        {
          name: noisyNeighbour.name,
          component: noisyNeighbour.name,
          labels: { ...noisyNeighbour.labels },
          replicas: 1,
          template: {
            image: noisyNeighbour.image,
            memoryLimitBytes: noisyNeighbour.memoryLimitBytes,
            memoryRequestBytes: noisyNeighbour.memoryLimitBytes / 2,
            cpuLimitMillicores: noisyNeighbour.cpuLimitMillicores,
            cpuRequestMillicores: noisyNeighbour.cpuLimitMillicores / 4,
          },
          startupSeconds: [4, 9],
          terminationGraceSeconds: 30,
          baseMemoryBytes: noisyNeighbour.idleMemoryBytes,
        },
        createRng((seed ^ 0x6e16b0) >>> 0),
        node,
      );
    }
  }

  /** The log rotation at or before `simMs`: the CronJob runs hourly, in phase with the plan's rotation. */
  private lastRotation(simMs: number): number {
    const { rotateAtMs } = this.plan.logVolume;
    return rotateAtMs + Math.floor((simMs - rotateAtMs) / hourMs) * hourMs;
  }

  /** Logs a node has written since the last rotation, and on the filling node its burst. */
  usedShare(nodeIndex: number, node: ClusterNode, simMs: number): number {
    const resting = 0.34 + 0.2 * (hashString(node.name) / 4294967296);
    const base = (at: number) => resting + (logGrowthPerHour * (at - this.lastRotation(at))) / hourMs;
    const { nodeIndex: filling, fillStartMs, lowAtMs, rotateAtMs } = this.plan.logVolume;
    if (!this.noise.logVolumeFill || nodeIndex !== filling || simMs < fillStartMs || simMs >= rotateAtMs) return base(simMs);
    // A steady burst that crosses the threshold at `lowAtMs`, then flattens near full.
    const rate = (lowShare - base(lowAtMs)) / (lowAtMs - fillStartMs);
    return Math.min(fullestShare, base(simMs) + rate * (simMs - fillStartMs));
  }

  /** node-exporter's `node_filesystem_avail_bytes` of a node's log volume. */
  availableBytes(nodeIndex: number, node: ClusterNode, simMs: number): number {
    return Math.round(logVolume.sizeBytes * (1 - this.usedShare(nodeIndex, node, simMs)));
  }

  /** The lowest share free on any node's log volume: what the warning reads. */
  lowestAvailableRatio(simMs: number): number {
    let lowest = 1;
    this.cluster.nodes.forEach((node, index) => {
      lowest = Math.min(lowest, this.availableBytes(index, node, simMs) / logVolume.sizeBytes);
    });
    return lowest;
  }

  /** The CronJob's runs, as its controllers report them (`kubectl get events -A`). */
  step(simMs: number): void {
    const pending = this.pendingCompletion;
    if (pending && simMs >= pending.atMs) {
      this.pendingCompletion = undefined;
      this.event('Job', pending.job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      this.event('CronJob', logRotateJob.cronJob, 'Normal', 'SawCompletedJob', `Saw completed job: ${pending.job}, condition: Complete`, 'cronjob-controller');
    }
    if (simMs < this.nextRotationMs) return;
    const job = `${logRotateJob.cronJob}-${cronMinuteAtStart + Math.floor(this.nextRotationMs / 60_000)}`;
    this.nextRotationMs += hourMs;
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += kubeSuffixAlphabet[Math.floor(hashedUnit(hashString(job), i) * kubeSuffixAlphabet.length)];
    this.event('CronJob', logRotateJob.cronJob, 'Normal', 'SuccessfulCreate', `Created job ${job}`, 'cronjob-controller');
    this.event('Job', job, 'Normal', 'SuccessfulCreate', `Created pod: ${job}-${suffix}`, 'job-controller');
    this.pendingCompletion = { job, atMs: simMs + logRotateJob.runsForMs };
  }

  private event(kind: 'CronJob' | 'Job', name: string, type: 'Normal', reason: string, message: string, component: string): void {
    this.cluster.events.record({ involved: { kind, name, namespace: logRotateJob.namespace, uid: uidFromHash(`${logRotateJob.namespace}/${kind}/${name}`) }, type, reason, message, component });
  }

  /** How hard the other team's workload runs now, 0 (idle) to 1 (its busy stretch). */
  private neighbourLoad(simMs: number): number {
    const { startMs, endMs } = this.plan.neighbour;
    if (simMs <= startMs || simMs >= endMs) return 0;
    return Math.min(1, (simMs - startMs) / rampMs, (endMs - simMs) / rampMs);
  }

  /** Cores each of its running pods uses this second. */
  neighbourCores(simMs: number): number {
    return noisyNeighbour.idleCores + (this.plan.neighbour.busyCores - noisyNeighbour.idleCores) * this.neighbourLoad(simMs);
  }

  /** The working set of one of its pods: idle, or holding the reindex's batches, with a small sawtooth. */
  neighbourMemory(pod: Pod, simMs: number): number {
    const load = this.neighbourLoad(simMs);
    const bytes = noisyNeighbour.idleMemoryBytes + (this.plan.neighbour.busyMemoryBytes - noisyNeighbour.idleMemoryBytes) * load;
    return bytes * (0.97 + 0.06 * pod.jitter) + 24 * MiB * (((simMs / 1000 + pod.jitter * 40) % 40) / 40);
  }
}
