/**
 * Where a responder reads what others did to the world: the config history (who changed what,
 * and why), the messages other teams posted in the drill's channels, and the service's
 * dependencies with their numbers and status pages. Each report shows what happened and what
 * people said; none says which of it matters.
 */
import { GamedayError } from '../core/gameday-error';
import { durationHint, durationMs } from '../clock/duration';
import type { ConfigValue } from '../world/config-schema';
import type { DependencyKind } from '../world/dependencies';
import type { DependencyStatus, MessageChannel } from '../world/outside-changes';
import type { Drill } from './drill';

/** The longest window a `since` may name: the simulator keeps no more than this. */
export const maxSinceMs = 30 * 86_400_000;

/**
 * Reads a `since` window (`10m`, `2h`, `24h`); a coded error naming the field otherwise, so a
 * rejected request says what is allowed.
 */
export function sinceWindowMs(value: string, field = 'since'): number {
  const ms = durationMs(value);
  if (ms === undefined || ms <= 0 || ms > maxSinceMs) {
    const why = ms === undefined ? 'is not a duration' : ms <= 0 ? 'is an empty window' : 'is longer than the 30d the service keeps';
    throw new GamedayError('INVALID_PARAMETER', `query field "${field}": "${value.slice(0, 40)}" ${why}; use ${durationHint}, from 1s up to 30d`, {
      field,
      allowed: ['a duration from 1s to 30d, e.g. 10m, 2h, 24h'],
    });
  }
  return ms;
}

export interface ConfigHistoryEntry {
  /** When the change was made, simulated time (ISO 8601, UTC). */
  at: string;
  /** Who made it: a participant, `admin`, a team's automation, the service itself. */
  by: string;
  /** Why, where the change said so; empty otherwise. */
  reason: string;
  changes: Record<string, ConfigValue>;
  previous: Record<string, ConfigValue>;
}

export interface ConfigHistoryReport {
  sinceMs: number;
  /** Newest first. */
  changes: ConfigHistoryEntry[];
}

/** The config changes made in the last `sinceMs`, newest first. */
export function configHistoryReport(drill: Drill, sinceMs: number): ConfigHistoryReport {
  const from = drill.clock.now() - sinceMs;
  const changes: ConfigHistoryEntry[] = [];
  const history = drill.world.configHistory;
  for (let i = history.length - 1; i >= 0; i--) {
    const record = history[i]!;
    if (record.simMs < from) break;
    changes.push({ at: drill.simDate(record.simMs).toISOString(), by: record.by, reason: record.reason, changes: { ...record.changes }, previous: { ...record.previous } });
  }
  return { sinceMs, changes };
}

export interface ChannelMessageEntry {
  at: string;
  channel: string;
  from: string;
  text: string;
}

export interface ChannelMessagesReport {
  sinceMs: number;
  channel: MessageChannel | null;
  /** Oldest first, as a channel reads. */
  messages: ChannelMessageEntry[];
}

/** The messages from outside the drill in the last `sinceMs`, in one channel or all, oldest first. */
export function channelMessagesReport(drill: Drill, sinceMs: number, channel: MessageChannel | null): ChannelMessagesReport {
  const from = drill.clock.now() - sinceMs;
  const messages = drill.world.messages
    .filter((message) => message.simMs >= from && (channel === null || message.channel === channel))
    .map((message) => ({ at: drill.simDate(message.simMs).toISOString(), channel: message.channel, from: message.from, text: message.text }));
  return { sinceMs, channel, messages };
}

export interface DependencyEntry {
  endpoint: string;
  /** The team that runs it. */
  owner: string;
  kind: DependencyKind;
  /** The last minute, as the service's own client sees it. */
  service: { requestsPerMin: number; errorRate: number; p99Ms: number; lastError: string | null };
  /** What the owning team last said on its status page; null when it has said nothing in this drill. */
  statusPage: { status: DependencyStatus['status']; note: string; updatedAt: string } | null;
}

export interface DependenciesReport {
  at: string;
  dependencies: DependencyEntry[];
}

/** Every dependency the service reads from: its numbers from the service's side and its owners' status page. */
export function dependenciesReport(drill: Drill): DependenciesReport {
  const iso = (simMs: number) => drill.simDate(simMs).toISOString();
  return {
    at: iso(drill.clock.now()),
    dependencies: drill.world.dependencies().map((dependency) => ({
      endpoint: dependency.endpoint,
      owner: dependency.owner,
      kind: dependency.kind,
      service: {
        requestsPerMin: dependency.reading.requestsPerMin,
        errorRate: dependency.reading.errorRate,
        p99Ms: dependency.reading.p99Ms,
        lastError: dependency.reading.lastError ? `${iso(dependency.reading.lastError.simMs)} ${dependency.reading.lastError.message}` : null,
      },
      statusPage: dependency.statusPage ? { status: dependency.statusPage.status, note: dependency.statusPage.note, updatedAt: iso(dependency.statusPage.updatedMs) } : null,
    })),
  };
}
