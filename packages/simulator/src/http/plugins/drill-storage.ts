/**
 * Finished drills and readiness: `fastify.store` (the embedded SQLite store unless the server
 * is given another), `fastify.readiness` (drill outcome metrics for /metrics) and
 * `fastify.raceScores` (a race's scores so far, its ghost's read from the store's finished runs).
 */
import fp from 'fastify-plugin';
import type { DrillStore } from '../../storage/drill-store';
import { SqliteDrillStore } from '../../storage/sqlite-drill-store';
import { createReadinessMetrics, type ReadinessMetrics } from '../../metrics/readiness-metrics';
import { RaceScores } from '../../scoring/score-so-far';

declare module 'fastify' {
  interface FastifyInstance {
    store: DrillStore;
    readiness: ReadinessMetrics;
    raceScores: RaceScores;
  }
}

export default fp<{ store?: DrillStore | undefined; readiness?: ReadinessMetrics | undefined }>(
  (fastify, options, done) => {
    // Without a store of its own (tests, embedding) the server keeps finished drills in memory.
    const store = options.store ?? new SqliteDrillStore(':memory:');
    fastify.decorate('store', store);
    // One set for the process when given (a game-day's session servers report into the main one).
    fastify.decorate('readiness', options.readiness ?? createReadinessMetrics());
    const raceScores = new RaceScores(store);
    fastify.decorate('raceScores', raceScores);
    fastify.addHook('onClose', async () => {
      raceScores.close();
      if (!options.store) store.close();
    });
    done();
  },
  { name: 'drill-storage', fastify: '5.x' },
);
