/**
 * What the service's admin endpoints answer, as data: the agenc CLI renders these for people
 * (or prints them with `-o json`), the trainer UI and the checker read the same shapes.
 */
import { businessHoursWindow, rollbackAutoProtect, type Workaround } from '@gameday/scenarios';
import type { Drill } from './drill';
import type { PodStatus } from '../world/cluster';
import { proofQueueCapacity, quickScanRecords, stateRecords, type IntegrityScan, type IntegrityScanResult, type SignedCommit, type SlashingOffence } from '../world/world';

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

/** The service's primary region and its local time now: the runbook's business-hours question. */
export interface RegionReport {
  name: string;
  timeZone: string;
  /** e.g. `Tue 2025-03-04 10:12 UTC-5` */
  localTime: string;
  businessHours: boolean;
  businessHoursWindow: string;
}

/** What the integrity checker has found, and only that: the scope is known after a full check. */
export interface IntegrityStatus {
  /** Background scans read a sample every minute; how many of them found inconsistent records. */
  scans: number;
  failedScans: number;
  lastBackgroundScan: { at: string; recordsScanned: number; inconsistentRecords: number } | null;
  /** An on-demand check in progress. */
  running: { full: boolean; startedAt: string; endsAt: string } | null;
  /** The last full check's result: every corrupt record, and where. */
  lastFullCheck: { finishedAt: string; corruptedRecords: number; affectedShards: number[] } | null;
}

export interface StatusReport {
  component: 'speculation';
  status: ServiceHealth;
  reasons: string[];
  checkedAt: string;
  region: RegionReport;
  enabled: boolean;
  /** Set when the service turned speculation off itself (auto-protection), until someone turns it back on. */
  autoDisabled: { at: string; rollbackRate: number; reason: string } | null;
  draining: boolean;
  maxDepth: number;
  rolloutPercentage: number;
  activeTasks: number;
  stuckTasks: number;
  rollbackRate: number;
  /** Share of operations hurt now: rolled back, failed, or waiting for a worker (0..1), smoothed over a few seconds. */
  operationsAffected: number;
  memoryRatio: number;
  snapshots: { count: number; bytes: number; oldestAgeSeconds: number };
  proofQueue: { depth: number; capacity: number; ratio: number };
  integrity: IntegrityStatus;
  pods: PodReport[];
  /** Only with verbose: errors by reason, recent rollback reasons, the whole config, the safety rules and workarounds. */
  verbose?: {
    errors: Record<string, number>;
    rollbackCauses: Array<{ cause: string; count: number }>;
    config: Record<string, boolean | number | string>;
    operationsPending: number;
    /** The service's own protection, in words. */
    autoProtection: string;
    /** Documented ways for users around the current symptoms. */
    workarounds: Workaround[];
  };
}

/** The auto-protection rule as the service's docs state it. */
export const autoProtectionRule = `speculation is turned off by the service when the 1-minute rollback rate stays above ${rollbackAutoProtect.rollbackRateAbove * 100}% for ${rollbackAutoProtect.forMs / 60_000}m`;

export function regionReport(drill: Drill): RegionReport {
  const { region, local } = drill.regionNow();
  return {
    name: region.name,
    timeZone: region.timeZone,
    localTime: `${local.weekday} ${local.date} ${local.time} ${local.utcOffset}`,
    businessHours: local.businessHours,
    businessHoursWindow: businessHoursWindow.label,
  };
}

const isoOf = (drill: Drill, simMs: number) => drill.simDate(simMs).toISOString();

