/**
 * The world's fingerprint: what a drill is, as short hashes by part, so a drill rebuilt from its
 * inputs can be checked against the original (the checkpoints kept with the inputs) and, when
 * they differ, the log can say which part diverged: the clock, the scenario's phase, the config,
 * the cluster, the readings, the alerts, the journal or the trainee's record.
 */
import { createHash } from 'node:crypto';
import type { Drill } from './drill';

export interface WorldCheckpoint {
  /** One hash of every part. */
  fingerprint: string;
  /** Each part's hash (the clock's and the journal's as numbers). */
  parts: Record<string, string | number>;
}

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export function worldCheckpoint(drill: Drill): WorldCheckpoint {
  const world = drill.world;
  const cluster = world.cluster;
  const trainee = drill.trainee;
  const parts: Record<string, string | number> = {
    simMs: drill.clock.now(),
    phase: hash([drill.phase(), drill.faults.map((fault) => [fault.scenario.id, fault.injectedAtMs]), drill.harmfulActions()]),
    config: hash([world.config, world.draining, world.gcRuns, [...world.heapGarbage.entries()], world.integrityChecks, world.snapshotCount(), world.stuckProofCount()]),
    cluster: hash([
      [...cluster.deployments.values()].map((deployment) => [deployment.name, deployment.replicas, deployment.generation, deployment.replicaSets.map((replicaSet) => [replicaSet.revision, replicaSet.templateHash])]),
      cluster.pods.map((pod) => [pod.name, pod.status, pod.restarts]),
    ]),
    readings: hash(world.readings()),
    alerts: hash(world.alertStates()),
    journal: drill.journal.counters().total,
    // What was said on the bridge joins the hash only once there is some: drills without it keep the fingerprints they were stored with.
    trainee: hash([trainee.name, trainee.acknowledged, [...trainee.acknowledgedOthers.entries()], trainee.severities, trainee.bridgeJoinedMs, trainee.posts, trainee.escalations, trainee.mitigatedMs, trainee.resolvedMs, ...(trainee.bridgeLines.length > 0 ? [trainee.bridgeLines] : [])]),
  };
  return { fingerprint: hash(parts), parts };
}

/** The fingerprint alone: what `GET /_sim/state` shows, and what a kill-and-restart test compares. */
export function worldFingerprint(drill: Drill): string {
  return worldCheckpoint(drill).fingerprint;
}

/** The parts that differ between two checkpoints, as `name: expected → actual`. */
export function divergedParts(expected: WorldCheckpoint, actual: WorldCheckpoint): string[] {
  return Object.keys(expected.parts)
    .filter((name) => expected.parts[name] !== actual.parts[name])
    .map((name) => `${name}: ${String(expected.parts[name])} → ${String(actual.parts[name])}`);
}
