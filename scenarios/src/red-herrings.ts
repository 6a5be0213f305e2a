/**
 * What goes on in the cluster that is not the incident: on normal and hard a responder meets
 * things a real on-call sees in the middle of an incident and must judge unrelated. Declared
 * once, here: which difficulties have them, when they happen (drawn by the world from a stream
 * of its own, seeded from the drill's seed, so the timing varies by seed and never moves the
 * incident's), the warning alert one of them fires, and the other team's workload.
 *
 * - A node's log volume fills: container logs grow faster than usual on one node until the
 *   hourly `kube-system/log-rotate` CronJob rotates and compresses them. node-exporter's
 *   filesystem series show it, a warning fires (`for: 5m`) and resolves on its own once the
 *   job has run; `kubectl get events -A` shows the job.
 * - A noisy neighbour: another team's batch workload in `production` (`ledger-reindex`, team
 *   data-platform) on a node the speculation engine also runs on, busy for a seeded stretch:
 *   `kubectl top pods`, `describe node` and cAdvisor's series show its CPU and memory. It shares
 *   nothing with the service, so scaling it down changes nothing about the incident.
 *
 * Neither is an incident's: their alerts are not in any spec's `alertRules`, so the scorer's
 * page, the runbook checker and fast-forward (which read `alertNames(spec)`) never take one for
 * the page.
 */
import type { AlertRuleSpec } from './scenario-spec';
import type { Difficulty } from './scenario-types';

/** Which of the unrelated goings-on a drill has (a driver: combined faults have either's). */
export interface BackgroundNoise {
  /** A node's log volume fills until the hourly log rotation frees it. */
  logVolumeFill: boolean;
  /** Another team's batch workload runs hot for a while on a speculation node. */
  noisyNeighbour: boolean;
}

export const quietBackground: Readonly<BackgroundNoise> = { logVolumeFill: false, noisyNeighbour: false };

/** Easy drills are the incident alone; normal and hard have the noise a real cluster has. */
export function backgroundNoise(difficulty: Difficulty): BackgroundNoise {
  return difficulty === 'easy' ? { ...quietBackground } : { logVolumeFill: true, noisyNeighbour: true };
}

const GiB = 1024 ** 3;

/** Every node's container-log volume, as node-exporter labels it. */
export const logVolume = { mountpoint: '/var/log', device: '/dev/nvme1n1', fstype: 'xfs', sizeBytes: 100 * GiB } as const;

/** The hourly CronJob that rotates and compresses every node's container logs. */
export const logRotateJob = { namespace: 'kube-system', cronJob: 'log-rotate', runsForMs: 40_000 } as const;

/** Logs a quiet node writes between two rotations, as a share of the volume. */
export const logGrowthPerHour = 0.03;

/** The share of the log volume free below which the warning's condition holds. */
export const logVolumeAlertBelow = 0.1;

/**
 * The node-exporter style rule (node-mixin's NodeFilesystemAlmostOutOfSpace, at 10 %): a warning
 * the platform team routes to a channel, P4 by the matrix (no operation is affected). `min` keeps
 * the alert's labels the rule's own, as the simulator fires one alert for the cluster.
 */
export const logVolumeAlert: AlertRuleSpec = {
  name: 'NodeFilesystemAlmostOutOfSpace',
  severity: 'warning',
  runbookSeverity: 'P4',
  summary: 'A node filesystem has less than 10% space left',
  trigger: 'Filesystem on a node has less than 10% space left for 5 minutes',
  expr: `min(node_filesystem_avail_bytes{mountpoint="${logVolume.mountpoint}"} / node_filesystem_size_bytes{mountpoint="${logVolume.mountpoint}"}) < ${logVolumeAlertBelow}`,
  forMs: 5 * 60_000,
  holds: (readings) => readings.logVolumeAvailableRatio < logVolumeAlertBelow,
  value: (readings) => readings.logVolumeAvailableRatio,
};

/** The rules of the background, loaded beside the incidents' (the `runbook` label is the platform team's, not an incident's). */
export const redHerringAlertRules: readonly AlertRuleSpec[] = [logVolumeAlert];
export const redHerringRunbook = 'node-filesystem';

/** Another team's workload: what `kubectl get pods` lists beside the service's own. */
export const noisyNeighbour = {
  name: 'ledger-reindex',
  labels: { app: 'ledger-reindex', team: 'data-platform' },
  image: 'data-platform/ledger-reindex:0.9.4',
  cpuLimitMillicores: 4000,
  memoryLimitBytes: 8 * GiB,
  /** What it uses between runs. */
  idleCores: 0.04,
  idleMemoryBytes: 380 * 1024 ** 2,
} as const;

/** When each of the background's goings-on happens, simulated ms after the drill starts. */
export interface RedHerringPlan {
  logVolume: {
    /** Index into the cluster's nodes of the node whose volume fills. */
    nodeIndex: number;
    fillStartMs: number;
    /** When its free space goes below the alert's threshold. */
    lowAtMs: number;
    /** The log-rotate run that frees it; the CronJob runs every hour from this moment. */
    rotateAtMs: number;
  };
  neighbour: {
    startMs: number;
    endMs: number;
    /** Cores and working set it reaches while it runs. */
    busyCores: number;
    busyMemoryBytes: number;
  };
}

/**
 * The background's timing from `next` (uniform in [0, 1), the world's stream for it): every
 * number is drawn whatever the difficulty, so a drill's plan depends on its seed alone. The
 * volume fills from minute 4-20, goes low 5-9 min later, and the rotation frees it 9-16 min
 * after that, so the warning fires for 4-11 min and resolves; the neighbour runs hot for 12-25
 * min, starting at minute 3-25.
 */
export function planRedHerrings(next: () => number): RedHerringPlan {
  const between = (min: number, max: number) => Math.round((min + (max - min) * next()) * 60_000);
  const nodeIndex = Math.floor(next() * 4);
  const fillStartMs = between(4, 20);
  const lowAtMs = fillStartMs + between(5, 9);
  const rotateAtMs = lowAtMs + between(9, 16);
  const startMs = between(3, 25);
  const endMs = startMs + between(12, 25);
  const busyCores = 2.6 + 1.1 * next();
  const busyMemoryBytes = Math.round((4.5 + 2 * next()) * GiB);
  return { logVolume: { nodeIndex, fillStartMs, lowAtMs, rotateAtMs }, neighbour: { startMs, endMs, busyCores, busyMemoryBytes } };
}
