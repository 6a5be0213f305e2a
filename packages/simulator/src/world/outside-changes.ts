/**
 * What others do to the world during a drill, and what they say: a teammate's deploy, a config
 * change by someone outside the drill, a message in a channel, a dependency's status page. A
 * scenario declares each as a `Happening`; this applies it where a responder would find it, so
 * a cause is never hidden and a fix never arrives unseen. The responder's own config changes go
 * into the same config history, so `agenc config history` shows who changed what, in order.
 */
import type { Happening } from '@gameday/scenarios';
import { parseConfigChanges, type ConfigKey, type ConfigValue } from './config-schema';

/** One change to the runtime config, by anyone. */
export interface ConfigChangeRecord {
  simMs: number;
  /** Who made it: a participant's name, `admin`, a team's automation, the service itself. */
  by: string;
  /** Why, where the change said so (a deploy's note, an automation's reason); empty otherwise. */
  reason: string;
  changes: Partial<Record<ConfigKey, ConfigValue>>;
  previous: Partial<Record<ConfigKey, ConfigValue>>;
}

/** A message in one of the drill's channels from outside the drill. */
export interface ChannelMessage {
  simMs: number;
  channel: string;
  from: string;
  text: string;
}

/** What a dependency's owning team last said on its status page. */
export interface DependencyStatus {
  endpoint: string;
  owner: string;
  status: 'operational' | 'degraded' | 'major_outage';
  note: string;
  updatedMs: number;
}

/** How many config changes the history keeps: the oldest go first (a flood of POSTs must not grow memory). */
export const configHistoryLimit = 500;
/** How many outside messages a drill keeps. */
export const channelMessageLimit = 200;

/** Keeps a list to `limit`, dropping the oldest. */
export function appendBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/** The parts of the world an outside change touches. */
export interface OutsideChangeTarget {
  applyConfig(changes: ReadonlyArray<readonly [ConfigKey, ConfigValue]>, origin: { by: string; reason?: string }): Partial<Record<ConfigKey, ConfigValue>>;
  rollout(deployment: string, changes: { image: string; memoryLimitBytes?: number }, changeCause: string): { fromRevision: number; revision: number };
  messages: ChannelMessage[];
  dependencyStatus: Map<string, DependencyStatus>;
  /** Restores the state store to its last known good point; returns how many records were replaced. */
  restoreState(): number;
}

/**
 * Applies one happening at `simMs`; returns what the journal notes of it. A scenario's config
 * change is checked like a responder's: a scenario that declares a key the service does not
 * have is a bug, and fails loudly.
 */
export function applyHappening(target: OutsideChangeTarget, happening: Happening, simMs: number): Record<string, unknown> {
  switch (happening.kind) {
    case 'deploy': {
      const { fromRevision, revision } = target.rollout(happening.deployment, { image: happening.image, ...(happening.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: happening.memoryLimitBytes }) }, happening.changeCause);
      return { kind: 'deploy', deployment: happening.deployment, image: happening.image, by: happening.by, fromRevision, revision };
    }
    case 'config': {
      const changes = parseConfigChanges(happening.changes);
      const previous = target.applyConfig(changes, { by: happening.by, reason: happening.reason });
      return { kind: 'config', by: happening.by, changes: Object.fromEntries(changes), previous };
    }
    case 'message':
      appendBounded(target.messages, { simMs, channel: happening.channel, from: happening.from, text: happening.text }, channelMessageLimit);
      return { kind: 'message', channel: happening.channel, from: happening.from };
    case 'restore':
      return { kind: 'restore', by: happening.by, recordsRestored: target.restoreState() };
    case 'dependency-status':
      target.dependencyStatus.set(happening.endpoint, { endpoint: happening.endpoint, owner: happening.owner, status: happening.status, note: happening.note, updatedMs: simMs });
      return { kind: 'dependency-status', endpoint: happening.endpoint, status: happening.status };
  }
}
