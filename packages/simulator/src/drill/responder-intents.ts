/**
 * What a responder does to the service, as intents: the same changes the admin and Kubernetes
 * APIs make, applied in-process through the same drill actions their routes call. The
 * counterfactual runs (the ideal path, a stored drill replayed from its journal) act through
 * these, so a change costs or saves exactly what it does when a request makes it. Reads change
 * nothing and are not intents; what a trainee declares (acknowledge, severity, comms) does not
 * touch the world either.
 */
import type { ActionJournal } from './action-journal';
import { changeDeployment, scaleDeployment } from './cluster-actions';
import type { Drill } from './drill';
import { clearSnapshots, changeConfig, drainSpeculation, runGc, runIntegrityCheck, snapshotStake, timeoutProofs } from './service-actions';

export type ResponderIntent =
  | { kind: 'config'; changes: Record<string, boolean | number | string> }
  | { kind: 'scale'; deployment: string; replicas: number }
  | { kind: 'drain' }
  | { kind: 'gc'; force: boolean }
  | { kind: 'clear-snapshots'; olderThanMs: number }
  | { kind: 'check-integrity'; full: boolean }
  | { kind: 'timeout-proofs'; olderThanMs: number }
  | { kind: 'stake-status' }
  /** `kubectl rollout undo`: back to `toRevision`, or the newest revision before the current one. */
  | { kind: 'rollout-undo'; deployment: string; toRevision?: number }
  /** `kubectl set resources` / `set image`: a new revision of the template with these changed. */
  | { kind: 'set-template'; deployment: string; image?: string; memoryLimitBytes?: number };

/** A journal detail nobody reads: the in-process runs keep no request entries. */
function scratchJournal(): ActionJournal {
  return { detail: {}, noteHarm: () => undefined };
}

/**
 * Applies one intent to the drill as its request would (the clock-skipping ones, drain and a
 * full integrity check, finish within the call on the virtual clock). An intent the world cannot
 * take (a deployment that does not exist, a revision it no longer keeps) changes nothing.
 */
export function applyIntent(drill: Drill, intent: ResponderIntent, by = 'responder'): void {
  const journal = scratchJournal();
  const cluster = drill.world.cluster;
  switch (intent.kind) {
    case 'config':
      changeConfig(drill, intent.changes, journal, by);
      return;
    case 'scale': {
      const deployment = cluster.deployments.get(intent.deployment);
      if (deployment) scaleDeployment(drill, deployment, intent.replicas, journal);
      return;
    }
    case 'drain':
      void drainSpeculation(drill, 0, journal);
      return;
    case 'gc':
      runGc(drill, intent.force, journal);
      return;
    case 'clear-snapshots':
      clearSnapshots(drill, intent.olderThanMs, false, journal);
      return;
    case 'check-integrity':
      void runIntegrityCheck(drill, intent.full, 0, journal);
      return;
    case 'timeout-proofs':
      timeoutProofs(drill, intent.olderThanMs, journal);
      return;
    case 'stake-status':
      snapshotStake(drill, journal);
      return;
    case 'rollout-undo': {
      const deployment = cluster.deployments.get(intent.deployment);
      if (!deployment) return;
      const current = cluster.currentReplicaSet(deployment);
      const target =
        intent.toRevision === undefined
          ? [...deployment.replicaSets].filter((replicaSet) => replicaSet !== current).sort((a, b) => b.revision - a.revision)[0]
          : deployment.replicaSets.find((replicaSet) => replicaSet.revision === intent.toRevision);
      if (target) changeDeployment(drill, deployment, { replicas: deployment.replicas, template: { ...target.template }, changeCause: target.changeCause }, journal);
      return;
    }
    case 'set-template': {
      const deployment = cluster.deployments.get(intent.deployment);
      if (!deployment) return;
      const template = { ...deployment.template, ...(intent.image === undefined ? {} : { image: intent.image }), ...(intent.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: intent.memoryLimitBytes }) };
      changeDeployment(drill, deployment, { replicas: deployment.replicas, template, changeCause: undefined }, journal);
      return;
    }
  }
}
