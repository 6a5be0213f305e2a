/** Issue 14: the cluster's revision history, rollouts, container lifecycle and events. */
import { describe, expect, it } from 'vitest';
import { Cluster, rolloutPolicy, type Pod } from './cluster';
import { createRng } from './random';

function cluster(seed = 7) {
  let nowMs = 0;
  const created = new Cluster(createRng(seed), () => nowMs, createRng(seed ^ 0x5eed5eed));
  const run = (seconds: number, each?: () => void) => {
    for (let i = 0; i < seconds; i++) {
      nowMs += 1000;
      created.step();
      each?.();
    }
  };
  return { cluster: created, run, now: () => nowMs };
}

const reasons = (target: Cluster, kind?: string) => target.events.list().filter((event) => kind === undefined || event.involved.kind === kind).map((event) => event.reason);

describe('revision history', () => {
  it('seeds each deployment with a short release history, the current 2.14.3 after 2.14.2, the same for a seed', () => {
    const { cluster: first } = cluster(21);
    const engine = first.deployments.get('speculation-engine')!;
    const revisions = [...engine.replicaSets].sort((a, b) => a.revision - b.revision);
    expect(revisions.length).toBeGreaterThanOrEqual(3);
    expect(revisions.at(-1)).toMatchObject({ templateHash: engine.templateHash, template: { image: 'agenc/speculation-engine:2.14.3' } });
    expect(revisions.at(-2)!.template.image).toBe('agenc/speculation-engine:2.14.2');
    expect(revisions.at(-1)!.revision - revisions.at(-2)!.revision).toBe(1);
    expect(revisions.at(-1)!.changeCause).toContain('agenc/speculation-engine:2.14.3');
    // Created in order, before the oldest pod, after the deployment.
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]!.createdMs).toBeGreaterThan(revisions[i - 1]!.createdMs);
    expect(Math.min(...first.podsOf('speculation-engine').map((pod) => pod.createdMs))).toBeGreaterThan(revisions.at(-1)!.createdMs);
    expect(cluster(21).cluster.deployments.get('speculation-engine')!.replicaSets).toEqual(engine.replicaSets);
    // Nothing that happened before the drill is an event now.
    expect(first.events.list()).toEqual([]);
  });
});

describe('rollouts', () => {
  it('rolls a new template out with surge, keeps enough pods available, and records the revision and cause', () => {
    const { cluster: target, run } = cluster();
    const result = target.rollout('proof-worker', { memoryLimitBytes: 3 * 1024 ** 3 }, 'raise the proof-worker memory limit to 3Gi');
    expect(result).toMatchObject({ changed: true, revision: result.fromRevision + 1, rolledBackFrom: undefined });
    const deployment = result.deployment;
    expect(deployment.template.memoryLimitBytes).toBe(3 * 1024 ** 3);
    const minAvailable = deployment.replicas - Math.floor(deployment.replicas * rolloutPolicy.maxUnavailable);
    const maxLive = deployment.replicas + Math.ceil(deployment.replicas * rolloutPolicy.maxSurge);
    const live = () => target.podsOf('proof-worker').filter((pod) => pod.status !== 'Terminating');
    run(120, () => {
      expect(target.readyCount('proof-worker')).toBeGreaterThanOrEqual(minAvailable);
      expect(live().length).toBeLessThanOrEqual(maxLive);
    });
    expect(live()).toHaveLength(8);
    expect(live().every((pod) => pod.templateHash === deployment.templateHash && pod.memoryLimitBytes === 3 * 1024 ** 3)).toBe(true);
    expect(deployment.rolloutStartedMs).toBeUndefined();
    expect(target.currentReplicaSet(deployment).changeCause).toBe('raise the proof-worker memory limit to 3Gi');
    expect(reasons(target, 'Deployment')).toContain('ScalingReplicaSet');
    expect(target.events.list().some((event) => event.message.startsWith(`Scaled up replica set ${result.replicaSet.name} from 0 to`))).toBe(true);
  });

  it('keeps the current cause on a new revision that records none, as the controller copies annotations', () => {
    const { cluster: target } = cluster();
    const before = target.currentReplicaSet(target.deployments.get('agenc-gateway')!).changeCause;
    const result = target.rollout('agenc-gateway', { cpuLimitMillicores: 800 });
    expect(result.replicaSet.changeCause).toBe(before);
  });

  it('rolls back to the previous revision by giving its ReplicaSet the next number', () => {
    const { cluster: target, run } = cluster();
    const deployment = target.deployments.get('speculation-engine')!;
    const previous = [...deployment.replicaSets].sort((a, b) => b.revision - a.revision)[1]!;
    const previousRevision = previous.revision;
    const result = target.rollbackTo('speculation-engine');
    expect(result).toMatchObject({ changed: true, rolledBackFrom: previousRevision, replicaSet: previous });
    expect(previous.revision).toBe(result.fromRevision + 1);
    expect(deployment.template.image).toBe('agenc/speculation-engine:2.14.2');
    expect(deployment.replicaSets.some((replicaSet) => replicaSet.revision === previousRevision)).toBe(false);
    run(90);
    expect(target.readyPods('speculation-engine').map((pod) => pod.template.image)).toEqual(['agenc/speculation-engine:2.14.2', 'agenc/speculation-engine:2.14.2', 'agenc/speculation-engine:2.14.2']);
    // The same template again changes nothing.
    expect(target.rollbackTo('speculation-engine', previous.revision).changed).toBe(false);
    expect(() => target.rollbackTo('speculation-engine', 999)).toThrow(/no revision 999/);
  });

  it('passes its progress deadline when the new pods never become ready', () => {
    const { cluster: target, run } = cluster();
    const deployment = target.rollout('agenc-gateway', { image: 'agenc/gateway:2.14.2' }).deployment;
    const crashNew = () => {
      for (const pod of target.podsOf('agenc-gateway')) if (pod.templateHash === deployment.templateHash && pod.status === 'Running') target.crash(pod, 'Error');
    };
    run(rolloutPolicy.progressDeadlineMs / 1000, crashNew);
    expect(target.progressDeadlineExceeded(deployment)).toBe(false);
    // The new pod started once (progress), then only crash-loops: ten minutes on, the deadline has passed.
    run(60, crashNew);
    expect(target.progressDeadlineExceeded(deployment)).toBe(true);
    expect(target.readyPods('agenc-gateway').every((pod) => pod.templateHash !== deployment.templateHash)).toBe(true);
  });
});