export function integrityStatus(drill: Drill): IntegrityStatus {
  const world = drill.world;
  const background = world.lastBackgroundScan;
  const running = world.integrityScan;
  const full = world.lastFullScan;
  return {
    scans: world.integrityChecks,
    failedScans: world.integrityFailures,
    lastBackgroundScan: background ? { at: isoOf(drill, background.finishedMs), recordsScanned: background.recordsScanned, inconsistentRecords: background.inconsistentRecords } : null,
    running: running ? { full: running.full, startedAt: isoOf(drill, running.startedMs), endsAt: isoOf(drill, running.endsMs) } : null,
    lastFullCheck: full ? { finishedAt: isoOf(drill, full.finishedMs), corruptedRecords: full.inconsistentRecords, affectedShards: full.affectedShards } : null,
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
  const reasons: string[] = [];
  if (readings.rollbackRate > 0.1) reasons.push(`rollback rate ${(readings.rollbackRate * 100).toFixed(1)}% (normal < 5%)`);
  if (readings.memoryRatio > 0.85) reasons.push(`memory at ${(readings.memoryRatio * 100).toFixed(1)}% of limit`);
  if (readings.proofQueueRatio > 0.5) reasons.push(`proof queue at ${(readings.proofQueueRatio * 100).toFixed(1)}% of capacity`);
  const notReady = pods.filter((pod) => !pod.ready);
  if (notReady.length > 0) reasons.push(`${notReady.length} of ${pods.length} speculation pods not ready (${notReady.map((pod) => pod.status).join(', ')})`);
  if (world.stuckTasks.length > 0) reasons.push(`${world.stuckTasks.length} stuck tasks`);
  const lastScan = world.lastBackgroundScan;
  if (lastScan && lastScan.inconsistentRecords > 0) reasons.push(`last integrity scan found ${lastScan.inconsistentRecords} inconsistent records in a sample of ${lastScan.recordsScanned.toLocaleString('en-US')}`);
  if (readings.operationsAffected > 0.1) reasons.push(`${(readings.operationsAffected * 100).toFixed(1)}% of operations affected`);

  // The service's own health thresholds: what it measures, never the pager's verdict.
  const critical =
    pods.every((pod) => !pod.ready) || readings.rollbackRate > 0.5 || readings.memoryRatio > 0.95 || readings.proofQueueRatio > 0.95 || (lastScan !== undefined && lastScan.inconsistentRecords > 0);
  let status: ServiceHealth;
  if (!world.config['speculation.enabled']) status = 'disabled';
  else if (world.draining) status = 'draining';
  else if (critical) status = 'critical';
  else if (reasons.length > 0) status = 'degraded';
  else status = 'healthy';
  const autoDisabled = world.autoDisabled;

  const oldest = world.snapshots[0];
  const report: StatusReport = {
    component: 'speculation',
    status,
    reasons,
    checkedAt: drill.simDate().toISOString(),
    region: regionReport(drill),
    enabled: world.config['speculation.enabled'],
    autoDisabled: autoDisabled
      ? {
          at: isoOf(drill, autoDisabled.atMs),
          rollbackRate: Number(autoDisabled.rollbackRate.toFixed(4)),
          reason: `auto-disabled by the service: rollback rate ${(autoDisabled.rollbackRate * 100).toFixed(1)}% above ${rollbackAutoProtect.rollbackRateAbove * 100}% for ${rollbackAutoProtect.forMs / 60_000}m`,
        }
      : null,
    draining: world.draining,
    maxDepth: world.config['speculation.max_depth'],
    rolloutPercentage: world.config['speculation.features.rollout_percentage'],
    activeTasks: Math.round(world.activeTasks),
    stuckTasks: world.stuckTasks.length,
    rollbackRate: Number(readings.rollbackRate.toFixed(4)),
    operationsAffected: readings.operationsAffected,
    memoryRatio: Number(readings.memoryRatio.toFixed(4)),
    snapshots: {
      count: world.snapshotCount(),
      bytes: Math.round(world.snapshotBytesTotal()),
      oldestAgeSeconds: oldest ? Math.max(0, Math.round((drill.clock.now() - oldest.minuteMs) / 1000)) : 0,
    },
    proofQueue: { depth: Math.round(world.proofQueue), capacity: proofQueueCapacity, ratio: Number(readings.proofQueueRatio.toFixed(4)) },
    integrity: integrityStatus(drill),
    pods,
  };
  if (verbose) {
    const workaround = drill.incidentFacts().workaround;
    report.verbose = {
      errors: Object.fromEntries(Object.entries(world.errors).map(([reason, count]) => [reason, Math.floor(count)])),
      rollbackCauses: causeCounts(drill, 300_000),
      config: { ...world.config },
      operationsPending: Math.round(world.pendingOps),
      autoProtection: autoProtectionRule,
      workarounds: workaround ? [workaround] : [],
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
    // Newest first by moment: events of one tick are noted at scattered moments within it.
    report.events = world.rollbackEvents
      .filter((event) => event.simMs >= from)
      .sort((a, b) => b.simMs - a.simMs)
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
  /** Tokens slashed in the last 24 hours. */
  slashedTokensLast24h: number;
  lastSlashing: SlashingReportEvent | null;
}

/** A slashing event with the chain's evidence: the offence, the slot, the conflicting commits and who signed them. */
export interface SlashingReportEvent {
  id: string;
  at: string;
  amount: number;
  epoch: number;
  slot: number;
  offence: SlashingOffence;
  evidence: string;
  conflictingCommits: SignedCommit[];
}

function slashingEvent(drill: Drill, event: Drill['world']['slashingEvents'][number]): SlashingReportEvent {
  return {
    id: event.id,
    at: drill.simDate(event.simMs).toISOString(),
    amount: event.amount,
    epoch: event.epoch,
    slot: event.slot,
    offence: event.offence,
    evidence: event.evidence,
    conflictingCommits: event.conflictingCommits.map((commit) => ({ ...commit })),
  };
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
    slashedTokensLast24h: world.readings().slashedTokensLast24h,
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
  /** `running` until the scan's simulated duration has passed; then what it found. */
  status: 'ok' | 'failed' | 'running';
  startedAt: string;
  finishedAt: string | null;
  /** Records the scan reads: every one (full), or a sixteenth (quick). */
  recordsScanned: number;
  /** Inconsistent records this scan found: every one (full), or those in its sample (quick). */
  corruptedRecords: number;
  /** A full check: how many more than the previous full check found. */
  newlyFound: number;
  affectedShards: number[];
  firstCorruptionAt: string | null;
  lastKnownGoodAt: string | null;
  durationMs: number;
}

/** An on-demand scan as `agenc admin check-integrity` reports it: running, or its result. */
export function integrityReport(drill: Drill, scan: IntegrityScan, result: IntegrityScanResult | undefined, previousFull: IntegrityScanResult | undefined): IntegrityReport {
  const full = result ? result.kind === 'full' : scan.full;
  const first = result?.firstCorruptionMs ?? null;
  const found = result?.inconsistentRecords ?? 0;
  return {
    component: 'speculation',
    full,
    status: result === undefined ? 'running' : found > 0 ? 'failed' : 'ok',
    startedAt: isoOf(drill, scan.startedMs),
    finishedAt: result ? isoOf(drill, result.finishedMs) : null,
    recordsScanned: result?.recordsScanned ?? (scan.full ? stateRecords : quickScanRecords),
    corruptedRecords: found,
    newlyFound: full && result ? Math.max(0, found - (previousFull?.inconsistentRecords ?? 0)) : 0,
    affectedShards: result?.affectedShards ?? [],
    firstCorruptionAt: first === null ? null : isoOf(drill, first),
    // The last snapshot taken before the first corrupt write is the restore point.
    lastKnownGoodAt: first === null ? null : isoOf(drill, Math.floor((first - 60_000) / 60_000) * 60_000),
    durationMs: (result?.finishedMs ?? drill.clock.now()) - scan.startedMs,
  };
}
