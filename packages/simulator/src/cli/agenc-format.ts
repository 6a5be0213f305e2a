/** Human output of the `agenc` commands: the shapes of the admin reports, laid out for a terminal. */
import type { ChannelMessagesReport, ConfigHistoryReport, DependenciesReport } from '../drill/outside-reports';
import type {
  IntegrityReport,
  PodReport,
  ProofWorkerReport,
  RollbacksReport,
  SlashingHistoryReport,
  SlashingReportEvent,
  StakeReport,
  StatusReport,
  StuckReport,
} from '../drill/service-reports';

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

/** The integrity checker's findings, in one line: sampled scans, a check running, the last full check. */
function integrityLine(integrity: StatusReport['integrity']): string {
  const parts: string[] = [];
  const background = integrity.lastBackgroundScan;
  parts.push(
    background
      ? `background scans ${integrity.failedScans} of ${integrity.scans} failed; last ${background.at} found ${thousands(background.inconsistentRecords)} in a sample of ${thousands(background.recordsScanned)}`
      : 'no background scan yet',
  );
  if (integrity.running) parts.push(`${integrity.running.full ? 'full' : 'quick'} check running since ${integrity.running.startedAt} (result at ${integrity.running.endsAt})`);
  const full = integrity.lastFullCheck;
  parts.push(full ? `last full check ${full.finishedAt}: ${thousands(full.corruptedRecords)} corrupted records${full.affectedShards.length > 0 ? ` in ${full.affectedShards.length} shard(s)` : ''}` : 'no full check run');
  return parts.join('; ');
}