describe('containers and events', () => {
  it('an OOM kill leaves a last state of OOMKilled (137), a node OOMKilling event, then BackOff and a restart', () => {
    const { cluster: target, run, now } = cluster();
    const pod = target.podsOf('speculation-engine')[0]!;
    const startedMs = pod.containerStartedMs!;
    run(5);
    target.crash(pod, 'OOMKilled');
    expect(pod.lastTerminated).toEqual({ reason: 'OOMKilled', exitCode: 137, startedMs, finishedMs: now() });
    expect(pod.containerStartedMs).toBeUndefined();
    const oom = target.events.list().find((event) => event.reason === 'OOMKilling')!;
    expect(oom).toMatchObject({ namespace: 'default', type: 'Warning', component: 'kernel-monitor', involved: { kind: 'Node', name: pod.node } });
    expect(oom.message).toMatch(/^Memory cgroup out of memory: Killed process \d+ \(java\)/);
    run(60);
    expect(pod.status).toBe('Running');
    expect(pod.containerStartedMs).toBeGreaterThan(pod.lastTerminated!.finishedMs);
    expect(reasons(target, 'Pod')).toEqual(['BackOff', 'Pulled', 'Created', 'Started']);
    expect(target.events.list().find((event) => event.reason === 'Pulled')!.message).toBe('Container image "agenc/speculation-engine:2.14.3" already present on machine');
  });

  it('folds a repeated event into a count instead of a new one', () => {
    const { cluster: target, run } = cluster();
    const pod = target.podsOf('proof-worker')[0]!;
    for (let i = 0; i < 3; i++) {
      target.crash(pod, 'Error');
      for (let s = 0; s < 400 && pod.status !== 'Running'; s++) run(1);
    }
    const backOff = target.events.list().filter((event) => event.reason === 'BackOff');
    expect(backOff).toHaveLength(1);
    expect(backOff[0]).toMatchObject({ count: 3, involved: { uid: pod.uid, fieldPath: 'spec.containers{proof-worker}' } });
    expect(backOff[0]!.lastMs).toBeGreaterThan(backOff[0]!.firstMs);
  });

  it('reports a scale, the pods it creates and deletes, and a pull on a node that lacks a new image', () => {
    const { cluster: target, run } = cluster();
    target.scale('proof-worker', 10);
    expect(target.events.list().map((event) => event.message)).toContain(`Scaled up replica set ${target.currentReplicaSet(target.deployments.get('proof-worker')!).name} from 8 to 10`);
    expect(reasons(target, 'ReplicaSet')).toEqual(['SuccessfulCreate', 'SuccessfulCreate']);
    expect(reasons(target, 'Pod').filter((reason) => reason === 'Scheduled')).toHaveLength(2);
    target.scale('proof-worker', 8);
    expect(reasons(target, 'Pod')).toContain('Killing');
    expect(reasons(target, 'ReplicaSet')).toContain('SuccessfulDelete');
    target.rollout('agenc-gateway', { image: 'agenc/gateway:2.14.2' });
    run(30);
    expect(target.events.list().some((event) => event.reason === 'Pulling' && event.message === 'Pulling image "agenc/gateway:2.14.2"')).toBe(true);
    expect(target.events.list().some((event) => event.reason === 'Pulled' && event.message.startsWith('Successfully pulled image "agenc/gateway:2.14.2"'))).toBe(true);
  });

  it('accrues CPU per deployment and reads each running pod its share', () => {
    const { cluster: target, run } = cluster();
    const deployment = target.deployments.get('agenc-worker')!;
    const pod: Pod = target.podsOf('agenc-worker')[0]!;
    const before = target.podCpuSeconds(pod);
    run(10, () => target.accrueCpu(deployment, 0.5, 1));
    expect(target.podCpuSeconds(pod) - before).toBeGreaterThan(10 * 0.5 * 0.9 - 1e-9);
    expect(target.podCpuSeconds(pod) - before).toBeLessThan(10 * 0.5 * 1.1 + 1e-9);
    expect(target.podCpuCores(pod)).toBeGreaterThan(0.3);
    expect(target.podCpuCores(pod)).toBeLessThanOrEqual(pod.template.cpuLimitMillicores / 1000);
    target.crash(pod, 'Error');
    expect(target.podCpuCores(pod)).toBe(0);
    expect(target.podCpuSeconds(pod)).toBe(0);
  });
});
