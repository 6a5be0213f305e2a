/**
 * What the service's admin endpoints answer, as data: the agenc CLI renders these for people
 * (or prints them with `-o json`), the trainer UI and the checker read the same shapes.
 */
import type { Drill } from '../drill/drill';
import type { PodStatus } from './cluster';
import { proofQueueCapacity } from './world';

export type ServiceHealth = 'healthy' | 'degraded' | 'critical' | 'disabled' | 'draining';

export interface PodReport {
  name: string;
  status: PodStatus;
  ready: boolean;
  restarts: number;
  lastTerminationReason: string | null;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export interface StatusReport {
  component: 'speculation';
  status: ServiceHealth;
  reasons: string[];
  checkedAt: string;
  enabled: boolean;
  draining: boolean;
  maxDepth: number;
  rolloutPercentage: number;
  activeTasks: number;
  stuckTasks: number;
  rollbackRate: number;
  memoryRatio: number;
  snapshots: { count: number; bytes: number; oldestAgeSeconds: number };
  proofQueue: { depth: number; capacity: number; ratio: number };
  firingAlerts: string[];
  pods: PodReport[];
  /** Only with verbose: errors by reason, recent rollback causes, the whole config. */
  verbose?: {
    errors: Record<string, number>;
    rollbackCauses: Array<{ cause: string; count: number }>;
    config: Record<string, boolean | number | string>;
    operationsPending: number;
  };
}

const failing = new Set<PodStatus>(['OOMKilled', 'Error', 'CrashLoopBackOff']);

function podReports(drill: Drill, deployment: string): PodReport[] {
  const world = drill.world;
  return world.cluster.podsOf(deployment).map((pod) => ({
    name: pod.name,
    status: pod.status,
    ready: pod.status === 'Running',
    restarts: pod.restarts,
    lastTerminationReason: pod.lastTerminationReason ?? null,
    memoryBytes: Math.round(world.podMemory(pod)),
    memoryLimitBytes: pod.memoryLimitBytes,
  }));
}

function causeCounts(drill: Drill, sinceMs: number): Array<{ cause: string; count: number }> {
  const from = drill.clock.now() - sinceMs;
  const counts = new Map<string, number>();
  for (const event of drill.world.rollbackEvents) {
    if (event.simMs >= from) counts.set(event.cause, (counts.get(event.cause) ?? 0) + 1);
  }
  return [...counts].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count);
}

export function statusReport(drill: Drill, verbose: boolean): StatusReport {
  const world = drill.world;
  const readings = world.readings();
  const pods = podReports(drill, 'speculation-engine');
  const firingAlerts = world.alerts.firing();
  const reasons: string[] = [];
  if (readings.rollbackRate > 0.1) reasons.push(`rollback rate ${(readings.rollbackRate * 100).toFixed(1)}% (normal < 5%)`);
  if (readings.memoryRatio > 0.85) reasons.push(`memory at ${(readings.memoryRatio * 100).toFixed(1)}% of limit`);
  if (readings.proofQueueRatio > 0.5) reasons.push(`proof queue at ${(readings.proofQueueRatio * 100).toFixed(1)}% of capacity`);
  const notReady = pods.filter((pod) => !pod.ready);
  if (notReady.length > 0) reasons.push(`${notReady.length} of ${pods.length} speculation pods not ready (${notReady.map((pod) => pod.status).join(', ')})`);
  if (world.stuckTasks.length > 0) reasons.push(`${world.stuckTasks.length} stuck tasks`);
  if (world.integrityFailures > 0) reasons.push(`${world.integrityFailures} integrity check failures`);
  for (const alert of firingAlerts) reasons.push(`alert firing: ${alert}`);

  let status: ServiceHealth;
  if (!world.config['speculation.enabled']) status = 'disabled';
  else if (world.draining) status = 'draining';
  else if (firingAlerts.length > 0 || pods.every((pod) => !pod.ready)) status = 'critical';
  else if (reasons.length > 0) status = 'degraded';
  else status = 'healthy';

  const oldest = world.snapshots[0];
  const report: StatusReport = {
    component: 'speculation',
    status,
    reasons,
    checkedAt: drill.simDate().toISOString(),
    enabled: world.config['speculation.enabled'],
    draining: world.draining,
    maxDepth: world.config['speculation.max_depth'],
    rolloutPercentage: world.config['speculation.features.rollout_percentage'],
    activeTasks: Math.round(world.activeTasks),
    stuckTasks: world.stuckTasks.length,
    rollbackRate: Number(readings.rollbackRate.toFixed(4)),
    memoryRatio: Number(readings.memoryRatio.toFixed(4)),
    snapshots: {
      count: world.snapshotCount(),
      bytes: Math.round(world.snapshotBytesTotal()),
      oldestAgeSeconds: oldest ? Math.max(0, Math.round((drill.clock.now() - oldest.minuteMs) / 1000)) : 0,
    },
    proofQueue: { depth: Math.round(world.proofQueue), capacity: proofQueueCapacity, ratio: Number(readings.proofQueueRatio.toFixed(4)) },
    firingAlerts,
    pods,
  };
  if (verbose) {
    report.verbose = {
      errors: Object.fromEntries(Object.entries(world.errors).map(([reason, count]) => [reason, Math.floor(count)])),
      rollbackCauses: causeCounts(drill, 300_000),
      config: { ...world.config },
      operationsPending: Math.round(world.pendingOps),
    };
  }
  return report;
}

