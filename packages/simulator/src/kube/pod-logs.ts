/**
 * A container's log as the kubelet serves it (`GET …/pods/NAME/log`): the current container's
 * lines, or the previous one's with `previous=true`, narrowed by `sinceSeconds`/`sinceTime`,
 * `tailLines` and `limitBytes`, with `timestamps` prefixed on request. Refusals are worded as the
 * API server words them.
 */
import type { Pod } from '../world/cluster';
import type { LogLine } from '../world/log-stream';

export interface LogQuery {
  container?: string;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

/** A log request the API server answers with 400 BadRequest. */
export class LogRequestError extends Error {}

export interface LogContext {
  /** Simulated now. */
  nowMs: number;
  /** Simulated ms to a wall-clock Date. */
  toDate(simMs: number): Date;
  /** Wall ms to simulated ms. */
  toSim(wallMs: number): number;
}

/** The simulated time span one container of the pod lived in: the current one, or the previous. */
function containerSpan(pod: Pod, previous: boolean, nowMs: number): { fromMs: number; toMs: number } {
  const container = pod.deployment;
  const terminated = pod.lastTerminated;
  if (previous) {
    if (!terminated) throw new LogRequestError(`previous terminated container "${container}" in pod "${pod.name}" not found`);
    return { fromMs: terminated.startedMs, toMs: terminated.finishedMs };
  }
  if (pod.containerStartedMs !== undefined) return { fromMs: pod.containerStartedMs, toMs: nowMs };
  // Between a crash and the restart, the kubelet serves the container that just ended.
  if (terminated) return { fromMs: terminated.startedMs, toMs: terminated.finishedMs };
  throw new LogRequestError(`container "${container}" in pod "${pod.name}" is waiting to start: ContainerCreating`);
}

export function podLogText(pod: Pod, lines: readonly LogLine[], query: LogQuery, context: LogContext): string {
  if (query.container !== undefined && query.container !== pod.deployment) {
    throw new LogRequestError(`container ${query.container} is not valid for pod ${pod.name}`);
  }
  const span = containerSpan(pod, query.previous === true, context.nowMs);
  let fromMs = span.fromMs;
  if (query.sinceSeconds !== undefined) fromMs = Math.max(fromMs, context.nowMs - query.sinceSeconds * 1000);
  if (query.sinceTime !== undefined) {
    const wall = Date.parse(query.sinceTime);
    if (Number.isNaN(wall)) throw new LogRequestError(`sinceTime "${query.sinceTime}" is not an RFC 3339 time, such as 2025-01-31T09:30:00Z`);
    fromMs = Math.max(fromMs, context.toSim(wall));
  }
  let selected = lines.filter((line) => line.pod === pod.name && line.simMs >= fromMs && line.simMs <= span.toMs);
  if (query.tailLines !== undefined) selected = query.tailLines === 0 ? [] : selected.slice(-query.tailLines);
  let text = selected
    .map((line) => {
      const stamp = context.toDate(line.simMs).toISOString();
      // The kubelet's own timestamp (RFC 3339 with nanoseconds) goes before the application's line.
      const prefix = query.timestamps ? `${stamp.replace('Z', '000000Z')} ` : '';
      return `${prefix}${stamp} ${line.level.toUpperCase().padEnd(5)} ${line.message}\n`;
    })
    .join('');
  if (query.limitBytes !== undefined && Buffer.byteLength(text) > query.limitBytes) text = Buffer.from(text).subarray(0, query.limitBytes).toString();
  return text;
}
