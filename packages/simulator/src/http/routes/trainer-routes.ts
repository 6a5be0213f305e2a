/**
 * The trainer UI's API: the lobby (scenarios, starting a drill) and the trainee's actions
 * besides commands (acknowledge, severity, bridge, comms, escalation, mitigated/resolved,
 * fast-forward through a quiet stretch), and the reads of a drill (its series, debrief and
 * post-mortem). Actions and reads need a token of the drill (the admin token, or a game-day
 * participant's, whose role decides the actions); each action leaves a one-line summary in the
 * journal for the timeline. The scenario list and the leaderboard (names, teams and scores of
 * finished ranked drills) are open.
 */
import { difficulties, scenarios, type Difficulty } from '@gameday/scenarios';
import { channels, commsTemplates, escalationTargets, impactQuestions } from '../../drill/trainee-session';
import { acknowledgePage, declareIncident, declareSeverity, escalate, fastForward, joinBridge, postUpdate, sayOnBridge, startLobbyDrill } from '../../drill/trainee-actions';
import { debriefOf, finishDrill } from '../../scoring/drill-debrief';
import { postmortemDraft } from '../../scoring/postmortem-draft';
import { DrillRewinds, branchDrill, ghostDrill, ghostRun, runComparisons } from '../../scoring/drill-rewind';
import type { LeaderboardRow } from '../../storage/drill-store';
import { toCsv } from '../../export/csv';
import { GamedayError } from '../../core/gameday-error';
import { worldFingerprint } from '../../drill/world-fingerprint';
import { isBearer, presentedToken } from '../plugins/auth';
import { envLines, participantRecord } from '../../drill/drill-workspace';
import { permissions, rolePermissions } from '../../gameday/session-roles';
import { ErrorSchema, Report, StringEnum, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin } from '../schemas/json-schema';

/** The onboarding path: the incidents in the order their specs rank them (`onboardingRank`), easiest first. */
export const onboardingPath: readonly string[] = scenarios
  .filter((scenario) => scenario.spec !== null)
  .sort((a, b) => a.spec!.onboardingRank - b.spec!.onboardingRank)
  .map((scenario) => scenario.id);

const conflict = { ...authErrors, 409: ErrorSchema };

