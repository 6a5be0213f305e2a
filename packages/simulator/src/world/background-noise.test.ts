/**
 * Issue 14 item 5: on normal and hard, a real red herring. A node's log volume fills and the
 * hourly log rotation frees it (a warning that fires and resolves on its own, at a moment that
 * varies by seed), and another team's batch workload runs hot on a speculation node; on easy
 * neither. Neither moves anything of the incident.
 */
import { describe, expect, it } from 'vitest';
import { backgroundNoise, healthyDrivers, logVolume, logVolumeAlert, noisyNeighbour, type Difficulty, type Drivers, type Readings } from '@gameday/scenarios';
import { World } from './world';

const GiB = 1024 ** 3;

/** A world of `seed` with the background of `difficulty`, on a clock of its own. */
function world(seed: number, difficulty: Difficulty, extra: Partial<Drivers> = {}) {
  let now = 0;
  const drivers: Drivers = { ...healthyDrivers, ...extra, background: backgroundNoise(difficulty) };
  const built = new World({ seed, now: () => now }, drivers);
  const transitions: Array<{ name: string; to: string; atMs: number }> = [];
  built.alerts.onTransition(({ alert, to }) => transitions.push({ name: alert.name, to, atMs: now }));
  const runTo = (ms: number, each?: () => void) => {
    while (now < ms) {
      now += 1000;
      built.step(drivers);
      each?.();
    }
  };
  return { world: built, transitions, runTo, now: () => now };
}

const seeds = [1, 2, 3, 4, 5, 6];

describe('the log volume red herring', () => {
  it.each(['normal', 'hard'] as const)('on %s, fires after its for: and resolves on its own once the log rotation has run, at a seeded moment', (difficulty) => {
    const firedAt = new Set<number>();
    for (const seed of seeds) {
      const { world: w, transitions, runTo } = world(seed, difficulty);
      runTo(60 * 60_000);
      const own = transitions.filter((transition) => transition.name === logVolumeAlert.name);
      expect(own.map((transition) => transition.to), `seed ${seed}`).toEqual(['firing', 'resolved']);
      const { lowAtMs, rotateAtMs } = w.background.plan.logVolume;
      expect(own[0]!.atMs).toBeGreaterThanOrEqual(lowAtMs - 60_000 + logVolumeAlert.forMs);
      expect(own[1]!.atMs).toBe(Math.ceil(rotateAtMs / 1000) * 1000);
      firedAt.add(own[0]!.atMs);
      // The job that freed it is in the cluster's events, where `kubectl get events -A` finds it.
      const job = w.cluster.events.list().filter((event) => event.involved.namespace === 'kube-system' && event.involved.kind === 'Job');
      expect(job.map((event) => event.reason)).toEqual(['SuccessfulCreate', 'Completed']);
      expect(job[0]!.message).toMatch(/^Created pod: log-rotate-\d+-[a-z0-9]{5}$/);
      expect(w.readings().logVolumeAvailableRatio).toBeGreaterThan(0.4);
    }
    expect(firedAt.size).toBeGreaterThan(3);
  });

  it("never fires on easy (quiet, as the baseline's drivers are), though the volumes grow and rotate", () => {
    for (const seed of seeds) {
      const { world: w, transitions, runTo } = world(seed, 'easy');
      let lowest = 1;
      runTo(90 * 60_000, () => (lowest = Math.min(lowest, w.readings().logVolumeAvailableRatio)));
      expect(transitions).toEqual([]);
      expect(lowest).toBeGreaterThan(0.3);
      expect(w.cluster.events.list().some((event) => event.message.startsWith('Created job log-rotate-'))).toBe(true);
    }
  });

  it("reads one node's volume: the others stay where their logs are", () => {
    const { world: w, runTo } = world(4, 'normal');
    const plan = w.background.plan.logVolume;
    runTo(plan.lowAtMs + 60_000);
    const free = w.cluster.nodes.map((node, index) => w.background.availableBytes(index, node, plan.lowAtMs + 60_000) / logVolume.sizeBytes);
    expect(free.filter((share) => share < 0.1)).toHaveLength(1);
    expect(free[plan.nodeIndex]).toBeLessThan(0.1);
  });
});

describe('the noisy neighbour', () => {
  it.each(['normal', 'hard'] as const)("on %s, another team's workload runs on a speculation node, hot for a seeded stretch, idle around it", (difficulty) => {
    const starts = new Set<number>();
    for (const seed of seeds) {
      const { world: w, runTo } = world(seed, difficulty);
      const deployment = w.cluster.deployments.get(noisyNeighbour.name)!;
      expect(deployment.labels).toEqual(noisyNeighbour.labels);
      const [pod] = w.cluster.podsOf(noisyNeighbour.name);
      expect(w.cluster.podsOf('speculation-engine').map((spec) => spec.node)).toContain(pod!.node);
      const { startMs, endMs } = w.background.plan.neighbour;
      starts.add(startMs);
      runTo(startMs - 1000);
      expect(w.cluster.podCpuCores(pod!)).toBeLessThan(0.1);
      expect(w.podMemory(pod!)).toBeLessThan(0.5 * GiB);
      runTo(Math.round((startMs + endMs) / 2));
      expect(w.cluster.podCpuCores(pod!)).toBeGreaterThan(2);
      expect(w.podMemory(pod!)).toBeGreaterThan(4 * GiB);
      runTo(endMs + 2000);
      expect(w.cluster.podCpuCores(pod!)).toBeLessThan(0.1);
    }
    expect(starts.size).toBe(seeds.length);
  });

  it('is not there on easy', () => {
    expect(world(1, 'easy').world.cluster.deployments.has(noisyNeighbour.name)).toBe(false);
  });

  it('changes nothing of the service: the same seed with and without the background reads the same, and scaling the workload away changes nothing', () => {
    const incident: Partial<Drivers> = { cascadePressure: 0.3, memoryLeakBytesPerSec: 2_000_000, corruptionPerMin: 40 };
    const quiet = world(7, 'easy', incident);
    const noisy = world(7, 'normal', incident);
    const scaled = world(7, 'normal', incident);
    const service = (readings: Readings) => {
      const { logVolumeAvailableRatio: _background, ...rest } = readings;
      return rest;
    };
    quiet.runTo(10 * 60_000);
    noisy.runTo(10 * 60_000);
    scaled.runTo(10 * 60_000);
    scaled.world.cluster.scale(noisyNeighbour.name, 0);
    for (const run of [quiet, noisy, scaled]) run.runTo(40 * 60_000);
    expect(service(noisy.world.readings())).toEqual(service(quiet.world.readings()));
    expect(service(scaled.world.readings())).toEqual(service(quiet.world.readings()));
    expect(scaled.world.cluster.podsOf(noisyNeighbour.name)).toEqual([]);
  });
});
