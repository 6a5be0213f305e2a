/**
 * The cluster's events, as the controllers, the scheduler, the kubelet and the node's kernel
 * monitor would have reported them: appended when something happens (never per tick), repeated
 * ones folded into a count as the API server's event correlator does, bounded in number, and
 * aged out after an hour like the API server's event TTL.
 */

export type EventType = 'Normal' | 'Warning';

/** The object an event is about: a pod, replica set, deployment or node, or a CronJob and its Jobs (the log rotation). */
export interface InvolvedObject {
  kind: 'Pod' | 'ReplicaSet' | 'Deployment' | 'Node' | 'CronJob' | 'Job';
  name: string;
  /** Empty for a node (cluster-scoped). */
  namespace: string;
  uid: string;
  /** `spec.containers{name}` when the event is about one container. */
  fieldPath?: string;
}

export interface ClusterEvent {
  /** Unique and stable: `<object>.<16 hex>`, the way client-go names events. */
  name: string;
  /** Where the event is stored: the object's namespace, `default` for node events. */
  namespace: string;
  involved: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  /** The reporting component (`kubelet`, `default-scheduler`, `deployment-controller`, …). */
  component: string;
  /** The node the component runs on, for kubelet and kernel-monitor events. */
  host: string | undefined;
  firstMs: number;
  lastMs: number;
  count: number;
  /** Bumped on every change, served as the event's resourceVersion. */
  version: number;
}

export interface EventInput {
  involved: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  component: string;
  host?: string;
}

/** The API server keeps events for an hour (`--event-ttl`). */
export const eventTtlMs = 3_600_000;

export class ClusterEvents {
  private events: ClusterEvent[] = [];
  /** Same object, reason and message: one event with a count, as the correlator folds them. */
  private readonly byKey = new Map<string, ClusterEvent>();
  private sequence = 0;

  constructor(
    private readonly now: () => number,
    readonly capacity = 1000,
  ) {}

  record(input: EventInput): ClusterEvent {
    const now = this.now();
    const key = `${input.involved.uid}\u0000${input.involved.fieldPath ?? ''}\u0000${input.reason}\u0000${input.message}`;
    const existing = this.byKey.get(key);
    if (existing && now - existing.lastMs < eventTtlMs) {
      existing.count++;
      existing.lastMs = now;
      existing.version = ++this.sequence;
      return existing;
    }
    this.sequence++;
    const event: ClusterEvent = {
      // client-go's name is the object's and the time in hex nanoseconds; the sequence keeps
      // two events of one simulated millisecond apart.
      name: `${input.involved.name}.${(Math.max(0, now + 1_700_000_000_000) * 1000 + (this.sequence % 1000)).toString(16).padStart(16, '0')}`,
      namespace: input.involved.kind === 'Node' ? 'default' : input.involved.namespace,
      involved: input.involved,
      type: input.type,
      reason: input.reason,
      message: input.message,
      component: input.component,
      host: input.host,
      firstMs: now,
      lastMs: now,
      count: 1,
      version: this.sequence,
    };
    this.events.push(event);
    this.byKey.set(key, event);
    if (this.events.length > this.capacity) {
      for (const dropped of this.events.splice(0, this.events.length - this.capacity)) {
        const droppedKey = `${dropped.involved.uid}\u0000${dropped.involved.fieldPath ?? ''}\u0000${dropped.reason}\u0000${dropped.message}`;
        if (this.byKey.get(droppedKey) === dropped) this.byKey.delete(droppedKey);
      }
    }
    return event;
  }

  /** Events seen in the last hour, oldest last-seen first. */
  list(): ClusterEvent[] {
    const cutoff = this.now() - eventTtlMs;
    return this.events.filter((event) => event.lastMs >= cutoff).sort((a, b) => a.lastMs - b.lastMs || a.version - b.version);
  }

  /** The highest resourceVersion handed out. */
  get version(): number {
    return this.sequence;
  }
}
