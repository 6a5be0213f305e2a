/**
 * Simulation control under `/_sim/`, for the facilitator (and for tests and the checker):
 * read the state and the journal, advance the virtual clock, pause, resume, change speed, reset.
 */
import { scenarios } from '@gameday/scenarios';
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { guardEveryRoute } from '../plugins/auth';
import { drillState } from '../../drill/drill-state';
import { advanceClock, pauseClock, resumeClock, setClockSpeed } from '../../drill/clock-controls';
import { ErrorSchema, Report, StringEnum, authErrors } from '../schemas/common-schemas';

const journalSources = ['admin', 'kube', 'agenc', 'sim', 'ui', 'world', 'metrics', 'other'] as const;
const incidentIds = scenarios.filter((scenario) => scenario.incident !== null).map((scenario) => scenario.id);

const simRoutes: RoutesPlugin = async (fastify) => {
  guardEveryRoute(fastify, fastify.requireFacilitator);

  fastify.get(
    '/_sim/state',
    { schema: { summary: 'The drill: scenario, phase, clock, alerts, readings', response: { 200: Report('DrillState'), 401: ErrorSchema } } },
    async () => drillState(fastify.drill),
  );

  fastify.get(
    '/_sim/journal',
    {
      schema: {
        summary: 'Journal entries in order, with counters that survive eviction',
        querystring: Type.Object({
          since: Type.Integer({ minimum: 0, default: 0, description: 'Only entries with seq greater than this' }),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'At most this many, the newest' }),
          source: Type.Optional(StringEnum(journalSources)),
        }),
        response: { 200: Report('{ entries: JournalEntry[], counters: JournalCounters, capacity }'), ...authErrors },
      },
    },
    async (request) => {
      const journal = fastify.drill.journal;
      const { since, limit, source } = request.query;
      const entries = journal.list({ sinceSeq: since, limit, ...(source ? { source } : {}) }).map((entry) => ({ ...entry, at: new Date(entry.wallMs).toISOString() }));
      return { entries, counters: journal.counters(), capacity: journal.capacity };
    },
  );

  fastify.post(
    '/_sim/clock/advance',
    {
      schema: {
        summary: 'Move simulated time forward by ms (any clock; with realtime it jumps ahead and goes on at its speed from there)',
        body: Type.Object({ ms: Type.Integer({ minimum: 1, maximum: 7 * 86_400_000 }) }, { additionalProperties: false }),
        response: { 200: Report('DrillState'), ...authErrors },
      },
    },
    async (request) => {
      advanceClock(fastify.drill, request.body.ms);
      return drillState(fastify.drill);
    },
  );

  fastify.post(
    '/_sim/clock/pause',
    { schema: { summary: 'Stop simulated time (realtime clock)', response: { 200: Report('DrillState'), ...authErrors, 409: ErrorSchema } } },
    async () => {
      pauseClock(fastify.drill);
      return drillState(fastify.drill);
    },
  );

  fastify.post(
    '/_sim/clock/resume',
    { schema: { summary: 'Resume simulated time', response: { 200: Report('DrillState'), ...authErrors, 409: ErrorSchema } } },
    async () => {
      resumeClock(fastify.drill);
      return drillState(fastify.drill);
    },
  );

  fastify.post(
    '/_sim/clock/speed',
    {
      schema: {
        summary: 'Simulated seconds per wall second (realtime clock)',
        body: Type.Object({ speed: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }) }, { additionalProperties: false }),
        response: { 200: Report('DrillState'), ...authErrors, 409: ErrorSchema },
      },
    },
    async (request) => {
      setClockSpeed(fastify.drill, request.body.speed);
      return drillState(fastify.drill);
    },
  );

  fastify.post(
    '/_sim/inject',
    {
      schema: {
        summary: 'Start a second incident in the running drill, on top of its scenario (the trainee is not told which)',
        body: Type.Object({ scenario: StringEnum(incidentIds) }, { additionalProperties: false }),
        response: { 200: Report('DrillState'), ...authErrors, 409: ErrorSchema },
      },
    },
    async (request) => {
      fastify.drill.inject(request.body.scenario);
      return drillState(fastify.drill);
    },
  );

  fastify.post(
    '/_sim/reset',
    { schema: { summary: 'Start the same scenario and seed again from zero', response: { 200: Report('DrillState'), ...authErrors } } },
    async () => {
      fastify.drill.reset();
      return drillState(fastify.drill);
    },
  );
};

export default simRoutes;
