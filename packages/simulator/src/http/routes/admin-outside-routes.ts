/**
 * What others did to the world, where a responder looks for a cause: `GET /admin/config/history`
 * (`agenc config history`), `GET /admin/messages` (`agenc messages`) and `GET /admin/dependencies`
 * (`agenc dependencies`). The handlers read
 * the drill's reports (drill/outside-reports.ts); nothing here shapes or judges them.
 */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { guardEveryRoute } from '../plugins/auth';
import { channelMessagesReport, configHistoryReport, dependenciesReport, sinceWindowMs } from '../../drill/outside-reports';
import { messageChannels } from '../../world/outside-changes';
import { StringEnum, authErrors } from '../schemas/common-schemas';

const ConfigValues = Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Number(), Type.String()]));

const Since = (what: string) =>
  Type.String({ default: '24h', maxLength: 32, description: `${what}: a duration such as 10m, 2h or 24h (up to 30d)` });

const adminOutsideRoutes: RoutesPlugin = async (fastify) => {
  guardEveryRoute(fastify, fastify.requireAdmin);

  fastify.get(
    '/admin/config/history',
    {
      schema: {
        summary: 'Config changes in a window, newest first: when, by whom, why, what changed and from what',
        querystring: Type.Object({ since: Since('How far back to list changes') }),
        response: {
          200: Type.Object({
            sinceMs: Type.Integer(),
            changes: Type.Array(
              Type.Object({
                at: Type.String({ description: 'Simulated time of the change (ISO 8601, UTC)' }),
                by: Type.String({ description: 'Who made it: a participant, admin, a team, the service itself' }),
                reason: Type.String({ description: 'Why, where the change said so; empty otherwise' }),
                changes: ConfigValues,
                previous: ConfigValues,
              }),
            ),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => configHistoryReport(fastify.drill, sinceWindowMs(request.query.since)),
  );

  fastify.get(
    '/admin/messages',
    {
      schema: {
        summary: "Messages other teams posted in the drill's channels, oldest first",
        querystring: Type.Object(
          {
            channel: Type.Optional(StringEnum(messageChannels, { description: 'Only this channel (all of them when left out)' })),
            since: Since('How far back to read'),
          },
        ),
        response: {
          200: Type.Object({
            sinceMs: Type.Integer(),
            channel: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'The channel asked for; null for all' }),
            messages: Type.Array(Type.Object({ at: Type.String(), channel: Type.String(), from: Type.String(), text: Type.String() })),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => channelMessagesReport(fastify.drill, sinceWindowMs(request.query.since), request.query.channel ?? null),
  );

  fastify.get(
    '/admin/dependencies',
    {
      schema: {
        summary: 'Every dependency the service reads from: its owner, the last minute from the service side, and its status page',
        response: {
          200: Type.Object({
            at: Type.String(),
            dependencies: Type.Array(
              Type.Object({
                endpoint: Type.String({ description: "host:port as the service's clients name it" }),
                owner: Type.String({ description: 'The team that runs it' }),
                kind: StringEnum(['rpc-node', 'oracle-feed', 'proof-store'] as const),
                service: Type.Object({
                  requestsPerMin: Type.Integer(),
                  errorRate: Type.Number({ minimum: 0, maximum: 1 }),
                  p99Ms: Type.Integer(),
                  lastError: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'The last error its client logged, with when' }),
                }),
                statusPage: Type.Unsafe<{ status: string; note: string; updatedAt: string } | null>({
                  anyOf: [
                    { type: 'object', properties: { status: { type: 'string', enum: ['operational', 'degraded', 'major_outage'] }, note: { type: 'string' }, updatedAt: { type: 'string' } }, required: ['status', 'note', 'updatedAt'] },
                    { type: 'null' },
                  ],
                  description: 'What the owning team last said on its status page; null when it has said nothing',
                }),
              }),
            ),
          }),
          ...authErrors,
        },
      },
    },
    async () => dependenciesReport(fastify.drill),
  );
};

export default adminOutsideRoutes;
