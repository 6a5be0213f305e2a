/**
 * `GET/POST /admin/config`: the runtime config the runbook changes with curl. A POST is
 * validated whole before anything is applied, so a rejected request changes nothing.
 */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { configKeyNames, describeConfigKeys, parseConfigChanges } from '../../world/config-schema';
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
    async (request) => {
      const changes = parseConfigChanges(request.body);
      const drill = fastify.drill;
      // The history names who made the change: a participant by name, else the admin token.
      const previous = drill.world.applyConfig(changes, { by: request.actor?.name ?? 'admin' });
      const applied = Object.fromEntries(changes);
      request.journal.detail.changes = applied;
      request.journal.detail.previous = previous;
      request.noteHarm(drill.notify({ type: 'config.changed', changes: applied }));
      // The change and what it replaced; GET /admin/config reads the whole config.
      return { applied, previous };
    },
  );
};

export default adminConfigRoutes;
