/**
 * The service's operational endpoints: drain, status, GC, integrity, stuck tasks, rollbacks,
 * snapshots, proof workers and stake. The runbook reaches drain with curl and the rest through
 * `agenc`, which sends its command line in `X-Agenc-Command` for the journal.
 */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { guardEveryRoute } from '../plugins/auth';
import {
  integrityReport,
  proofWorkerReport,
  rollbacksReport,
  slashingHistoryReport,
  stakeReport,
  statusReport,
  stuckReport,
} from '../../drill/service-reports';
import { DurationMs, ErrorSchema, Report, StringEnum, authErrors } from '../schemas/common-schemas';

const components = ['speculation'] as const;
const Component = StringEnum(components, { description: 'The component to act on', default: 'speculation' });

const DrainResult = Type.Object({
  status: StringEnum(['drained', 'draining'] as const),
  drainedTasks: Type.Integer({ description: 'Tasks in flight when the drain started' }),
  remainingTasks: Type.Integer(),
  durationMs: Type.Integer({ description: 'Simulated time the drain took (or has taken so far)' }),
  message: Type.String(),
});

const adminOperationsRoutes: RoutesPlugin = async (fastify) => {
  guardEveryRoute(fastify, fastify.requireAdmin);

  fastify.post(
    '/admin/speculation/drain',
    {
      schema: {
        summary: 'Stop new speculative tasks and wait until in-flight ones finish',
        description:
          'Answers 200 once drained. With the virtual clock the clock skips ahead to that moment (journaled as clock.skip); in real time it waits up to wait_s wall seconds and then answers 202 while the drain goes on.',
        querystring: Type.Object({
          wait_s: Type.Integer({ minimum: 0, maximum: 600, default: 110, description: 'Wall seconds to wait before answering 202 (real-time clock)' }),
        }),
        response: { 200: DrainResult, 202: DrainResult, 401: ErrorSchema, 400: ErrorSchema },
      },
    },
    async (request, reply) => {
      const drill = fastify.drill;
      const world = drill.world;
      const alreadyDraining = world.draining;
      const startedMs = alreadyDraining ? world.drainStartedMs : drill.clock.now();
      const drainedTasks = Math.round(world.activeTasks);
      world.startDrain();
      request.journal.detail.tasksInFlight = drainedTasks;
      request.journal.detail.joinedRunningDrain = alreadyDraining;
      const result = (status: 'drained' | 'draining') => ({
        status,
        drainedTasks,
        remainingTasks: status === 'drained' ? 0 : Math.round(world.activeTasks) + world.stuckTasks.length,
        durationMs: drill.clock.now() - startedMs,
        message:
          status === 'drained'
            ? `drained ${drainedTasks} in-flight speculative tasks in ${Math.round((drill.clock.now() - startedMs) / 1000)}s (simulated); new tasks start again while speculation.enabled is true`
            : `still draining after ${request.query.wait_s}s; the drain continues in the background (see agenc admin status)`,
      });
      if (drill.clock.mode === 'virtual') {
        // Never hang on simulated time: skip the clock to the moment the drain completes.
        drill.skipUntil(() => !world.draining, 30 * 60_000, 'waiting for drain');
        return world.draining ? reply.status(202).send(result('draining')) : result('drained');
      }
      const drained = drill.whenDrained().then(() => true);
      const timeout = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), request.query.wait_s * 1000);
        void drained.then(() => clearTimeout(timer));
      });
      const done = await Promise.race([drained, timeout]);
      return done ? result('drained') : reply.status(202).send(result('draining'));
    },
  );

  fastify.get(
    '/admin/status',
    {
      schema: {
        summary: 'Health of a component: status, reasons, pods, queues, alerts',
        querystring: Type.Object({ component: Component, verbose: Type.Boolean({ default: false }) }),
        response: { 200: Report('StatusReport'), ...authErrors },
      },
    },
    async (request) => statusReport(fastify.drill, request.query.verbose),
  );

  fastify.post(
    '/admin/gc',
    {
      schema: {
        summary: 'Run garbage collection on every speculation pod',
        body: Type.Object({ component: Component, force: Type.Boolean({ default: false, description: 'A forced full GC frees retained garbage; a normal one little' }) }, { additionalProperties: false }),
        response: { 200: Report('{ component, force, pods: [{ pod, beforeBytes, afterBytes }] }'), ...authErrors },
      },
    },
    async (request) => {
      const drill = fastify.drill;
      const pods = drill.world.runGc(request.body.force);
      request.journal.detail.force = request.body.force;
      request.noteHarm(drill.notify({ type: 'gc.forced' }));
      return { component: request.body.component, force: request.body.force, pods };
    },
  );

  fastify.post(
    '/admin/check-integrity',
    {
      schema: {
        summary: 'Run a state integrity check; a full one scans every shard (42 s simulated) and reports the scope',
        description:
          'A quick check reads a sample of the records (3 s simulated); a full one reads them all (42 s). Answers 200 with the result once the scan has finished: with the virtual clock the clock skips ahead to that moment (journaled as clock.skip); in real time it waits up to wait_s wall seconds and then answers 202 with status running while the scan goes on (its result then shows in agenc admin status).',
        querystring: Type.Object({
          wait_s: Type.Integer({ minimum: 0, maximum: 600, default: 110, description: 'Wall seconds to wait before answering 202 (real-time clock)' }),
        }),
        body: Type.Object({ component: Component, full: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: Report('IntegrityReport'), 202: Report('IntegrityReport (status running)'), ...authErrors },
      },
    },
    async (request, reply) => {
      const drill = fastify.drill;
      request.journal.detail.full = request.body.full;
      const { scan, result, previousFull } = await drill.checkIntegrity(request.body.full, request.query.wait_s * 1000);
      const report = integrityReport(drill, scan, result, previousFull);
      if (result === undefined) return reply.status(202).send(report);
      request.journal.detail.corruptedRecords = report.corruptedRecords;
      return report;
    },
  );

  fastify.get(
    '/admin/speculation/stuck',
    {
      schema: {
        summary: 'Speculative tasks running longer than a threshold',
        querystring: Type.Object({ threshold_ms: DurationMs('Report tasks running at least this long', 60_000) }),
        response: { 200: Report('StuckReport'), ...authErrors },
      },
    },
    async (request) => stuckReport(fastify.drill, request.query.threshold_ms),
  );

  fastify.get(
    '/admin/speculation/rollbacks',
    {
      schema: {
        summary: 'Rollbacks over a window: totals, causes, and with verbose the (sampled) events',
        querystring: Type.Object({ since_ms: DurationMs('Window length', 600_000), verbose: Type.Boolean({ default: false }) }),
        response: { 200: Report('RollbacksReport'), ...authErrors },
      },
    },
    async (request) => rollbacksReport(fastify.drill, request.query.since_ms, request.query.verbose),
  );

  fastify.post(
    '/admin/speculation/snapshots/clear',
    {
      schema: {
        summary: 'Delete state snapshots older than a given age',
        body: Type.Object(
          {
            older_than_ms: Type.Integer({ minimum: 60_000, maximum: 30 * 86_400_000, description: 'Delete snapshots older than this' }),
            dry_run: Type.Boolean({ default: false, description: 'Report what would be deleted, delete nothing' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Report('{ removed, freedBytes, dryRun, remaining }'), ...authErrors },
      },
    },
    async (request) => {
      const drill = fastify.drill;
      const { older_than_ms: olderThanMs, dry_run: dryRun } = request.body;
      const result = drill.world.clearSnapshots(olderThanMs, dryRun);
      request.journal.detail.olderThanMs = olderThanMs;
      request.journal.detail.dryRun = dryRun;
      request.journal.detail.removed = result.removed;
      if (!dryRun) request.noteHarm(drill.notify({ type: 'snapshots.cleared', removed: result.removed, olderThanMs }));
      return { ...result, dryRun, remaining: drill.world.snapshotCount() };
    },
  );

  fastify.get(
    '/admin/proof-worker/status',
    { schema: { summary: 'Proof workers, the proof queue and stuck proofs', response: { 200: Report('ProofWorkerReport'), ...authErrors } } },
    async () => proofWorkerReport(fastify.drill),
  );

  fastify.post(
    '/admin/proof-worker/timeout',
    {
      schema: {
        summary: 'Time out stuck proofs older than a given age; they are requeued and their worker slots freed',
        body: Type.Object({ older_than_ms: Type.Integer({ minimum: 0, maximum: 30 * 86_400_000 }) }, { additionalProperties: false }),
        response: { 200: Report('{ timedOut, olderThanMs, stuckRemaining }'), ...authErrors },
      },
    },
    async (request) => {
      const drill = fastify.drill;
      const timedOut = drill.world.timeoutProofs(request.body.older_than_ms);
      request.journal.detail.timedOut = timedOut;
      request.noteHarm(drill.notify({ type: 'proofs.timedOut', count: timedOut }));
      return { timedOut, olderThanMs: request.body.older_than_ms, stuckRemaining: drill.world.stuckProofCount() };
    },
  );

  fastify.get(
    '/admin/stake/status',
    { schema: { summary: 'The validator stake now', response: { 200: Report('StakeReport'), ...authErrors } } },
    async (request) => {
      const drill = fastify.drill;
      const report = stakeReport(drill);
      request.journal.detail.stakedTokens = report.stakedTokens;
      request.noteHarm(drill.notify({ type: 'stake.snapshotted' }));
      return report;
    },
  );

  fastify.get(
    '/admin/stake/slashing-history',
    {
      schema: {
        summary: 'Slashing events in a window, newest first',
        querystring: Type.Object({ since_ms: DurationMs('Window length', 86_400_000) }),
        response: { 200: Report('SlashingHistoryReport'), ...authErrors },
      },
    },
    async (request) => slashingHistoryReport(fastify.drill, request.query.since_ms),
  );

  fastify.get(
    '/admin/logs',
    {
      schema: {
        summary: 'Recent service log lines',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 2000, default: 100 }), pod: Type.Optional(Type.String()) }),
        response: { 200: Report('{ lines: [{ at, pod, level, message }] }'), ...authErrors },
      },
    },
    async (request) => {
      const drill = fastify.drill;
      return {
        lines: drill.world.logs.recent(request.query.limit, request.query.pod).map((line) => ({ at: drill.simDate(line.simMs).toISOString(), pod: line.pod, level: line.level, message: line.message })),
      };
    },
  );
};

export default adminOperationsRoutes;
