/** `GET /metrics` (Prometheus text format, unauthenticated like a real scrape target) and `GET /healthz`. */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { createServiceMetrics } from '../../metrics/service-metrics';
import { clusterMetricsRenderer } from '../../metrics/cluster-metrics';
import { GamedayError } from '../../core/gameday-error';

/**
 * A slow scrape answers after this much wall time: past Prometheus's default 10 s
 * `scrape_timeout`. Only on the realtime clock: the virtual clock has no wall time to be slow in,
 * so there a slow scrape answers at once (the dashboard's series still records the gap).
 */
export const slowScrapeWallMs = 11_000;

const metricsRoutes: RoutesPlugin = async (fastify) => {
  const registry = createServiceMetrics(() => fastify.drill);
  const clusterMetrics = clusterMetricsRenderer(() => fastify.drill);

  fastify.get(
    '/metrics',
    { schema: { summary: 'The service metrics in Prometheus text format (now and then a scrape fails, as under pressure)', response: { 200: Type.String() } } },
    async (_request, reply) => {
      // The odd failed scrape while the service is under pressure, at the moments the drill's seed
      // fixes (world/scrape-gaps.ts): only this route fails, never the admin API a responder acts through.
      const gap = fastify.drill.failedScrape();
      if (gap?.failure === 'unavailable') throw new GamedayError('UNAVAILABLE', 'the exporter did not finish collecting in time; the next scrape may succeed');
      if (gap?.failure === 'slow' && fastify.drill.clock.mode === 'realtime') await new Promise((resolve) => setTimeout(resolve, slowScrapeWallMs));
      // The drill's service metrics, its cluster as kube-state-metrics and cAdvisor show it, then
      // the readiness of every drill finished on this server.
      const body = (await registry.metrics()) + clusterMetrics() + (await fastify.readiness.registry.metrics());
      return reply.type(registry.contentType).send(body);
    },
  );

  fastify.get(
    '/healthz',
    { schema: { summary: 'Ready to serve', response: { 200: Type.Object({ status: Type.Literal('ok'), simMs: Type.Number() }) } } },
    async () => ({ status: 'ok' as const, simMs: fastify.drill.clock.now() }),
  );
};

export default metricsRoutes;
