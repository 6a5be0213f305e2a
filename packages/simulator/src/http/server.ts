/**
 * Builds the Fastify instance around the app: logging, limits, the TypeBox type provider and
 * query coercion. Tests call `createServer` and `inject`; the CLI also listens and handles signals.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import app, { type AppOptions } from './app';
import { bodyLimitBytes } from './plugins/body-parsers';

export interface ServerOptions extends AppOptions {
  /** Pino logging: false in tests, a level for the CLI. */
  logger?: boolean | { level: string };
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: options.logger ?? false,
    bodyLimit: bodyLimitBytes,
    // The drain endpoint may hold a request for up to 10 minutes of wall time.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 5000,
    forceCloseConnections: true,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await fastify.register(app, options);
  await fastify.ready();
  return fastify;
}
