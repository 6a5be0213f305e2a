/**
 * The gameday HTTP app as one Fastify plugin: shared services first (drill, auth, body parsing,
 * journal, errors), then the surfaces (admin API, metrics, Kubernetes API, simulation control,
 * trainer UI). `server.ts` decides logging, limits and how it listens.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import drillContext, { type DrillContextOptions } from './plugins/drill-context';
import auth from './plugins/auth';
import bodyParsers from './plugins/body-parsers';
import journalHook from './plugins/journal-hook';
import errorHandler from './plugins/error-handler';
import sessionGuard from './plugins/session-guard';
import socketGateway, { type SocketGatewayOptions } from './plugins/socket-gateway';
import drillStorage from './plugins/drill-storage';
import drillRouter, { type DrillRouter } from './plugins/drill-router';
import type { DrillStore } from '../storage/drill-store';
import type { ReadinessMetrics } from '../metrics/readiness-metrics';
import adminConfigRoutes from './routes/admin-config-routes';
import adminOperationsRoutes from './routes/admin-operations-routes';
import adminOutsideRoutes from './routes/admin-outside-routes';
import metricsRoutes from './routes/metrics-routes';
import kubeRoutes from './routes/kube-routes';
import simRoutes from './routes/sim-routes';
import trainerUiRoutes from './routes/trainer-ui-routes';
import terminalRoutes, { type TerminalOptions } from './routes/terminal-routes';
import trainerRoutes from './routes/trainer-routes';
import gameDayRoutes from './routes/game-day-routes';

export interface AppOptions extends DrillContextOptions {
  /** The built trainer UI to serve at `/`, when there is one. */
  uiDir?: string | undefined;
  /** The runbook Markdown the trainer UI shows (`GET /trainer/runbook`); the repository's copy when not given. */
  runbookPath?: string | undefined;
  /** Where finished drills go; an in-memory SQLite store when not given. */
  store?: DrillStore | undefined;
  /** Drill outcome metrics shared by the process's servers; a set of its own when not given. */
  readiness?: ReadinessMetrics | undefined;
  /** How the in-browser terminal runs programs: the sandbox, and the `--unsafe-terminal` choice. */
  terminal?: TerminalOptions | undefined;
  /**
   * In a fleet (a store shared by instances), the main server's router: a request for a drill
   * another server runs is forwarded there (`plugins/drill-router.ts`). Session servers have none.
   */
  router?: DrillRouter | undefined;
  /** With a store shared by instances: this server's part in live views across them (`fleet-views.ts`). */
  views?: SocketGatewayOptions['views'];
  /** More routes, inside the app so they get its parsers, hooks and error handling (an embedder's own; the benchmark's baseline route). */
  extend?: FastifyPluginAsync;
}

const appPlugin: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  await fastify.register(drillContext, { drill: options.drill, slot: options.slot, tokens: options.tokens, session: options.session, hub: options.hub, leaderboardFreeze: options.leaderboardFreeze });
  // The journal's hook first: every later hook may refuse a request, and the refusal is journaled.
  await fastify.register(journalHook);
  await fastify.register(auth);
  await fastify.register(bodyParsers);
  await fastify.register(errorHandler);
  await fastify.register(sessionGuard);
  await fastify.register(drillStorage, { store: options.store, readiness: options.readiness });
  // Collects every route's schema (registered after it) into the OpenAPI document at /docs/json.
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'gameday: the fake speculation service and drill control', version: '0.1.0', description: 'The admin API the runbook calls, the Kubernetes API kubectl uses, simulation control (/_sim, facilitator token) and the trainer API (/trainer). Every route that reads or changes a drill takes a token; /healthz, /metrics, the trainer UI, the scenario list, the leaderboard and a join page do not.' },
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              "$ADMIN_TOKEN (on a game-day session's server: the session's admin token, or a participant's own token, limited by their role). kubectl carries it in its kubeconfig's server address instead, as /as/<token>/..., which every route accepts in place of the header.",
          },
          facilitatorToken: { type: 'http', scheme: 'bearer', description: '$FACILITATOR_TOKEN: simulation control (/_sim) and the game-day console (/gameday)' },
        },
      },
    },
  });
  await fastify.register(socketGateway, { views: options.views });
  await fastify.register(drillRouter, { router: options.router });

  await fastify.register(adminConfigRoutes);
  await fastify.register(adminOperationsRoutes);
  await fastify.register(adminOutsideRoutes);
  await fastify.register(metricsRoutes);
  await fastify.register(kubeRoutes);
  await fastify.register(simRoutes);
  await fastify.register(terminalRoutes, { terminal: options.terminal });
  await fastify.register(trainerRoutes);
  await fastify.register(trainerUiRoutes, { uiDir: options.uiDir, runbookPath: options.runbookPath });
  if (options.hub) await fastify.register(gameDayRoutes);
  if (options.extend) await fastify.register(options.extend);
  fastify.get('/docs/json', { schema: { hide: true } }, async () => fastify.swagger());
};

/**
 * Not encapsulated: its shared services (drill, store, socketsReady…) decorate the instance the
 * server hands back, so the CLI and tests see what the routes see. Routes stay in plugins of
 * their own.
 */
const app = fp(appPlugin, { name: 'gameday-app', fastify: '5.x' });
export default app;
