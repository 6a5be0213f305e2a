/** Human output of the `agenc` commands: the shapes of the admin reports, laid out for a terminal. */
import type {
  IntegrityReport,
  PodReport,
  ProofWorkerReport,
  RollbacksReport,
  SlashingHistoryReport,
  StakeReport,
  StatusReport,
  StuckReport,
} from '../world/service-reports';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const thousands = (value: number) => value.toLocaleString('en-US');

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}` : `${Math.floor(hours / 24)}d`;
}

/** Left-aligned columns, two spaces apart, like kubectl. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

function podRows(pods: PodReport[], withMemory: boolean): string {
  return table(
    withMemory ? ['NAME', 'STATUS', 'RESTARTS', 'MEMORY'] : ['NAME', 'STATUS', 'RESTARTS'],
    pods.map((pod) => {
      const row = [pod.name, pod.status, `${pod.restarts}${pod.lastTerminationReason ? ` (last: ${pod.lastTerminationReason})` : ''}`];
      if (withMemory) row.push(pod.status === 'Running' ? `${formatBytes(pod.memoryBytes)} / ${formatBytes(pod.memoryLimitBytes)} (${percent(pod.memoryBytes / pod.memoryLimitBytes)})` : '-');
      return row;
    }),
  );
}

export function formatStatus(report: StatusReport): string {
  const lines = [
    `Component:      ${report.component}`,
    `Status:         ${report.status.toUpperCase()}`,
    `Checked at:     ${report.checkedAt}`,
    `Enabled:        ${report.enabled}${report.draining ? ' (draining)' : ''}   max_depth=${report.maxDepth}   rollout=${report.rolloutPercentage}%`,
    `Active tasks:   ${thousands(report.activeTasks)}   stuck: ${report.stuckTasks}`,
    `Rollback rate:  ${percent(report.rollbackRate)} (last 1m)`,
    `Memory:         ${percent(report.memoryRatio)} of limit (highest pod)`,
    `Snapshots:      ${thousands(report.snapshots.count)} (${formatBytes(report.snapshots.bytes)}, oldest ${formatDuration(report.snapshots.oldestAgeSeconds * 1000)})`,
    `Proof queue:    ${thousands(report.proofQueue.depth)} / ${thousands(report.proofQueue.capacity)} (${percent(report.proofQueue.ratio)})`,
    `Alerts firing:  ${report.firingAlerts.length > 0 ? report.firingAlerts.join(', ') : 'none'}`,
  ];
  if (report.reasons.length > 0) lines.push('Reasons:', ...report.reasons.map((reason) => `  - ${reason}`));
  lines.push('', podRows(report.pods, true));
  if (report.verbose) {
    const verbose = report.verbose;
    lines.push('', 'Errors (total, by reason):', ...Object.entries(verbose.errors).map(([reason, count]) => `  ${reason.padEnd(20)} ${thousands(count)}`));
    lines.push('', 'Rollback causes (last 5m, sampled):');
    if (verbose.rollbackCauses.length === 0) lines.push('  none');
    for (const cause of verbose.rollbackCauses.slice(0, 8)) lines.push(`  ${String(cause.count).padStart(6)}  ${cause.cause}`);
    lines.push('', `Operations pending: ${thousands(verbose.operationsPending)}`, '', 'Config:', ...Object.entries(verbose.config).map(([key, value]) => `  ${key} = ${JSON.stringify(value)}`));
  }
  return lines.join('\n');
}

export function formatStuck(report: StuckReport): string {
  if (report.tasks.length === 0) return `No speculative tasks running longer than ${formatDuration(report.thresholdMs)}.`;
  return `${report.tasks.length} speculative task(s) running longer than ${formatDuration(report.thresholdMs)}:\n${table(
    ['TASK', 'AGE', 'DEPTH', 'WAITING ON'],
    report.tasks.map((task) => [task.id, formatDuration(task.ageSeconds * 1000), String(task.depth), task.waitingOn]),
  )}`;
}

export function formatRollbacks(report: RollbacksReport): string {
  const lines = [
    `Rollbacks in the last ${formatDuration(report.sinceMs)}: ${thousands(report.total)} of ${thousands(report.completed)} finished tasks (${percent(report.rollbackRate)})`,
    'Causes (sampled):',
    ...(report.causes.length === 0 ? ['  none'] : report.causes.map((cause) => `  ${String(cause.count).padStart(6)}  ${cause.cause}`)),
  ];
  if (report.events) {
    lines.push('', table(['TIME', 'TASK', 'DEPTH', 'PARENT', 'CAUSE'], report.events.map((event) => [event.at, event.taskId, String(event.depth), event.parentId ?? '-', event.cause])));
  }
  return lines.join('\n');
}

export function formatGc(result: { component: string; force: boolean; pods: Array<{ pod: string; beforeBytes: number; afterBytes: number }> }): string {
  const freed = result.pods.reduce((sum, pod) => sum + Math.max(0, pod.beforeBytes - pod.afterBytes), 0);
  return [
    `${result.force ? 'Forced full' : 'Normal'} GC on ${result.pods.length} ${result.component} pod(s); freed ${formatBytes(freed)}`,
    table(['POD', 'BEFORE', 'AFTER'], result.pods.map((pod) => [pod.pod, formatBytes(pod.beforeBytes), formatBytes(pod.afterBytes)])),
  ].join('\n');
}

export function formatIntegrity(report: IntegrityReport): string {
  const lines = [
    `Integrity check (${report.full ? 'full' : 'quick'}) of ${report.component}: ${report.status === 'ok' ? 'OK' : 'FAILED'}`,
    `Records scanned:    ${thousands(report.recordsScanned)} in ${formatDuration(report.durationMs)}`,
    `Corrupted records:  ${thousands(report.corruptedRecords)}${report.newlyFound > 0 ? ` (${thousands(report.newlyFound)} newly found)` : ''}`,
  ];
  if (report.status === 'failed') {
    if (report.full) lines.push(`Affected shards:    ${report.affectedShards.join(', ')}`);
    else lines.push('Affected shards:    run with --full to scan every shard');
    lines.push(`First corrupt write: ${report.firstCorruptionAt ?? 'unknown'}`, `Last known good:     ${report.lastKnownGoodAt ?? 'unknown'} (restore point)`);
  }
  return lines.join('\n');
}

export function formatSnapshotsClear(result: { removed: number; freedBytes: number; dryRun: boolean; remaining: number }, olderThanMs: number): string {
  if (result.dryRun) {
    return `Would delete ${thousands(result.removed)} snapshot(s) older than ${formatDuration(olderThanMs)} (${formatBytes(result.freedBytes)}). Nothing deleted: add --confirm to delete them.`;
  }
  return `Deleted ${thousands(result.removed)} snapshot(s) older than ${formatDuration(olderThanMs)}, freed ${formatBytes(result.freedBytes)}; ${thousands(result.remaining)} remain.`;
}

export function formatProofWorkers(report: ProofWorkerReport): string {
  return [
    `Proof workers:  ${report.deployment.ready}/${report.deployment.desired} ready${report.failingPods > 0 ? `, ${report.failingPods} failing` : ''}`,
    `Queue:          ${thousands(report.queue.depth)} / ${thousands(report.queue.capacity)} (${percent(report.queue.ratio)})`,
    `Stuck proofs:   ${thousands(report.stuckProofs)}${report.stuckProofs > 0 ? ` (oldest ${formatDuration(report.oldestStuckAgeSeconds * 1000)})` : ''}`,
    `Generated:      ${thousands(report.generatedTotal)}   rejected (queue full): ${thousands(report.failedTotal)}   timed out: ${thousands(report.timedOutTotal)}`,
    '',
    podRows(report.pods, false),
  ].join('\n');
}

export function formatProofTimeout(result: { timedOut: number; olderThanMs: number; stuckRemaining: number }): string {
  return `Timed out ${thousands(result.timedOut)} stuck proof(s) older than ${formatDuration(result.olderThanMs)}; they were requeued and their worker slots freed. ${thousands(result.stuckRemaining)} stuck proof(s) remain.`;
}

export function formatStake(report: StakeReport): string {
  return [
    `Validator:        ${report.validator}`,
    `As of:            ${report.at}`,
    `Staked:           ${thousands(report.stakedTokens)} tokens (initial ${thousands(report.initialTokens)})`,
    `Slashed (total):  ${thousands(report.slashedTokens)} tokens in ${report.slashingEvents} event(s), ${report.unexpectedSlashingEvents} unexpected`,
    `Last slashing:    ${report.lastSlashing ? `${report.lastSlashing.at}  -${thousands(report.lastSlashing.amount)}  ${report.lastSlashing.reason}${report.lastSlashing.expected ? '' : '  [UNEXPECTED]'}` : 'none'}`,
  ].join('\n');
}

export function formatSlashingHistory(report: SlashingHistoryReport): string {
  if (report.events.length === 0) return `No slashing events for ${report.validator} in the last ${formatDuration(report.sinceMs)}.`;
  return `${report.events.length} slashing event(s) for ${report.validator} in the last ${formatDuration(report.sinceMs)}, ${thousands(report.totalSlashed)} tokens:\n${table(
    ['TIME', 'ID', 'EPOCH', 'AMOUNT', 'EXPECTED', 'REASON'],
    report.events.map((event) => [event.at, event.id, String(event.epoch), `-${thousands(event.amount)}`, event.expected ? 'yes' : 'NO', event.reason]),
  )}`;
}
