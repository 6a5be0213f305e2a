/**
 * `GET/POST /admin/config`: the runtime config the runbook changes with curl. A POST is
 * validated whole before anything is applied, so a rejected request changes nothing.
 */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { configKeyNames, describeConfigKeys } from '../../world/config-schema';
import { changeConfig } from '../../drill/service-actions';
import { ErrorSchema, authErrors } from '../schemas/common-schemas';

const ConfigSchema = Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Number(), Type.String()]), {
  description: 'The current config, by dotted key',
});

const adminConfigRoutes: RoutesPlugin = async (fastify) => {
  fastify.get(
    '/admin/config',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Read the runtime config and the keys it accepts',
        response: {
          200: Type.Object({
            config: ConfigSchema,
            keys: Type.Array(Type.Object({ key: Type.String(), allowed: Type.String(), default: Type.Union([Type.Boolean(), Type.Number(), Type.String()]), description: Type.String() })),
          }),
          401: ErrorSchema,
        },
      },
    },
    async () => ({ config: { ...fastify.drill.world.config }, keys: describeConfigKeys() }),
  );

  fastify.post(
    '/admin/config',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Change runtime config keys (all or nothing)',
        description: `A JSON object of dotted keys. Allowed keys: ${configKeyNames.join(', ')}. Typed and range-checked by the service itself, so the error names the key and what it allows.`,
        // Validation is the service's own (parseConfigChanges): Ajv's type coercion would
        // silently turn "false" into false, which a real config endpoint must not do.
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Object({
            applied: ConfigSchema,
            previous: ConfigSchema,
          }),
          ...authErrors,
          413: ErrorSchema,
          415: ErrorSchema,
        },
      },
    },
    // The change and what it replaced; GET /admin/config reads the whole config. The history
    // names who made it: a participant by name, else the admin token.
    async (request) => changeConfig(fastify.drill, request.body, request.journal, request.actor?.name ?? 'admin'),
  );
};

export default adminConfigRoutes;
