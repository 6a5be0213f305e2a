/**
 * The service's operational endpoints: drain, status, GC, integrity, stuck tasks, rollbacks,
 * snapshots, proof workers and stake. The runbook reaches drain with curl and the rest through
 * `agenc`, which sends its command line in `X-Agenc-Command` for the journal.
 */
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { guardEveryRoute } from '../plugins/auth';
import { proofWorkerReport, rollbacksReport, slashingHistoryReport, statusReport, stuckReport } from '../../drill/service-reports';
import { clearSnapshots, drainSpeculation, runGc, runIntegrityCheck, snapshotStake, timeoutProofs } from '../../drill/service-actions';
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
      const result = await drainSpeculation(fastify.drill, request.query.wait_s * 1000, request.journal);
      return result.status === 'drained' ? result : reply.status(202).send(result);
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
    async (request) => ({ component: request.body.component, force: request.body.force, pods: runGc(fastify.drill, request.body.force, request.journal) }),
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
      const { report, finished } = await runIntegrityCheck(fastify.drill, request.body.full, request.query.wait_s * 1000, request.journal);
      return finished ? report : reply.status(202).send(report);
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
    async (request) => clearSnapshots(fastify.drill, request.body.older_than_ms, request.body.dry_run, request.journal),
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
    async (request) => timeoutProofs(fastify.drill, request.body.older_than_ms, request.journal),
  );

  fastify.get(
    '/admin/stake/status',
    { schema: { summary: 'The validator stake now', response: { 200: Report('StakeReport'), ...authErrors } } },
    async (request) => snapshotStake(fastify.drill, request.journal),
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