export interface StuckReport {
  thresholdMs: number;
  tasks: Array<{ id: string; ageSeconds: number; depth: number; waitingOn: string }>;
}

export function stuckReport(drill: Drill, thresholdMs: number): StuckReport {
  const now = drill.clock.now();
  return {
    thresholdMs,
    tasks: drill.world.stuckTasks
      .filter((task) => now - task.startedMs >= thresholdMs)
      .map((task) => ({ id: task.id, ageSeconds: Math.round((now - task.startedMs) / 1000), depth: task.depth, waitingOn: task.waitingOn }))
      .sort((a, b) => b.ageSeconds - a.ageSeconds),
  };
}

export interface RollbacksReport {
  sinceMs: number;
  total: number;
  completed: number;
  rollbackRate: number;
  causes: Array<{ cause: string; count: number }>;
  /** With verbose: sampled rollback events, newest first. */
  events?: Array<{ at: string; taskId: string; parentId: string | null; depth: number; cause: string }>;
}

export function rollbacksReport(drill: Drill, sinceMs: number, verbose: boolean): RollbacksReport {
  const world = drill.world;
  const from = drill.clock.now() - sinceMs;
  let total = 0;
  let completed = 0;
  for (const sample of world.history) {
    if (sample.minuteMs + 60_000 <= from) continue;
    total += sample.rolledBack;
    completed += sample.completed;
  }
  const report: RollbacksReport = {
    sinceMs,
    total: Math.round(total),
    completed: Math.round(completed),
    rollbackRate: completed < 1 ? 0 : Number((total / completed).toFixed(4)),
    causes: causeCounts(drill, sinceMs),
  };
  if (verbose) {
    report.events = world.rollbackEvents
      .filter((event) => event.simMs >= from)
      .reverse()
      .map((event) => ({ at: drill.simDate(event.simMs).toISOString(), taskId: event.taskId, parentId: event.parentId, depth: event.depth, cause: event.cause }));
  }
  return report;
}

export interface ProofWorkerReport {
  deployment: { desired: number; ready: number };
  pods: PodReport[];
  queue: { depth: number; capacity: number; ratio: number };
  stuckProofs: number;
  oldestStuckAgeSeconds: number;
  generatedTotal: number;
  failedTotal: number;
  timedOutTotal: number;
  failingPods: number;
}

