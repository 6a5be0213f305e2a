/**
 * Issue 8 soak, shortened for CI (SOAK_ITERATIONS for longer): a drill stepped a simulated second
 * at a time with a steady stream of admin posts, scrapes and kubectl lists. After warm-up the
 * heap grows under 10%, and the journal stays within its cap while its counters keep counting.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Drill, createServer } from '@gameday/simulator';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;
const iterations = Number(process.env.SOAK_ITERATIONS ?? 3000);

describe('soak', () => {
  it(`holds its memory over ${iterations} simulated seconds of traffic`, { timeout: 120_000 }, async () => {
    const drill = new Drill({ scenario: 'rollback-storm', seed: 9, clock: 'virtual', speed: 1, difficulty: 'normal', journalCapacity: 2000 });
    drill.start();
    const server = await createServer({ drill, tokens: { admin: 'soak-admin', facilitator: 'soak-facilitator' } });
    const step = async (i: number) => {
      drill.clock.advanceBy(1000);
      await server.inject({ method: 'POST', url: '/admin/config', headers: { authorization: 'Bearer soak-admin', 'content-type': 'application/json' }, payload: `{"speculation.max_depth": ${1 + (i % 4)}}` });
      if (i % 5 === 0) await server.inject({ method: 'GET', url: '/metrics' });
      if (i % 3 === 0) await server.inject({ method: 'GET', url: '/api/v1/namespaces/production/pods?labelSelector=component%3Dspeculation', headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io', authorization: 'Bearer soak-admin' } });
    };
    const started = performance.now();
    const warmUp = Math.min(1500, Math.floor(iterations / 3));
    for (let i = 0; i < warmUp; i++) await step(i);
    gc();
    const heapAfterWarmUp = process.memoryUsage().heapUsed;
    for (let i = warmUp; i < iterations; i++) await step(i);
    gc();
    const heapAtEnd = process.memoryUsage().heapUsed;
    const growth = (heapAtEnd - heapAfterWarmUp) / heapAfterWarmUp;
    const counters = drill.journal.counters();
    await server.close();
    drill.stop();
    expect(growth, `heap ${(heapAfterWarmUp / 1e6).toFixed(1)} MB -> ${(heapAtEnd / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`).toBeLessThan(0.1);
    expect(drill.journal.size).toBe(2000);
    expect(counters.total).toBeGreaterThan(iterations);
    expect(counters.evicted).toBe(counters.total - 2000);
  });
});
