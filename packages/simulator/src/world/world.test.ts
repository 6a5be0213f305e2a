import { describe, expect, it } from 'vitest';
import { healthyDrivers } from '@gameday/scenarios';
import { SimClock } from '../clock/sim-clock';
import { TICK_MS, World } from './world';

function healthyWorld(seed = 7) {
  const clock = new SimClock({ mode: 'virtual' });
  const world = new World({ seed, now: () => clock.now() }, { ...healthyDrivers });
  const run = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advanceBy(TICK_MS);
      world.step({ ...healthyDrivers });
    }
  };
  return { clock, world, run };
}

describe('World (healthy drivers)', () => {
  it('finishes a few hundred speculative tasks a second with a low rollback rate', () => {
    const { world, run } = healthyWorld();
    run(120);
    const fullMinute = world.history[world.history.length - 2]!;
    expect(fullMinute.completed).toBeGreaterThan(60 * 250);
    expect(world.rollbackRate()).toBeGreaterThan(0.01);
    expect(world.rollbackRate()).toBeLessThan(0.05);
    expect(world.readings().memoryRatio).toBeLessThan(0.8);
    expect(world.alerts.firing()).toEqual([]);
  });

  it('stops starting speculative tasks once speculation.enabled is false', () => {
    const { world, run } = healthyWorld();
    run(30);
    world.applyConfig([['speculation.enabled', false]]);
    run(30);
    expect(world.activeTasks).toBe(0);
    expect(world.rollbackRate()).toBeLessThan(0.05);
  });

  it('drains in-flight tasks within seconds and then resumes while enabled', () => {
    const { world, run } = healthyWorld();
    run(10);
    world.startDrain();
    let seconds = 0;
    while (!world.drainComplete() && seconds < 120) {
      run(1);
      seconds++;
    }
    expect(world.drainComplete()).toBe(true);
    expect(seconds).toBeLessThan(30);
    world.finishDrain();
    run(5);
    expect(world.activeTasks).toBeGreaterThan(100);
  });

  it('converges a scaled deployment: pods are created, become ready, and terminate', () => {
    const { world, run } = healthyWorld();
    world.cluster.scale('proof-worker', 16);
    expect(world.cluster.podsOf('proof-worker')).toHaveLength(16);
    run(30);
    expect(world.cluster.readyCount('proof-worker')).toBe(16);
    world.cluster.scale('agenc-worker', 0);
    expect(world.cluster.podsOf('agenc-worker').every((pod) => pod.status === 'Terminating')).toBe(true);
    run(31);
    expect(world.cluster.podsOf('agenc-worker')).toHaveLength(0);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const series = (seed: number) => {
      const { world, run } = healthyWorld(seed);
      const values: number[] = [];
      for (let i = 0; i < 60; i++) {
        run(1);
        values.push(Number(world.rollbackRate().toFixed(6)), Math.round(world.activeTasks));
      }
      return { values, pods: world.cluster.pods.map((pod) => pod.name) };
    };
    expect(series(11)).toEqual(series(11));
    expect(series(11).values).not.toEqual(series(12).values);
    expect(series(11).pods).not.toEqual(series(12).pods);
  });
});

describe('pod usage (issue 14)', () => {
  it("has a GC sawtooth in every pod's working set: a steady rise, a drop every 30 to 75 s, the same on every read", () => {
    const { world, run } = healthyWorld();
    run(5);
    const pod = world.cluster.podsOf('proof-worker')[0]!;
    const samples: number[] = [];
    for (let i = 0; i < 150; i++) {
      run(1);
      samples.push(world.podMemory(pod));
      expect(world.podMemory(pod)).toBe(samples[i]);
    }
    const drops = samples.filter((value, i) => i > 0 && value < samples[i - 1]!).length;
    expect(drops).toBeGreaterThanOrEqual(2);
    expect(drops).toBeLessThanOrEqual(5);
    expect(Math.max(...samples) - Math.min(...samples)).toBeLessThan(0.15 * Math.max(...samples));
    expect(Math.max(...samples)).toBeLessThan(pod.memoryLimitBytes);
  });

  it('gives busy deployments more CPU than idle ones, within each container limit, without drawing on the world rng', () => {
    const busy = healthyWorld();
    busy.run(60);
    const cores = (name: string) => busy.world.cluster.readyPods(name).map((pod) => busy.world.cluster.podCpuCores(pod));
    const engine = cores('speculation-engine');
    expect(Math.min(...engine)).toBeGreaterThan(Math.max(...cores('agenc-gateway')));
    for (const pod of busy.world.cluster.pods) expect(busy.world.cluster.podCpuCores(pod)).toBeLessThanOrEqual(pod.template.cpuLimitMillicores / 1000);
    // Reading usage changes nothing: the same seed gives the same world with or without reads.
    const quiet = healthyWorld();
    quiet.run(60);
    expect(quiet.world.rng.next()).toBe(busy.world.rng.next());
  });
});
