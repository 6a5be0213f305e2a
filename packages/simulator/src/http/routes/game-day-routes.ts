/**
 * Game-day mode on the main server (`/gameday/...`): joining a session by its code (open to
 * anyone with the code), and the facilitator console's API (facilitator token): sessions and
 * their controls, results and attendance, schedules, and the leaderboard freeze. Each control
 * is journaled in the session's own drill, as the facilitator's; none goes into this server's
 * journal.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { difficulties, scenarios, type Difficulty } from '@gameday/scenarios';
import { toCsv } from '../../export/csv';
import type { GameDayHub, TeamStanding } from '../../gameday/game-day-hub';
import { scoringWeights, type ScoreDimensionId } from '../../scoring/scoring-weights';
import { scheduleScenarios } from '../../gameday/game-day-schedule';
import { roleLabels, rolePermissions, roles } from '../../gameday/session-roles';
import type { AttendanceRow } from '../../storage/drill-store';
import type { ParticipantResult } from '../../gameday/team-results';
import { GamedayError } from '../../core/gameday-error';
import { ErrorSchema, Report, StringEnum, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin, type SchemaTypeProvider } from '../schemas/json-schema';
import { guardEveryRoute } from '../plugins/auth';

const incidentIds = scenarios.filter((scenario) => scenario.incident !== null).map((scenario) => scenario.id);
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9]{6}$', description: 'The six-character join code' }) });
const withErrors = { ...authErrors, 404: ErrorSchema, 409: ErrorSchema };

const gameDayRoutes: RoutesPlugin = async (fastify) => {
  const hub = fastify.hub as GameDayHub;
  const summary = (code: string) => hub.summary(hub.get(code));

  // Event-loop delay of this process: since the last explicit reset (the benchmark's window),
  // and over the last ten seconds (the console's health line, which start-up would otherwise
  // dominate for the life of the server). Sampled every millisecond, well under the 20 ms the
  // load goal allows, and reported as the histogram has it: nothing subtracted.
  const resolutionMs = 1;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  const recentDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  loopDelay.enable();
  recentDelay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  let recent: { p99: number; max: number } | null = null;
  const rollWindow = setInterval(() => {
    recent = { p99: ms(recentDelay.percentile(99)), max: ms(recentDelay.max) };
    recentDelay.reset();
  }, 10_000);
  rollWindow.unref();
  fastify.addHook('onClose', async () => {
    clearInterval(rollWindow);
    loopDelay.disable();
    recentDelay.disable();
  });

  fastify.get(
    '/gameday/join/:code',
    { schema: { summary: 'What a join page shows: the session, its roles, who is in', params: CodeParams, response: { 200: Report('{ code, title, team, status, roles, participants }'), 404: ErrorSchema } } },
    async (request) => {
      const view = hub.get(request.params.code).view();
      return {
        code: view.code,
        title: view.title,
        team: view.team,
        status: view.status,
        participants: view.participants,
        roles: roles.map((role) => ({ id: role, label: roleLabels[role], permissions: rolePermissions[role] })),
      };
    },
  );

  fastify.post(
    '/gameday/join/:code',
    {
      schema: {
        summary: 'Join a session with a name and a role; answers with your own token, your link into the drill, and the export lines for your shell',
        params: CodeParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' }), role: StringEnum(roles) }, { additionalProperties: false }),
        response: { 200: Report('{ participant, token, url, env }'), 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const joined = hub.join(request.params.code, request.body.name, request.body.role);
      hub.push(request.params.code);
      return joined;
    },
  );

  fastify.post(
    '/gameday/join/:code/rejoin',
    {
      schema: {
        summary: 'Come back as the person a token joined as (the browser keeps it): the same answer as joining',
        params: CodeParams,
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Report('{ participant, token, url, env }'), 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => hub.rejoin(request.params.code, request.body.token),
  );

  // Everything below is the facilitator's.
  await fastify.register(async (instance) => {
    const facilitator = instance.withTypeProvider<SchemaTypeProvider>();
    guardEveryRoute(facilitator, fastify.requireFacilitator);

    facilitator.get(
      '/gameday/sessions',
      {
        schema: {
          summary: 'Every session, with the leaderboard freeze: in a fleet (--store) every instance\'s, each asked for its own, unless scope is "instance"',
          querystring: Type.Object({ scope: StringEnum<'fleet' | 'instance'>(['fleet', 'instance'], { default: 'fleet', description: 'instance: only the sessions this instance runs (how instances ask each other)' }) }),
          response: { 200: Report('{ sessions: SessionSummary[] (in a fleet each with its instance, and a note when read from the store), frozenAt, instances? }'), ...authErrors },
        },
      },
      async (request) => ({ ...(await hub.listSummaries(request.query.scope)), frozenAt: hub.frozenAt }),
    );

    facilitator.post(
      '/gameday/sessions',
      {
        schema: {
          summary: 'Create a session: its own drill, server, port and admin token; answers with the join code and link',
          body: Type.Object(
            {
              title: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
              team: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
              scenario: StringEnum([...scenarios.map((scenario) => scenario.id), 'surprise']),
              difficulty: StringEnum(difficulties, { default: 'normal' }),
              seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
              speed: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 1 }),
              announce: Type.Boolean({ default: false, description: 'Post the announcement to the webhook now' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Report('SessionSummary'), ...withErrors },
        },
      },
      async (request) => {
        const body = request.body;
        const session = await hub.createSession({ ...body, difficulty: body.difficulty as Difficulty });
        return hub.summary(session);
      },
    );

    facilitator.get('/gameday/sessions/:code', { schema: { summary: 'One session', params: CodeParams, response: { 200: Report('SessionSummary'), ...withErrors } } }, async (request) => summary(request.params.code));

    const control = (name: 'start' | 'pause' | 'resume' | 'end', what: string) =>
      facilitator.post(`/gameday/sessions/:code/${name}`, { schema: { summary: what, params: CodeParams, response: { 200: Report('SessionSummary'), ...withErrors } } }, async (request) => {
        const session = name === 'end' ? hub.end(request.params.code) : hub.get(request.params.code);
        if (name !== 'end') session[name]();
        hub.push(session.code);
        return hub.summary(session);
      });
    control('start', 'Start the drill: the clock runs and the incident takes its course');
    control('pause', 'Stop the clock for everyone in the session; actions wait until resume');
    control('resume', 'Start the clock again');
    control('end', 'End the drill: it is scored as it stands and stored');

    facilitator.post(
      '/gameday/sessions/:code/speed',
      {
        schema: {
          summary: 'Simulated seconds per wall second',
          params: CodeParams,
          body: Type.Object({ speed: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }) }, { additionalProperties: false }),
          response: { 200: Report('SessionSummary'), ...withErrors },
        },
      },
      async (request) => {
        const session = hub.get(request.params.code);
        session.setSpeed(request.body.speed);
        hub.push(session.code);
        return hub.summary(session);
      },
    );

    facilitator.post(
      '/gameday/sessions/:code/inject',
      {
        schema: {
          summary: 'Inject a second incident into the running drill (participants are not told which)',
          params: CodeParams,
          body: Type.Object({ scenario: StringEnum(incidentIds) }, { additionalProperties: false }),
          response: { 200: Report('SessionSummary'), ...withErrors },
        },
      },
      async (request) => {
        const session = hub.get(request.params.code);
        session.inject(request.body.scenario);
        return hub.summary(session);
      },
    );

    facilitator.post(
      '/gameday/sessions/:code/hint',
      {
        schema: {
          summary: 'Send a hint to everyone in the session',
          params: CodeParams,
          body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) }, { additionalProperties: false }),
          response: { 200: Report('SessionSummary'), ...withErrors },
        },
      },
      async (request) => {
        const session = hub.get(request.params.code);
        session.hint(request.body.text.trim());
        hub.push(session.code);
        return hub.summary(session);
      },
    );

    facilitator.post(
      '/gameday/sessions/:code/announce',
      { schema: { summary: 'Post the announcement (join code and link) to the webhook', params: CodeParams, response: { 200: Report('{ ok, status | error }'), ...withErrors } } },
      async (request) => {
        const session = hub.get(request.params.code);
        const result = await hub.announce(session, [`${session.settings.team}: a game-day is open. Join, pick your role.`]);
        if (result === null) throw new GamedayError('CONFLICT', 'no announcement webhook is configured; start gameday serve with --announce-webhook <url>');
        return result;
      },
    );

    facilitator.delete(
      '/gameday/sessions/:code',
      { schema: { summary: 'Close a session: end it if needed, stop its server; its results and attendance stay', params: CodeParams, response: { 200: Report('{ closed }'), ...withErrors } } },
      async (request) => {
        const code = hub.get(request.params.code).code;
        await hub.close(code);
        return { closed: code };
      },
    );

    facilitator.get(
      '/gameday/sessions/:code/results',
      {
        schema: {
          summary: "The team's score and each participant's share (provisional until the drill ends); JSON, or CSV per participant",
          params: CodeParams,
          querystring: Type.Object({ format: StringEnum(['json', 'csv'] as const, { default: 'json' }) }),
          response: { 200: Report('TeamResult or CSV'), ...withErrors },
        },
      },
      async (request, reply) => {
        const results = hub.results(request.params.code);
        if (request.query.format === 'json') return results;
        const rows = results.participants.map((person: ParticipantResult) => ({
          session: results.session,
          team: results.team,
          name: person.name,
          role: person.role,
          points: person.points,
          commands: person.commands,
          rejected: person.rejected,
          credits: person.credits.map((credit) => `${credit.what} (${credit.points})`).join('; '),
          teamScore: results.score.total,
          teamPoints: results.teamPoints,
        }));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="results-${results.session}.csv"`)
          .send(toCsv(['session', 'team', 'name', 'role', 'points', 'commands', 'rejected', 'credits', 'teamScore', 'teamPoints'], rows));
      },
    );

    facilitator.get(
      '/gameday/attendance',
      {
        schema: {
          summary: 'Who joined which session, when, in which role: for training records (kept across restarts)',
          querystring: Type.Object({ session: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{6}$' })), format: StringEnum(['json', 'csv'] as const, { default: 'csv' }) }),
          response: { 200: Report('CSV, or { rows: AttendanceRow[] }'), ...authErrors },
        },
      },
      async (request, reply) => {
        const rows = fastify.store.attendance(request.query.session?.toUpperCase());
        if (request.query.format === 'json') return { rows };
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="attendance${request.query.session ? `-${request.query.session.toUpperCase()}` : ''}.csv"`)
          .send(toCsv<AttendanceRow>(['session', 'title', 'team', 'name', 'role', 'joinedAt'], rows));
      },
    );

    facilitator.get(
      '/gameday/teams',
      {
        schema: {
          summary: "Every team's finished game-days, best first, with the score's breakdown by dimension and who took part; JSON or CSV",
          querystring: Type.Object({ format: StringEnum(['json', 'csv'] as const, { default: 'json' }) }),
          response: { 200: Report('{ teams: TeamStanding[] } or CSV'), ...authErrors },
        },
      },
      async (request, reply) => {
        const teams = hub.teams();
        if (request.query.format === 'json') return { teams };
        const columns = ['team', 'session', 'title', 'scenario', 'difficulty', 'score', ...(Object.keys(scoringWeights) as ScoreDimensionId[]), 'ttaMs', 'ttmMs', 'ttrMs', 'participants', 'finishedAt'] as const;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="game-day-teams.csv"').send(toCsv<TeamStanding>(columns, teams));
      },
    );

    facilitator.get('/gameday/schedules', { schema: { summary: 'The schedules, with when each next opens', response: { 200: Report('{ schedules: ScheduleView[] }'), ...authErrors } } }, async () => ({ schedules: hub.scheduler.list() }));

    facilitator.post(
      '/gameday/schedules',
      {
        schema: {
          summary: 'Add a schedule (kept in the store, so it survives a restart and every instance sharing the store has it)',
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              cron: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. "0 14 * * FRI"' }),
              timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'IANA time zone; UTC when not given' })),
              windowMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10080, description: 'Surprise: open at a random moment this many minutes after the cron time' })),
              scenario: StringEnum(scheduleScenarios, { default: 'surprise' }),
              difficulty: StringEnum(difficulties, { default: 'normal' }),
              speed: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
              team: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              webhook: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Report('ScheduleView'), ...withErrors },
        },
      },
      async (request) => hub.scheduler.add(request.body),
    );

    facilitator.delete(
      '/gameday/schedules/:id',
      { schema: { summary: 'Remove a schedule', params: Type.Object({ id: Type.String({ maxLength: 40 }) }), response: { 200: Report('{ removed }'), ...withErrors } } },
      async (request) => {
        hub.scheduler.remove(request.params.id);
        return { removed: request.params.id };
      },
    );

    facilitator.post(
      '/gameday/leaderboard/freeze',
      {
        schema: {
          summary: 'Freeze the leaderboard for everyone but the facilitator (a competition in progress), or thaw it',
          body: Type.Object({ frozen: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: Report('{ frozenAt }'), ...authErrors },
        },
      },
      async (request) => {
        // One step: a second freeze keeps the first's instant, on whichever instance it was made.
        return { frozenAt: hub.freeze.set(request.body.frozen) };
      },
    );

    facilitator.get(
      '/gameday/stats',
      {
        schema: {
          summary: "This process's load: sessions, event-loop delay since the last reset, memory",
          querystring: Type.Object({ reset: Type.Boolean({ default: false }) }),
          response: { 200: Report('{ sessions, running, viewers, eventLoopDelayMs: { p50, p99, max, resolutionMs } (since the last reset, raw histogram), recentEventLoopDelayMs: { p99, max } (the last full 10 s; null in the first 10 s), rssBytes, heapUsedBytes }'), ...authErrors },
        },
      },
      async (request) => {
        const stats = {
          sessions: hub.list().length,
          running: hub.list().filter((session) => session.status === 'running').length,
          viewers: hub.viewers(),
          eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), resolutionMs },
          recentEventLoopDelayMs: recent,
          rssBytes: process.memoryUsage.rss(),
          heapUsedBytes: process.memoryUsage().heapUsed,
        };
        if (request.query.reset) loopDelay.reset();
        return stats;
      },
    );
  });
};

export default gameDayRoutes;
