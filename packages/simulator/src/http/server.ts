/**
 * Builds the Fastify instance around the app: logging, limits, the schema type provider,
 * validation with query coercion, and serialization. Tests call `createServer` and `inject`; the CLI also listens and handles signals.
 */
import { createRequire } from 'node:module';
import type AjvType from 'ajv';
import type { ValidateFunction } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

/** A body schema that only says "an object" (the admin config's: the service checks the keys itself). */
function isAnyObject(schema: unknown): boolean {
  const candidate = schema as { type?: unknown; properties?: object; additionalProperties?: unknown; required?: unknown };
  return candidate.type === 'object' && candidate.additionalProperties === true && candidate.required === undefined && Object.keys(candidate.properties ?? {}).length === 0 && Object.keys(candidate).every((key) => ['type', 'properties', 'additionalProperties', 'description'].includes(key));
}

/** Validates "an object" without Ajv: on the admin API's hot path, Ajv's call cost more than the check. */
function anyObject(data: unknown) {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { value: data };
  return { error: Object.assign(new Error('validation failed'), { validation: [{ instancePath: '', schemaPath: '#/type', keyword: 'type', params: { type: 'object' }, message: 'must be object' }] }) };
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
import type { SchemaTypeProvider } from './schemas/json-schema';
import app, { type AppOptions } from './app';
import { bodyLimitBytes } from './plugins/body-parsers';
import { rewriteActorPath } from './plugins/auth';
import { answerClientError, answerFrameworkError, refuseTunnel } from './malformed-requests';

export interface ServerOptions extends AppOptions {
  /** Pino logging: false in tests, a level for the CLI. */
  logger?: boolean | { level: string };
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  // Validators are compiled on a route's first request instead of at start-up: compiling every
  // route's schemas up front was most of the ~140 ms between import and ready. Ajv itself is
  // loaded on the first validation too. Both compilers are given to Fastify as factories, so it
  // never loads its own defaults (@fastify/ajv-compiler requires Ajv at construction: ~40 ms).
  let ajv: AjvType | undefined;
  const compile = (schema: unknown) => {
    if (!ajv) {
      const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvType }).default;
      ajv = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
    }
    return ajv.compile(schema as object);
  };
  const validatorCompiler = ({ schema }: { schema: unknown }) => {
    if (isAnyObject(schema)) return anyObject;
    let validate: ValidateFunction | undefined;
    return (data: unknown) => {
      validate ??= compile(schema);
      const valid = validate(data);
      return valid ? { value: data } : { error: Object.assign(new Error('validation failed'), { validation: validate.errors }) };
    };
  };
  // Response schemas document the API; answers are small and many are open-ended reports, so
  // plain JSON.stringify serialises them. Generating a serializer per route cost ~100 ms at
  // start-up for no measurable gain per request.
  const serializerCompiler = () => (data: unknown) => JSON.stringify(data);
  const fastify = Fastify({
    logger: options.logger ?? false,
    bodyLimit: bodyLimitBytes,
    // The drain endpoint may hold a request for up to 10 minutes of wall time.
    requestTimeout: 0,
    connectionTimeout: 0,
    // Longer than a client's idle keep-alive (undici keeps a socket for the server's hint less
    // 1 s; load balancers idle out at 60 s): with 5 s, a client whose event loop was busy for a
    // few seconds reused a socket the server had just closed and got "other side closed".
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    return503OnClosing: true,
    // Every kubeconfig points at /as/<token>; the prefix is stripped here (the guards read the
    // token), and the URL made canonical for every check that reads the path. Never throws.
    rewriteUrl: (raw) => rewriteActorPath(raw),
    // What the router or Node's parser refuses gets a coded 4xx, like everything else.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Typed for Ajv's own functions; Fastify takes any function answering { value } or { error }.
    schemaController: { compilersFactory: { buildValidator: () => validatorCompiler, buildSerializer: () => serializerCompiler } as unknown as CompilersFactory },
  }).withTypeProvider<SchemaTypeProvider>();
  fastify.server.on('connect', refuseTunnel);
  await fastify.register(app, options);
  await fastify.ready();
  return fastify;
}