export function proofWorkerReport(drill: Drill): ProofWorkerReport {
  const world = drill.world;
  const pods = podReports(drill, 'proof-worker');
  const oldest = world.stuckProofs[0];
  return {
    deployment: { desired: world.cluster.deployments.get('proof-worker')?.replicas ?? 0, ready: world.cluster.readyCount('proof-worker') },
    pods,
    queue: { depth: Math.round(world.proofQueue), capacity: proofQueueCapacity, ratio: Number((world.proofQueue / proofQueueCapacity).toFixed(4)) },
    stuckProofs: world.stuckProofCount(),
    oldestStuckAgeSeconds: oldest ? Math.round((drill.clock.now() - oldest.createdMs) / 1000) : 0,
    generatedTotal: Math.floor(world.proofsCompleted),
    failedTotal: Math.floor(world.proofsFailed),
    timedOutTotal: world.proofsTimedOut,
    failingPods: pods.filter((pod) => failing.has(pod.status)).length,
  };
}

export interface StakeReport {
  validator: string;
  at: string;
  stakedTokens: number;
  initialTokens: number;
  slashedTokens: number;
  slashingEvents: number;
  unexpectedSlashingEvents: number;
  lastSlashing: SlashingReportEvent | null;
}

export interface SlashingReportEvent {
  id: string;
  at: string;
  amount: number;
  epoch: number;
  reason: string;
  expected: boolean;
}

function slashingEvent(drill: Drill, event: Drill['world']['slashingEvents'][number]): SlashingReportEvent {
  return { id: event.id, at: drill.simDate(event.simMs).toISOString(), amount: event.amount, epoch: event.epoch, reason: event.reason, expected: event.expected };
}

export function stakeReport(drill: Drill): StakeReport {
  const world = drill.world;
  const last = world.slashingEvents[world.slashingEvents.length - 1];
  return {
    validator: world.validator,
    at: drill.simDate().toISOString(),
    stakedTokens: world.stakeTokens,
    initialTokens: world.initialStakeTokens,
    slashedTokens: world.slashedTokens,
    slashingEvents: world.slashingEvents.length,
    unexpectedSlashingEvents: world.slashingEvents.filter((event) => !event.expected).length,
    lastSlashing: last ? slashingEvent(drill, last) : null,
  };
}

export interface SlashingHistoryReport {
  sinceMs: number;
  validator: string;
  totalSlashed: number;
  events: SlashingReportEvent[];
}

export function slashingHistoryReport(drill: Drill, sinceMs: number): SlashingHistoryReport {
  const from = drill.clock.now() - sinceMs;
  const events = drill.world.slashingEvents.filter((event) => event.simMs >= from).map((event) => slashingEvent(drill, event)).reverse();
  return { sinceMs, validator: drill.world.validator, totalSlashed: events.reduce((sum, event) => sum + event.amount, 0), events };
}

export interface IntegrityReport {
  component: 'speculation';
  full: boolean;
  status: 'ok' | 'failed';
  recordsScanned: number;
  corruptedRecords: number;
  newlyFound: number;
  affectedShards: number[];
  firstCorruptionAt: string | null;
  lastKnownGoodAt: string | null;
  durationMs: number;
}

export function integrityReport(drill: Drill, full: boolean, newlyFound: number): IntegrityReport {
  const world = drill.world;
  const first = world.firstCorruptionMs;
  return {
    component: 'speculation',
    full,
    status: world.detectedCorruptRecords > 0 ? 'failed' : 'ok',
    recordsScanned: full ? 4_194_304 : 262_144,
    corruptedRecords: world.detectedCorruptRecords,
    newlyFound,
    affectedShards: full ? [...world.affectedShards].sort((a, b) => a - b) : [],
    firstCorruptionAt: first === undefined ? null : drill.simDate(first).toISOString(),
    // The last snapshot taken before the first corrupt write is the restore point.
    lastKnownGoodAt: first === undefined ? null : drill.simDate(Math.floor((first - 60_000) / 60_000) * 60_000).toISOString(),
    durationMs: full ? 42_000 : 3_000,
  };
}
