import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { adminAuth, buildTestServer } from '../test-server';

let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /metrics with the odd failed scrape (issue 14)', () => {
  it('answers 503 in an "unavailable" gap and 200 around it; the admin API never fails with it', async () => {
    const built = await buildTestServer({ scenario: 'rollback-storm', seed: 23, difficulty: 'hard' });
    server = built.server;
    const { drill } = built;
    const gap = drill.scrapeGaps.between(0, 3 * 3600_000).find((candidate) => candidate.failure === 'unavailable')!;
    drill.clock.advanceBy(gap.fromMs + 1000 - drill.clock.now());
    const failed = await server.inject({ method: 'GET', url: '/metrics' });
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ error: 'UNAVAILABLE' });
    expect((await server.inject({ method: 'GET', url: '/admin/status', headers: adminAuth })).statusCode).toBe(200);
    drill.clock.advanceBy(gap.toMs - drill.clock.now());
    const next = await server.inject({ method: 'GET', url: '/metrics' });
    expect(next.statusCode).toBe(200);
    expect(next.body).toMatch(/^speculation_rollback_rate /m);
  });

  it('answers a "slow" gap at once on the virtual clock, and never fails on easy', async () => {
    const built = await buildTestServer({ scenario: 'rollback-storm', seed: 23, difficulty: 'hard' });
    server = built.server;
    const gap = built.drill.scrapeGaps.between(0, 3 * 3600_000).find((candidate) => candidate.failure === 'slow')!;
    built.drill.clock.advanceBy(gap.fromMs + 1000);
    const started = performance.now();
    expect((await server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(5000);
    await server.close();

    const easy = await buildTestServer({ scenario: 'rollback-storm', seed: 23, difficulty: 'easy' });
    server = easy.server;
    for (let minute = 0; minute < 120; minute++) {
      easy.drill.clock.advanceBy(60_000);
      expect((await server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    }
  });
});
