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

  it('keeps a small proof backlog that is never 0, moves with load and drifts (issue 14 item 5)', () => {
    const { world, run } = healthyWorld();
    const depths: number[] = [];
    for (let minute = 0; minute < 60; minute++) {
      run(60);
      depths.push(world.proofQueue);
    }
    expect(Math.min(...depths)).toBeGreaterThan(100);
    expect(Math.max(...depths)).toBeLessThan(0.05 * 50_000);
    expect(new Set(depths.map((depth) => Math.round(depth / 50))).size).toBeGreaterThan(5);
    // With speculation off nothing is committed, so no proofs wait: the backlog follows the load.
    world.applyConfig([['speculation.enabled', false]]);
    run(30);
    expect(world.proofQueue).toBeLessThan(1);
  });

  it('drifts its rollback rate a few percent over the hour, not second-to-second white noise (issue 14 item 5)', () => {
    const { world, run } = healthyWorld(13);
    const fractions: number[] = [];
    for (let minute = 0; minute < 90; minute++) {
      run(60);
      const sample = world.history[world.history.length - 2]!;
      fractions.push(sample.rolledBack / sample.completed);
    }
    const mean = fractions.reduce((sum, value) => sum + value, 0) / fractions.length;
    const spread = (Math.max(...fractions) - Math.min(...fractions)) / mean;
    // Minute averages wander by several percent of the rate: white noise would average out to well under 1%.
    expect(spread).toBeGreaterThan(0.05);
    expect(spread).toBeLessThan(0.8);
    expect(mean).toBeGreaterThan(0.018);
    expect(mean).toBeLessThan(0.032);
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
    // The new pods wait up to 60 s for node capacity, then up to 20 s to start.
    run(90);
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

describe('World (what the service shows of an incident, issue 14)', () => {
  const failing = { endpoint: 'price-feed-4.acme.internal:443', mode: 'timeout' as const };

  function stormWorld(cascadePressure: number) {
    const clock = new SimClock({ mode: 'virtual' });
    const drivers = { ...healthyDrivers, cascadePressure, cascadeSource: failing };
    const world = new World({ seed: 3, now: () => clock.now() }, drivers);
    const run = (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advanceBy(TICK_MS);
        world.step(drivers);
      }
    };
    return { world, run };
  }

  it('turns speculation off itself after the rollback rate stays above 65% for 5 minutes, says so, and clears when re-enabled', () => {
    const { world, run } = stormWorld(0.72);
    run(60);
    expect(world.rollbackRate()).toBeGreaterThan(0.65);
    run(4 * 60);
    expect(world.config['speculation.enabled']).toBe(true);
    run(61);
    expect(world.config['speculation.enabled']).toBe(false);
    expect(world.readings()).toMatchObject({ speculationEnabled: false, speculationAutoDisabled: true });
    expect(world.logs.recent(2000).some((line) => line.level === 'error' && /^auto-protect: rollback rate \d+\.\d% above 65% for 5m; set speculation.enabled=false/.test(line.message))).toBe(true);
    expect(world.takeServiceEvents()).toEqual([{ type: 'config.changed', changes: { 'speculation.enabled': false } }]);
    world.applyConfig([['speculation.enabled', true]]);
    expect(world.readings().speculationAutoDisabled).toBe(false);
  });

  it('never turns speculation off for a storm below the line', () => {
    const { world, run } = stormWorld(0.45);
    run(20 * 60);
    expect(world.rollbackRate()).toBeGreaterThan(0.25);
    expect(world.config['speculation.enabled']).toBe(true);
    expect(world.autoDisabled).toBeUndefined();
  });

  it("shows the failing dependency's symptoms in logs and rollback reasons, never a verdict", () => {
    const { world, run } = stormWorld(0.45);
    run(5 * 60);
    const logs = world.logs.recent(2000).map((line) => line.message);
    expect(logs.some((message) => message.includes('read timed out after 2000ms: price-feed-4.acme.internal:443'))).toBe(true);
    expect(logs.some((message) => /^client price-feed-4\.acme\.internal:443: \d+\/\d+ calls timed out in the last 10s \(p50 \d+ms, p99 2000ms\)$/.test(message))).toBe(true);
    expect(world.rollbackEvents.some((event) => event.cause === 'read timed out after 2000ms: price-feed-4.acme.internal:443')).toBe(true);
    for (const text of [...logs, ...world.rollbackEvents.map((event) => event.cause)]) expect(text).not.toMatch(/root cause|dependency failure/i);
  });

  it('aborts and rolls back the tasks that outlive a lowered speculation.task_timeout_ms, more the deeper the chains, and says how long they ran', () => {
    const { world, run } = healthyWorld();
    run(90);
    const healthy = world.rollbackRate();
    expect(world.rollbackEvents.some((event) => event.cause.startsWith('aborted'))).toBe(false);
    world.applyConfig([['speculation.task_timeout_ms', 3000]], { by: 'sam', reason: 'cut p99' });
    run(90);
    const atDepth4 = world.rollbackRate();
    expect(atDepth4 - healthy).toBeGreaterThan(0.08);
    expect(world.rollbackEvents.some((event) => event.cause === 'aborted: still running after 3000ms (task timeout)')).toBe(true);
    expect(world.errors.task_timeout).toBeGreaterThan(100);
    world.applyConfig([['speculation.max_depth', 1]]);
    run(90);
    expect(world.rollbackRate()).toBeLessThan(atDepth4 - 0.05);
    world.applyConfig([['speculation.task_timeout_ms', 30_000], ['speculation.max_depth', 4]]);
    run(90);
    expect(world.rollbackRate()).toBeLessThan(0.05);
  });

  it('records slashing with the chain evidence (offence, slot, conflicting commits and signers), never whether it was expected', () => {
    const clock = new SimClock({ mode: 'virtual' });
    const drivers = { ...healthyDrivers, slashingPerHour: 600, slashAmount: 400 };
    const world = new World({ seed: 5, now: () => clock.now() }, drivers);
    for (let i = 0; i < 120; i++) {
      clock.advanceBy(TICK_MS);
      world.step(drivers);
    }
    const old = world.slashingEvents.filter((event) => event.simMs < 0);
    const recent = world.slashingEvents.filter((event) => event.simMs >= 0);
    expect(old.map((event) => event.offence)).toEqual(['missed_attestation', 'missed_attestation']);
    expect(old.every((event) => event.conflictingCommits.length === 0)).toBe(true);
    expect(recent.length).toBeGreaterThan(3);
    for (const event of recent) {
      expect(event).toMatchObject({ offence: 'double_sign', evidence: 'two different commits signed for the same slot' });
      expect(event.conflictingCommits.map((commit) => commit.signer.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')).sort()).toEqual(['agenc-worker', 'speculation-engine']);
      expect(event).not.toHaveProperty('expected');
    }
    expect(world.readings().slashedTokensLast24h).toBe(recent.reduce((sum, event) => sum + event.amount, 0));
  });
});
