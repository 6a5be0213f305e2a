/**
 * A deployment's revisions as `apps/v1` ReplicaSets: what `kubectl describe deployment` reads for
 * its NewReplicaSet and OldReplicaSets lines, and `rollout history` and `rollout undo` read for
 * the revisions (`deployment.kubernetes.io/revision`) and their change-causes.
 */
import type { Cluster, Deployment, ReplicaSet } from '../world/cluster';
import { rolloutPolicy } from '../world/cluster';
import { column, humanDuration, iso, podTemplateSpec, table, type KubeClock } from './kube-objects';

/** The ReplicaSet's pods now: those not terminating, and those ready. */
export function replicaSetCounts(replicaSet: ReplicaSet, cluster: Cluster, deployment: Deployment): { live: number; ready: number } {
  let live = 0;
  let ready = 0;
  for (const pod of cluster.pods) {
    if (pod.deployment !== deployment.name || pod.templateHash !== replicaSet.templateHash || pod.status === 'Terminating') continue;
    live++;
    if (pod.status === 'Running') ready++;
  }
  return { live, ready };
}

export function replicaSetObject(replicaSet: ReplicaSet, deployment: Deployment, cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const { live, ready } = replicaSetCounts(replicaSet, cluster, deployment);
  const labels = { ...deployment.labels, 'pod-template-hash': replicaSet.templateHash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSet.name,
      namespace: deployment.namespace,
      uid: replicaSet.uid,
      resourceVersion: String(resourceVersion),
      generation: 1,
      creationTimestamp: iso(clock.toWall(replicaSet.createdMs)),
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(deployment.replicas),
        'deployment.kubernetes.io/max-replicas': String(deployment.replicas + Math.ceil(deployment.replicas * rolloutPolicy.maxSurge)),
        'deployment.kubernetes.io/revision': String(replicaSet.revision),
        ...(replicaSet.changeCause === undefined ? {} : { 'kubernetes.io/change-cause': replicaSet.changeCause }),
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name, uid: deployment.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: live,
      selector: { matchLabels: labels },
      template: podTemplateSpec(deployment, replicaSet.template, replicaSet.templateHash),
    },
    status: { replicas: live, fullyLabeledReplicas: live, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
  };
}

export function replicaSetTable(items: Array<{ replicaSet: ReplicaSet; deployment: Deployment }>, cluster: Cluster, clock: KubeClock, resourceVersion: number): Record<string, unknown> {
  const columns = [
    column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    column('Containers', 'string', 'Names of each container in the template.', 1),
    column('Images', 'string', 'Images referenced by each container in the template.', 1),
    column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
  ];
  return table(
    columns,
    items.map(({ replicaSet, deployment }) => {
      const { live, ready } = replicaSetCounts(replicaSet, cluster, deployment);
      return {
        cells: [
          replicaSet.name,
          live,
          live,
          ready,
          humanDuration(clock.nowWallMs - clock.toWall(replicaSet.createdMs)),
          deployment.name,
          replicaSet.template.image,
          Object.entries({ ...deployment.labels, 'pod-template-hash': replicaSet.templateHash })
            .map(([key, value]) => `${key}=${value}`)
            .join(','),
        ],
        object: replicaSetObject(replicaSet, deployment, cluster, clock, resourceVersion),
      };
    }),
    resourceVersion,
  );
}
