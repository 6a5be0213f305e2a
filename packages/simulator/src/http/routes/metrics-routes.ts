/** `GET /metrics` (Prometheus text format, unauthenticated like a real scrape target) and `GET /healthz`. */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { createServiceMetrics } from '../../metrics/service-metrics';
import { clusterMetricsRenderer } from '../../metrics/cluster-metrics';

const metricsRoutes: RoutesPlugin = async (fastify) => {
  const registry = createServiceMetrics(() => fastify.drill);
  const clusterMetrics = clusterMetricsRenderer(() => fastify.drill);

  fastify.get(
    '/metrics',
    { schema: { summary: 'The service metrics in Prometheus text format', response: { 200: Type.String() } } },
    async (_request, reply) => {
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
