/** Issue 14: the cluster's revision history, rollouts, container lifecycle and events. */
import { describe, expect, it } from 'vitest';
import { Cluster, crashLoopWindowMs, isCrashLooping, rolloutPolicy, type Pod } from './cluster';
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

  it('a crash loop stays one while its pod is up between restarts; a single crash shows only while it fails', () => {
    const { cluster: target, run, now } = cluster();
    const [single, looping] = target.podsOf('agenc-worker');
    run(5);
    // One crash: failing for its seconds of Error and back-off, then nothing once it is up again.
    target.crash(single!, 'Error');
    expect(isCrashLooping(single!, now())).toBe(true);
    run(60);
    expect(single!.status).toBe('Running');
    expect(isCrashLooping(single!, now())).toBe(false);
    // Two crashes in a row: a loop, through its restart and while it runs, until it has stayed up for the window.
    target.crash(looping!, 'Error');
    run(60);
    target.crash(looping!, 'Error');
    expect(looping!.crashStreak).toBe(2);
    run(90);
    expect(looping!.status).toBe('Running');
    expect(isCrashLooping(looping!, now())).toBe(true);
    run(Math.ceil((crashLoopWindowMs - (now() - looping!.containerStartedMs!)) / 1000));
    expect(isCrashLooping(looping!, now())).toBe(false);
    // A crash after a long healthy run starts a new streak.
    run(10 * 60);
    target.crash(looping!, 'Error');
    expect(looping!.crashStreak).toBe(1);
    // An OOM kill shows while it fails (the memory alert counts OOM kills over five minutes).
    target.crash(single!, 'OOMKilled');
    run(120);
    expect(isCrashLooping(single!, now())).toBe(false);
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
    // A scale-up waits for node capacity (at most 60 s) before its pods are scheduled.
    run(61);
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

  it('keeps a scale-up\'s new pods Pending, unscheduled with FailedScheduling, for a seeded 10-60 s, then creates their containers (issue 14 item 5)', () => {
    const waits: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { cluster: target, run, now } = cluster(seed);
      const before = new Set(target.podsOf('proof-worker').map((pod) => pod.name));
      target.scale('proof-worker', 11);
      const added = target.podsOf('proof-worker').filter((pod) => !before.has(pod.name));
      expect(added).toHaveLength(3);
      expect(added.every((pod) => pod.status === 'Pending' && pod.node === '' && pod.ip === '')).toBe(true);
      const failed = target.events.list().filter((event) => event.reason === 'FailedScheduling');
      expect(failed).toHaveLength(3);
      expect(failed[0]).toMatchObject({ type: 'Warning', component: 'default-scheduler', message: '0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.' });
      // A pending pod neither crashes nor counts as ready.
      target.crash(added[0]!, 'Error');
      expect(added[0]!.status).toBe('Pending');
      let waited = 0;
      while (added.some((pod) => pod.status === 'Pending') && waited < 120) {
        run(1);
        waited++;
      }
      expect(waited).toBeGreaterThanOrEqual(10);
      expect(waited).toBeLessThanOrEqual(60);
      waits.push(waited);
      expect(added.every((pod) => pod.status === 'ContainerCreating' && pod.node !== '' && pod.ip !== '')).toBe(true);
      // The scheduler retried while it waited: the event's count grew.
      if (waited > 15) expect(target.events.list().find((event) => event.reason === 'FailedScheduling')!.count).toBeGreaterThan(1);
      expect(target.events.list().filter((event) => event.reason === 'Scheduled' && event.lastMs === now())).toHaveLength(3);
      run(30);
      expect(target.readyCount('proof-worker')).toBe(11);
      // The same seed waits the same time.
      const again = cluster(seed);
      again.cluster.scale('proof-worker', 11);
      expect(again.cluster.podsOf('proof-worker').find((pod) => pod.status === 'Pending')!.statusUntilMs).toBe(added[0]!.createdMs + waited * 1000);
    }
    expect(new Set(waits).size).toBeGreaterThan(1);
  });

  it('deletes a pending pod at once on a scale-down, before any running one', () => {
    const { cluster: target, run } = cluster();
    target.scale('agenc-gateway', 4);
    run(1);
    target.scale('agenc-gateway', 2);
    expect(target.podsOf('agenc-gateway').filter((pod) => pod.status === 'Terminating')).toHaveLength(2);
    run(1);
    expect(target.podsOf('agenc-gateway').map((pod) => pod.status)).toEqual(['Running', 'Running']);
    expect(reasons(target, 'Pod')).not.toContain('Killing');
  });

  it('rolls a 3-replica deployment one pod at a time: never a fourth extra pod, never one fewer ready (issue 14 item 5)', () => {
    const { cluster: target, run } = cluster(11);
    target.rollout('speculation-engine', { image: 'agenc/speculation-engine:2.14.4' }, 'deploy 2.14.4');
    const hash = target.deployments.get('speculation-engine')!.templateHash;
    const live = () => target.podsOf('speculation-engine').filter((pod) => pod.status !== 'Terminating');
    let newPodsAtOnce = 0;
    run(180, () => {
      expect(live().length).toBeLessThanOrEqual(4);
      expect(target.readyCount('speculation-engine')).toBeGreaterThanOrEqual(3);
      newPodsAtOnce = Math.max(newPodsAtOnce, live().filter((pod) => pod.templateHash === hash && pod.status !== 'Running').length);
    });
    expect(newPodsAtOnce).toBe(1);
    expect(live().every((pod) => pod.templateHash === hash && pod.status === 'Running')).toBe(true);
  });
});