const trainerRoutes: RoutesPlugin = async (fastify) => {
  // Finished drills opened at a moment: the last few replays kept, so scrubbing forward is cheap.
  const rewinds = new DrillRewinds(fastify.store);

  fastify.get(
    '/trainer/scenarios',
    {
      schema: {
        summary: 'The scenarios a drill can run, and the onboarding path',
        response: {
          200: Type.Object({
            scenarios: Type.Array(Type.Object({ id: Type.String(), incident: Type.Union([Type.String(), Type.Unsafe<null>({ type: 'null' })]), title: Type.String(), summary: Type.String(), difficulty: Type.String() })),
            onboarding: Type.Array(Type.String()),
          }),
        },
      },
    },
    async () => ({
      scenarios: scenarios.map(({ id, incident, title, summary, difficulty }) => ({ id, incident, title, summary, difficulty })),
      onboarding: [...onboardingPath],
    }),
  );

  fastify.get(
    '/trainer/me',
    {
      onRequest: fastify.requirePermission('view'),
      schema: {
        summary: 'Who this token is: in a game-day, your name, role and what it allows, and the export lines for your own shell',
        response: { 200: Report('{ name, role, permissions, env, shell }'), ...authErrors },
      },
    },
    async (request) => {
      const workspace = fastify.drillSlot.workspace;
      const actor = request.actor;
      if (!actor) return { name: fastify.drill.trainee.name, role: null, permissions: [...permissions], env: workspace ? envLines(workspace.record, { cd: true }) : [], shell: workspace?.shellCommand ?? null };
      const token = presentedToken(request, 'ADMIN_TOKEN');
      const env = workspace ? envLines(participantRecord(workspace.record, actor.id, token), { cd: true }) : [];
      return { name: actor.name, role: actor.role, permissions: [...rolePermissions[actor.role]], env, shell: null };
    },
  );

  fastify.get(
    '/trainer/series',
    {
      onRequest: fastify.requirePermission('view'),
      schema: {
        summary: 'Dashboard samples after a simulated time',
        querystring: Type.Object({ since: Type.Integer({ minimum: -1, default: -1 }) }),
        response: { 200: Report('{ samples: SeriesSample[] }'), ...authErrors },
      },
    },
    async (request) => ({ samples: fastify.drill.series.since(request.query.since) }),
  );

  fastify.post(
    '/trainer/drills',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Start a drill: a scenario, or "surprise" (scenario and alert time picked at random)',
        body: Type.Object(
          {
            trainee: Type.String({ minLength: 1, maxLength: 40, description: 'Your name' }),
            team: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Your team, for leaderboards and readiness metrics' })),
            scenario: StringEnum([...scenarios.map((scenario) => scenario.id), 'surprise']),
            difficulty: StringEnum(difficulties, { default: 'normal' }),
            ghost: Type.Optional(Type.Boolean({ description: 'Race the best finished run of this scenario and difficulty: its seed, its steps on your timeline' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Report('{ trainee, difficulty, surprise, ghost }'), ...conflict },
      },
    },
    async (request) => {
      if (fastify.session) throw new GamedayError('CONFLICT', `this drill is game-day ${fastify.session.code}'s; the facilitator starts and ends it`);
      const { ghost, ...choice } = request.body;
      if (ghost === true) {
        if (choice.scenario === 'surprise') throw new GamedayError('INVALID_PARAMETER', 'ghost: a ghost races a chosen scenario, not a surprise; pick a scenario', { field: 'ghost', allowed: scenarios.map((scenario) => scenario.id) });
        const previous = fastify.drill;
        const trainee = choice.trainee.trim();
        const raced = ghostDrill(fastify.store, { scenario: choice.scenario, difficulty: choice.difficulty }, {
          trainee,
          team: choice.team?.trim() ?? 'solo',
          clock: previous.clock.mode,
          speed: previous.clock.speed,
          ...(previous.options.onAlert ? { onAlert: previous.options.onAlert } : {}),
        });
        if (!raced) throw new GamedayError('CONFLICT', `no finished ranked run of ${choice.scenario} (${choice.difficulty}) with its inputs kept: no ghost to race yet`);
        previous.stop();
        raced.start();
        request.journal.detail.summary = `started a practice drill (${choice.difficulty}) as ${trainee}, racing ${raced.options.ghost!.trainee}'s best run`;
        request.journal.detail.scenario = choice.scenario;
        fastify.drillSlot.current = raced;
        fastify.pushView();
        return { trainee: raced.trainee.name, difficulty: raced.options.difficulty, surprise: false, ghost: { drillId: raced.options.ghost!.drillId, trainee: raced.options.ghost!.trainee, score: raced.options.ghost!.score } };
      }
      const { drill, surprise } = startLobbyDrill(fastify.drill, { ...choice, difficulty: choice.difficulty as Difficulty }, request.journal);
      // The request's journal entry goes into the drill in the slot when its answer has gone out: the new one.
      fastify.drillSlot.current = drill;
      fastify.pushView();
      return { trainee: drill.trainee.name, difficulty: drill.options.difficulty, surprise };
    },
  );

  fastify.post(
    '/trainer/acknowledge',
    {
      onRequest: fastify.requirePermission('acknowledge'),
      schema: {
        summary: 'Acknowledge the page: the alert the pager shows, or ?alert=, the one it showed when Acknowledge was pressed',
        querystring: Type.Object({ alert: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,99}$', description: 'an alert name as the pager shows it' })) }, { additionalProperties: false }),
        response: { 200: Report('{ alert, acknowledgedAtMs }'), ...conflict },
      },
    },
    async (request) => {
      const acknowledged = acknowledgePage(fastify.drill, request.journal, request.query.alert);
      fastify.pushView();
      return acknowledged;
    },
  );

  fastify.post(
    '/trainer/severity',
    {
      onRequest: fastify.requirePermission('severity'),
      schema: {
        summary: "Declare (or change) the incident's severity, with the impact assessment answers",
        body: Type.Object(
          {
            severity: StringEnum(['P1', 'P2', 'P3', 'P4'] as const),
            answers: Type.Object(Object.fromEntries(impactQuestions.map((question) => [question.id, Type.Optional(Type.Boolean({ description: question.text }))])), { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Report('{ severity, changes }'), ...authErrors },
      },
    },
    async (request) => {
      const declared = declareSeverity(fastify.drill, request.body, request.journal);
      fastify.pushView();
      return declared;
    },
  );

  fastify.post(
    '/trainer/bridge',
    { onRequest: fastify.requirePermission('bridge'), schema: { summary: 'Join the incident bridge', response: { 200: Report('{ joinedAtMs }'), ...conflict } } },
    async (request) => {
      const joined = joinBridge(fastify.drill, request.journal);
      fastify.pushView();
      return joined;
    },
  );

  fastify.post(
    '/trainer/bridge/messages',
    {
      onRequest: fastify.requirePermission('bridge'),
      schema: {
        summary: 'Say something on the incident bridge (once on it): the summary leadership asks for, what the secondary should watch',
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'what you say, up to 500 characters' }) }, { additionalProperties: false }),
        response: { 200: Report('{ lines }'), ...conflict },
      },
    },
    async (request) => {
      const said = sayOnBridge(fastify.drill, request.body.text.trim(), request.journal, request.actor?.name);
      fastify.pushView();
      return said;
    },
  );

  fastify.post(
    '/trainer/comms',
    {
      onRequest: fastify.requirePermission('comms'),
      schema: {
        summary: 'Post a message from one of the runbook templates to a channel',
        body: Type.Object(
          { channel: StringEnum(channels), template: StringEnum(commsTemplates), text: Type.String({ minLength: 1, maxLength: 4000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Report('{ posts }'), ...authErrors },
      },
    },
    async (request) => {
      const posted = postUpdate(fastify.drill, request.body, request.journal);
      fastify.pushView();
      return posted;
    },
  );

  fastify.post(
    '/trainer/escalations',
    {
      onRequest: fastify.requirePermission('escalate'),
      schema: {
        summary: 'Escalate to someone the runbook names',
        body: Type.Object({ to: StringEnum(escalationTargets) }, { additionalProperties: false }),
        response: { 200: Report('{ escalations }'), ...conflict },
      },
    },
    async (request) => {
      const escalated = escalate(fastify.drill, request.body.to, request.journal, request.actor?.name);
      fastify.pushView();
      return escalated;
    },
  );

  fastify.post(
    '/trainer/declare',
    {
      onRequest: fastify.requirePermission('declare'),
      schema: {
        summary: 'Declare the incident mitigated, or resolved (which ends the drill)',
        body: Type.Object({ state: StringEnum(['mitigated', 'resolved'] as const) }, { additionalProperties: false }),
        response: { 200: Report('{ state, drillId, score }'), ...conflict },
      },
    },
    async (request) => {
      const drill = fastify.drill;
      declareIncident(drill, request.body.state, request.journal);
      if (request.body.state === 'mitigated') {
        fastify.pushView();
        return { state: request.body.state, drillId: null, score: null };
      }
      // This request's own journal entry is written when its answer has gone out; the finish
      // needs it now, so it is recorded here and the hook skips it.
      drill.record({ source: 'ui', action: 'POST /trainer/declare', outcome: 'accepted', status: 200, detail: { ...request.journal.detail, method: 'POST', path: '/trainer/declare' } });
      request.journal.skip = true;
      const finished = finishDrill(drill, fastify.store, (done) => fastify.readiness.observe(done));
      fastify.session?.noteFinished();
      fastify.pushView();
      return { state: request.body.state, drillId: finished.id, score: finished.score.total };
    },
  );

  /**
   * A finished drill this caller may read. On a game-day session's server that is the session's
   * own drill only (the store holds every team's); on the main server, any: its admin token is
   * the operator's. An id the caller may not read is answered as one that does not exist.
   */
  const finishedDrill = (id: string) => {
    const own = fastify.session === null || id === fastify.drill.finishedId;
    const finished = own ? fastify.store.get(id) : undefined;
    if (!finished) throw new GamedayError('NOT_FOUND', `no finished drill ${id}${fastify.session ? ' in this game-day' : ''}`, { field: 'id' });
    return finished;
  };
  const readable = { ...authErrors, 404: ErrorSchema };
  /** The debrief, with its origin beside it (a branch) or its ghost (a race). */
  const debriefWithComparisons = (finished: ReturnType<typeof finishedDrill>) => ({ ...debriefOf(finished), durationMs: finished.durationMs, comparisons: runComparisons(fastify.store, finished) });

  fastify.get(
    '/trainer/debrief',
    { onRequest: fastify.requirePermission('view'), schema: { summary: "The debrief of the current drill, once it is declared resolved", response: { 200: Report('Debrief'), ...authErrors, 409: ErrorSchema } } },
    async () => {
      const id = fastify.drill.finishedId;
      if (id === null) throw new GamedayError('CONFLICT', 'the drill is not finished: declare it resolved first');
      return debriefWithComparisons(finishedDrill(id));
    },
  );

  fastify.get(
    '/trainer/drills/:id',
    { onRequest: fastify.requirePermission('view'), schema: { summary: 'The debrief of a finished drill', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Report('Debrief'), ...readable } } },
    async (request) => debriefWithComparisons(finishedDrill(request.params.id)),
  );

  fastify.get(
    '/trainer/drills/:id/at/:simMs',
    {
      onRequest: fastify.requirePermission('view'),
      schema: {
        summary: 'A finished drill as it was at a simulated moment (ms from its start, 0 to its duration): the drill page, read-only, replayed from its inputs',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), simMs: Type.String({ maxLength: 16 }) }),
        response: { 200: Report('{ drillId, simMs, durationMs, fingerprint, view, series }'), ...readable, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const finished = finishedDrill(request.params.id);
      const raw = request.params.simMs;
      return rewinds.at(finished, /^\d+$/.test(raw) ? Number(raw) : Number.NaN);
    },
  );

  fastify.post(
    '/trainer/drills/:id/branch',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Start a practice drill from a finished drill at a simulated moment: its world as it was then, and you go on from there',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ atMs: Type.Number({ description: 'Simulated ms from the start of the finished drill, before its resolution' }) }, { additionalProperties: false }),
        response: { 200: Report('{ branchOf, atMs, fingerprint }'), ...readable, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      if (fastify.session) throw new GamedayError('CONFLICT', `this drill is game-day ${fastify.session.code}'s; a branch runs on the main server`);
      const origin = finishedDrill(request.params.id);
      const previous = fastify.drill;
      const branch = branchDrill(fastify.store, rewinds, origin, request.body.atMs, {
        clock: previous.clock.mode,
        ...(previous.options.onAlert ? { onAlert: previous.options.onAlert } : {}),
      });
      previous.stop();
      request.journal.detail.summary = `branched drill ${origin.id} at T+${Math.round(request.body.atMs / 60_000)} min`;
      fastify.drillSlot.current = branch;
      fastify.pushView();
      return { branchOf: origin.id, atMs: request.body.atMs, fingerprint: worldFingerprint(branch) };
    },
  );

  fastify.get(
    '/trainer/ghost',
    {
      onRequest: fastify.requirePermission('view'),
      schema: {
        summary: 'The ghost a drill of this scenario and difficulty would race: the best finished ranked run with its inputs kept (on a seed, when given)',
        querystring: Type.Object({
          scenario: StringEnum(scenarios.map((scenario) => scenario.id)),
          difficulty: StringEnum(difficulties, { default: 'normal' }),
          seed: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Report('{ ghost: { drillId, trainee, score, seed, steps } | null }'), ...authErrors, 400: ErrorSchema },
      },
    },
    async (request) => {
      const found = ghostRun(fastify.store, request.query);
      return { ghost: found ? { drillId: found.ghost.drillId, trainee: found.ghost.trainee, score: found.ghost.score, seed: found.run.options.seed, steps: found.ghost.steps.length } : null };
    },
  );

  fastify.get(
    '/trainer/drills/:id/postmortem.md',
    { onRequest: fastify.requirePermission('view'), schema: { summary: "The runbook's post-mortem template, filled from the drill's journal", params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Type.String(), ...readable } } },
    async (request, reply) => {
      const finished = finishedDrill(request.params.id);
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="postmortem-${finished.scenario}-${finished.finishedAt.slice(0, 10)}.md"`)
        .send(postmortemDraft(finished));
    },
  );

  fastify.get(
    '/trainer/leaderboard',
    {
      schema: {
        summary: "Each trainee's best ranked drill, best first (ties broken by time); CSV or JSON",
        querystring: Type.Object({
          scenario: Type.Optional(StringEnum(scenarios.map((scenario) => scenario.id))),
          difficulty: Type.Optional(StringEnum(difficulties)),
          format: StringEnum(['json', 'csv'] as const, { default: 'json' }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Report('{ rows: LeaderboardRow[] } or CSV'), 400: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { scenario, difficulty, format, limit } = request.query;
      // A frozen leaderboard (a competition in progress) shows the standings at the freeze to
      // everyone but the facilitator.
      const frozenAt = fastify.leaderboardFreeze.frozenAt;
      const facilitator = frozenAt !== null && isBearer(request.headers.authorization, fastify.tokens.facilitator);
      const rows = fastify.store.leaderboard({ scenario, difficulty, limit, finishedBefore: facilitator ? undefined : (frozenAt ?? undefined) });
      if (format === 'json') return { rows, frozenAt };
      const csv = toCsv<LeaderboardRow>(['rank', 'trainee', 'team', 'scenario', 'difficulty', 'score', 'ttrMs', 'finishedAt', 'drillId'], rows);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="leaderboard.csv"').send(csv);
    },
  );

  fastify.post(
    '/trainer/fast-forward',
    {
      onRequest: fastify.requirePermission('fast-forward'),
      schema: {
        summary: 'Skip ahead through a quiet stretch (no alert firing)',
        body: Type.Object({ minutes: Type.Integer({ minimum: 1, maximum: 30 }) }, { additionalProperties: false }),
        response: { 200: Report('{ simMs }'), ...conflict },
      },
    },
    async (request) => {
      const skipped = fastForward(fastify.drill, request.body.minutes, request.journal);
      fastify.pushView();
      return skipped;
    },
  );
};

export default trainerRoutes;
