/**
 * Where a deployment's rollout stands, judged as `kubectl rollout status` judges the Deployment
 * it reads (kubectl's DeploymentStatusViewer): the server needs the same verdict to know when a
 * watch on the virtual clock has waited long enough.
 */
import type { Cluster, Deployment } from '../world/cluster';
import { deploymentCounts } from './kube-objects';

export interface RolloutStatus {
  /** Finished: every replica updated and available, or the progress deadline passed. */
  done: boolean;
  failed: boolean;
  message: string;
}

export function rolloutStatus(deployment: Deployment, cluster: Cluster): RolloutStatus {
  const name = deployment.name;
  if (cluster.progressDeadlineExceeded(deployment)) return { done: true, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  const { live, updated, ready } = deploymentCounts(deployment, cluster.podsOf(name));
  if (updated < deployment.replicas) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${deployment.replicas} new replicas have been updated...` };
  if (live > updated) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${live - updated} old replicas are pending termination...` };
  if (ready < updated) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${ready} of ${updated} updated replicas are available...` };
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}
