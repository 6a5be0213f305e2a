/**
 * The cluster's events as core `v1` Events (what `kubectl get events`, `kubectl events` and the
 * Events section of `describe` read) and as the Table `kubectl get events` prints.
 */
import type { ClusterEvent } from '../world/cluster-events';
import { column, humanDuration, iso, table, type KubeClock } from './kube-objects';

const apiVersions: Record<ClusterEvent['involved']['kind'], string> = { Pod: 'v1', Node: 'v1', ReplicaSet: 'apps/v1', Deployment: 'apps/v1', CronJob: 'batch/v1', Job: 'batch/v1' };

export function eventObject(event: ClusterEvent, clock: KubeClock): Record<string, unknown> {
  const involved = event.involved;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: event.name, namespace: event.namespace, uid: `${event.name.slice(-8)}-ev`, resourceVersion: String(event.version), creationTimestamp: iso(clock.toWall(event.firstMs)) },
    involvedObject: {
      kind: involved.kind,
      ...(involved.namespace === '' ? {} : { namespace: involved.namespace }),
      name: involved.name,
      uid: involved.uid,
      apiVersion: apiVersions[involved.kind],
      ...(involved.fieldPath === undefined ? {} : { fieldPath: involved.fieldPath }),
    },
    reason: event.reason,
    message: event.message,
    source: { component: event.component, ...(event.host === undefined ? {} : { host: event.host }) },
    firstTimestamp: iso(clock.toWall(event.firstMs)),
    lastTimestamp: iso(clock.toWall(event.lastMs)),
    count: event.count,
    type: event.type,
    eventTime: null,
    reportingComponent: event.component,
    reportingInstance: event.host ?? '',
  };
}

/** The field values an event list can be narrowed by (`describe` asks by involvedObject.*). */
export const eventFields: Record<string, (event: ClusterEvent) => string> = {
  'metadata.name': (event) => event.name,
  'metadata.namespace': (event) => event.namespace,
  'involvedObject.kind': (event) => event.involved.kind,
  'involvedObject.namespace': (event) => event.involved.namespace,
  'involvedObject.name': (event) => event.involved.name,
  'involvedObject.uid': (event) => event.involved.uid,
  'involvedObject.apiVersion': (event) => apiVersions[event.involved.kind],
  'involvedObject.resourceVersion': () => '',
  'involvedObject.fieldPath': (event) => event.involved.fieldPath ?? '',
  reason: (event) => event.reason,
  reportingComponent: (event) => event.component,
  source: (event) => event.component,
  type: (event) => event.type,
};

/** The columns the API server prints events with: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and more with -o wide). */
export function eventTable(events: ClusterEvent[], clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const since = (simMs: number) => humanDuration(clock.nowWallMs - clock.toWall(simMs));
  const columns = [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for this event being generated."),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'The field of the object this event is about.', 1),
    column('Source', 'string', 'The component reporting this event.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
    column('Count', 'string', 'The number of times this event has occurred.', 1),
    column('Name', 'string', 'Name must be unique within a namespace.', 1, 'name'),
  ];
  return table(
    columns,
    events.map((event) => ({
      cells: [
        event.count > 1 ? `${since(event.lastMs)} (x${event.count} over ${since(event.firstMs)})` : since(event.lastMs),
        event.type,
        event.reason,
        `${event.involved.kind.toLowerCase()}/${event.involved.name}`,
        event.involved.fieldPath ?? '',
        event.host === undefined ? event.component : `${event.component}, ${event.host}`,
        event.message,
        since(event.firstMs),
        event.count,
        event.name,
      ],
      object: eventObject(event, clock),
    })),
    resourceVersion,
  );
}