export function formatStatus(report: StatusReport): string {
  const region = report.region;
  const enabled = report.autoDisabled ? `false (${report.autoDisabled.reason}, at ${report.autoDisabled.at})` : String(report.enabled);
  const lines = [
    `Component:      ${report.component}`,
    `Status:         ${report.status.toUpperCase()}`,
    `Checked at:     ${report.checkedAt}`,
    `Region:         ${region.name} (${region.timeZone}), local time ${region.localTime}; business hours ${region.businessHoursWindow}: ${region.businessHours ? 'yes' : 'no'}`,
    `Enabled:        ${enabled}${report.draining ? ' (draining)' : ''}   max_depth=${report.maxDepth}   rollout=${report.rolloutPercentage}%`,
    `Active tasks:   ${thousands(report.activeTasks)}   stuck: ${report.stuckTasks}`,
    `Rollback rate:  ${percent(report.rollbackRate)} (last 1m)`,
    `Ops affected:   ${percent(report.operationsAffected)} of operations (rolled back, failed or waiting for a worker)`,
    `Memory:         ${percent(report.memoryRatio)} of limit (highest pod)`,
    `Snapshots:      ${thousands(report.snapshots.count)} (${formatBytes(report.snapshots.bytes)}, oldest ${formatDuration(report.snapshots.oldestAgeSeconds * 1000)})`,
    `Proof queue:    ${thousands(report.proofQueue.depth)} / ${thousands(report.proofQueue.capacity)} (${percent(report.proofQueue.ratio)})`,
    `Integrity:      ${integrityLine(report.integrity)}`,
  ];
  if (report.reasons.length > 0) lines.push('Reasons:', ...report.reasons.map((reason) => `  - ${reason}`));
  lines.push('', podRows(report.pods, true));
  if (report.verbose) {
    const verbose = report.verbose;
    lines.push('', 'Errors (total, by reason):', ...Object.entries(verbose.errors).map(([reason, count]) => `  ${reason.padEnd(20)} ${thousands(count)}`));
    lines.push('', 'Rollback reasons (last 5m, sampled):');
    if (verbose.rollbackCauses.length === 0) lines.push('  none');
    for (const cause of verbose.rollbackCauses.slice(0, 8)) lines.push(`  ${String(cause.count).padStart(6)}  ${cause.cause}`);
    lines.push('', `Operations pending: ${thousands(verbose.operationsPending)}`);
    lines.push('', `Auto-protection: ${verbose.autoProtection}`);
    lines.push('', 'Workarounds (documented):', ...(verbose.workarounds.length === 0 ? ['  none documented'] : verbose.workarounds.map((workaround) => `  ${workaround.name}: ${workaround.description}`)));
    lines.push('', 'Config:', ...Object.entries(verbose.config).map(([key, value]) => `  ${key} = ${JSON.stringify(value)}`));
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
    'Reasons (sampled):',
    ...(report.causes.length === 0 ? ['  none'] : report.causes.map((cause) => `  ${String(cause.count).padStart(6)}  ${cause.cause}`)),
  ];
  if (report.events) {
    lines.push('', table(['TIME', 'TASK', 'DEPTH', 'PARENT', 'REASON'], report.events.map((event) => [event.at, event.taskId, String(event.depth), event.parentId ?? '-', event.cause])));
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
  const kind = report.full ? 'full' : 'quick';
  if (report.status === 'running') {
    return [
      `Integrity check (${kind}) of ${report.component}: RUNNING`,
      `Started:            ${report.startedAt}, ${formatDuration(report.durationMs)} ago; reading ${thousands(report.recordsScanned)} records`,
      'The check goes on; its result shows in `agenc admin status` when it finishes.',
    ].join('\n');
  }
  const lines = [
    `Integrity check (${kind}) of ${report.component}: ${report.status === 'ok' ? 'OK' : 'FAILED'}`,
    `Records scanned:    ${thousands(report.recordsScanned)}${report.full ? '' : ' (a sample: a sixteenth of the records)'} in ${formatDuration(report.durationMs)}`,
    `Corrupted records:  ${thousands(report.corruptedRecords)}${report.full ? '' : ' in the sample'}${report.newlyFound > 0 && report.newlyFound !== report.corruptedRecords ? ` (${thousands(report.newlyFound)} more than the last full check)` : ''}`,
  ];
  if (report.status === 'failed') {
    if (report.full) lines.push(`Affected shards:    ${report.affectedShards.join(', ')}`);
    else lines.push('Affected shards:    run with --full to scan every shard');
    if (report.full) lines.push(`First corrupt write: ${report.firstCorruptionAt ?? 'unknown'}`, `Last known good:     ${report.lastKnownGoodAt ?? 'unknown'} (restore point)`);
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

/** A double sign's two commits with who signed each, as the signing log has them. */
function commitsOf(event: SlashingReportEvent): string {
  if (event.conflictingCommits.length === 0) return '-';
  return event.conflictingCommits.map((commit) => `${commit.commit.slice(0, 10)}… by ${commit.signer}${commit.task ? ` (task ${commit.task})` : ''}`).join(' vs ');
}

export function formatStake(report: StakeReport): string {
  const last = report.lastSlashing;
  return [
    `Validator:        ${report.validator}`,
    `As of:            ${report.at}`,
    `Staked:           ${thousands(report.stakedTokens)} tokens (initial ${thousands(report.initialTokens)})`,
    `Slashed (total):  ${thousands(report.slashedTokens)} tokens in ${report.slashingEvents} event(s); ${thousands(report.slashedTokensLast24h)} in the last 24h`,
    `Last slashing:    ${last ? `${last.at}  -${thousands(last.amount)}  ${last.offence} at epoch ${last.epoch}, slot ${last.slot}: ${last.evidence}` : 'none'}`,
  ].join('\n');
}

export function formatSlashingHistory(report: SlashingHistoryReport): string {
  if (report.events.length === 0) return `No slashing events for ${report.validator} in the last ${formatDuration(report.sinceMs)}.`;
  return `${report.events.length} slashing event(s) for ${report.validator} in the last ${formatDuration(report.sinceMs)}, ${thousands(report.totalSlashed)} tokens:\n${table(
    ['TIME', 'ID', 'EPOCH', 'SLOT', 'AMOUNT', 'OFFENCE', 'EVIDENCE', 'SIGNED COMMITS'],
    report.events.map((event) => [event.at, event.id, String(event.epoch), String(event.slot), `-${thousands(event.amount)}`, event.offence, event.evidence, commitsOf(event)]),
  )}`;
}

/** A config value as the config file would have it: strings bare, the rest as JSON. */
const configValue = (value: unknown) => (value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value));

/** One row per changed key (`key: old -> new`); when, who and why on the first row of each change. */
export function formatConfigHistory(report: ConfigHistoryReport): string {
  if (report.changes.length === 0) return `No config changes in the last ${formatDuration(report.sinceMs)}.`;
  const rows: string[][] = [];
  for (const change of report.changes) {
    Object.entries(change.changes).forEach(([key, value], index) => {
      const line = `${key}: ${configValue(change.previous[key])} -> ${configValue(value)}`;
      rows.push(index === 0 ? [change.at, change.by, line, change.reason || '-'] : ['', '', line, '']);
    });
  }
  return `${report.changes.length} config change(s) in the last ${formatDuration(report.sinceMs)}, newest first:\n${table(['AT', 'BY', 'CHANGE', 'REASON'], rows)}`;
}

export function formatMessages(report: ChannelMessagesReport): string {
  const where = report.channel ?? 'any channel';
  if (report.messages.length === 0) return `No messages in ${where} in the last ${formatDuration(report.sinceMs)}.`;
  return `${report.messages.length} message(s) in ${where} in the last ${formatDuration(report.sinceMs)}, oldest first:\n${table(
    ['AT', 'CHANNEL', 'FROM', 'MESSAGE'],
    report.messages.map((message) => [message.at, message.channel, message.from, message.text.replace(/\s+/g, ' ')]),
  )}`;
}

/** The dependencies as the service sees them and as their owners describe them, side by side. */
export function formatDependencies(report: DependenciesReport): string {
  const rows = report.dependencies.map((dependency) => [
    dependency.endpoint,
    dependency.owner,
    thousands(dependency.service.requestsPerMin),
    `${(dependency.service.errorRate * 100).toFixed(2)}%`,
    `${thousands(dependency.service.p99Ms)}ms`,
    dependency.statusPage ? `${dependency.statusPage.status} (${dependency.statusPage.updatedAt}): ${dependency.statusPage.note}` : '-',
  ]);
  return [
    `Dependencies of the speculation service, last minute as of ${report.at}:`,
    table(['ENDPOINT', 'OWNER', 'REQ/MIN', 'ERRORS', 'P99', 'STATUS PAGE'], rows),
    '',
    'Last client error:',
    ...report.dependencies.map((dependency) => `  ${dependency.endpoint}: ${dependency.service.lastError ?? 'none'}`),
  ].join('\n');
}
