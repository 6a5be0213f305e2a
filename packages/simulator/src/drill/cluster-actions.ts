/**
 * What a write to the fake Kubernetes API does to a drill: scale a deployment, roll out a new
 * pod template (`set resources`, `set image`, `rollout undo`). Each changes the cluster, notes
 * the deployment and its revisions for the journal (scoring reads them), and tells the scenario,
 * which may judge it harmful. The Kubernetes routes read and check the request (selectors,
 * patches, the API server's validation) and call these.
 */
import type { DeploymentChange } from '../kube/deployment-change';
import { formatBytes } from '../kube/quantity';
import type { Deployment, RolloutResult } from '../world/cluster';
import { noteMoment, type ActionJournal } from './action-journal';
import type { Drill } from './drill';

/** Scales a deployment to a number of replicas the caller has checked. */
export function scaleDeployment(drill: Drill, deployment: Deployment, replicas: number, journal: ActionJournal): void {
  return drill.asInput(
    () => ({ kind: 'scale', deployment: deployment.name, replicas }),
    () => {
      const previous = deployment.replicas;
      noteMoment(drill, journal);
      drill.world.cluster.scale(deployment.name, replicas);
      journal.detail.deployment = deployment.name;
      journal.detail.namespace = deployment.namespace;
      journal.detail.replicas = replicas;
      journal.detail.previousReplicas = previous;
      journal.noteHarm(drill.notify({ type: 'deployment.scaled', name: deployment.name, replicas }));
    },
  );
}

/**
 * Applies what a patched Deployment asks for: its replicas, then its pod template, which rolls
 * out as a new revision (or back to an old one) when it differs from the current one.
 */
export function changeDeployment(drill: Drill, deployment: Deployment, change: DeploymentChange, journal: ActionJournal): void {
  return drill.asInput(
    () => ({ kind: 'deployment', deployment: deployment.name, change }),
    () => {
      noteMoment(drill, journal);
      if (change.replicas !== deployment.replicas) scaleDeployment(drill, deployment, change.replicas, journal);
      const { image, memoryLimitBytes } = deployment.template;
      const result = drill.world.cluster.applyTemplate(deployment, change.template, change.changeCause);
      if (result.changed) noteRollout(drill, result, image, memoryLimitBytes, journal);
      else if (change.changeCause !== undefined) journal.detail.changeCause = change.changeCause;
    },
  );
}

/** A new template rolled out: the journal notes the revisions (scoring reads them), the scenario hears of it. */
function noteRollout(drill: Drill, result: RolloutResult, previousImage: string, previousMemoryLimitBytes: number, journal: ActionJournal): void {
  const { deployment, replicaSet } = result;
  const detail = journal.detail;
  detail.deployment = deployment.name;
  detail.namespace = deployment.namespace;
  detail.fromRevision = result.fromRevision;
  detail.toRevision = result.rolledBackFrom ?? result.revision;
  detail.revision = result.revision;
  detail.rolledBack = result.rolledBackFrom !== undefined;
  if (replicaSet.template.image !== previousImage) {
    detail.image = replicaSet.template.image;
    detail.previousImage = previousImage;
  }
  if (replicaSet.template.memoryLimitBytes !== previousMemoryLimitBytes) {
    detail.memoryLimit = formatBytes(replicaSet.template.memoryLimitBytes);
    detail.memoryLimitBytes = replicaSet.template.memoryLimitBytes;
    detail.previousMemoryLimit = formatBytes(previousMemoryLimitBytes);
    detail.memoryLimitRaised = replicaSet.template.memoryLimitBytes > previousMemoryLimitBytes;
  }
  const facts = { name: deployment.name, fromRevision: result.fromRevision, revision: result.revision, image: replicaSet.template.image, memoryLimitBytes: replicaSet.template.memoryLimitBytes };
  journal.noteHarm(
    drill.notify(result.rolledBackFrom === undefined ? { type: 'deployment.updated', ...facts } : { type: 'deployment.rolledBack', ...facts, toRevision: result.rolledBackFrom }),
  );
}
