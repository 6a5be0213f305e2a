/**
 * The service's logs are evidence: they never claim what the world is not doing. With speculation
 * turned off the engine logs tasks run without it, never a speculative batch committed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Drill } from '../drill/drill';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

describe('the service log', () => {
  it('commits speculative batches while speculation is on, and says tasks ran without it once it is off', () => {
    const drill = new Drill({ scenario: 'baseline', seed: 3, clock: 'virtual', speed: 1, difficulty: 'normal' });
    drills.push(drill);
    drill.start();
    drill.clock.advanceBy(10 * 60_000);
    const engine = (from: number) => drill.world.logs.recent(500, undefined).filter((line) => line.simMs > from && line.pod.startsWith('speculation-engine') && /tasks/.test(line.message));
    expect(engine(0).some((line) => line.message.startsWith('committed speculative batch'))).toBe(true);
    drill.world.applyConfig([['speculation.enabled', false]], { by: 'test' });
    const off = drill.clock.now();
    drill.clock.advanceBy(10 * 60_000);
    const after = engine(off);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((line) => line.message.startsWith('committed speculative batch'))).toEqual([]);
    expect(after[0]!.message).toMatch(/^executed \d+ tasks without speculation in \d+ms \(tenant \S+; speculation.enabled=false\)$/);
  });
});
