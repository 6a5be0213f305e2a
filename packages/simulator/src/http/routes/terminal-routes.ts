/**
 * `POST /trainer/terminal`: one line typed in the in-browser terminal, run against the drill
 * (see terminal-runner.ts for what may run, sandbox.ts for where). Needs the admin token, or a
 * game-day participant's, like the admin API the line reaches: the UI has it from its address.
 * `POST /trainer/terminal/interrupt` is Ctrl+C: it kills the caller's own running line (the
 * client names it by the run id it gave the line); a client that goes away kills its line too.
 * `POST /trainer/terminal/complete` is Tab: the words that could stand at the cursor.
 */
import { GamedayError } from '../../core/gameday-error';
import { ErrorSchema, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { runTerminalLine, terminalContext } from '../../terminal/terminal-runner';
import { completeTerminalLine, maxCandidates, type ClusterNames } from '../../terminal/terminal-completion';
import { namespaces } from '../../world/cluster';
import type { Drill } from '../../drill/drill';
import type { FastifyRequest } from 'fastify';
import { detectSandbox, terminalSandbox, type SandboxStatus } from '../../terminal/sandbox';
import { participantRecord } from '../../drill/drill-workspace';
import { presentedToken } from '../plugins/auth';
import { clientAddress } from '../plugins/drill-router';

/** How the terminal runs its programs. */
export interface TerminalOptions {
  /** Without a working bwrap, run lines for clients on other machines too (`gameday serve --unsafe-terminal`). */
  unsafe?: boolean | undefined;
  /** Whether programs can be sandboxed (or the probe finding out); detected, once per process, when not given. */
  sandbox?: SandboxStatus | Promise<SandboxStatus> | undefined;
}

/** A client's name for one running line: letters, digits, `-` and `_` (a UUID fits). */
const RunId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$', description: "The client's id for this line, to interrupt it with" });
const maxLine = 8192;

/** The cluster's names a line may use, for completion. */
function clusterNames(drill: Drill): ClusterNames {
  const cluster = drill.world.cluster;
  const byNamespace = (items: Iterable<{ namespace: string; name: string }>) => {
    const grouped: Record<string, string[]> = {};
    for (const item of items) (grouped[item.namespace] ??= []).push(item.name);
    return grouped;
  };
  return { namespaces, deployments: byNamespace(cluster.deployments.values()), pods: byNamespace(cluster.pods), nodes: cluster.nodes.map((node) => node.name) };
}

/** Whose lines these are: a participant's own, else the token's holder (admin). Another's line cannot be interrupted. */
const runOwner = (request: FastifyRequest) => request.actor?.id ?? request.tokenOwner ?? 'anonymous';

const terminalRoutes: RoutesPlugin<{ terminal?: TerminalOptions | undefined }> = async (fastify, options) => {
  const unsafe = options.terminal?.unsafe ?? false;
  const given = options.terminal?.sandbox;
  // The lines running now, by owner and run id: what Ctrl+C can stop. Each leaves when its line ends.
  const running = new Map<string, AbortController>();
  fastify.post(
    '/trainer/terminal',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Run one terminal line against the drill',
        body: Type.Object(
          {
            command: Type.String({ maxLength: maxLine, description: 'The line as typed; pipes and > file work' }),
            runId: Type.Optional(RunId),
            columns: Type.Optional(Type.Integer({ minimum: 20, maximum: 500, description: "The terminal's width in characters: the programs' COLUMNS" })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ stdout: Type.String(), stderr: Type.String(), exitCode: Type.Integer(), durationMs: Type.Number() }),
          ...authErrors,
          403: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const workspace = fastify.drillSlot.workspace;
      if (!workspace) throw new GamedayError('INTERNAL', 'the drill folder is not ready yet; try again in a moment');
      const sandbox = terminalSandbox(await (given ?? detectSandbox()), { clientAddress: clientAddress(request.raw), unsafe });
      const started = performance.now();
      request.journal.detail.command = request.body.command.slice(0, 500);
      // What the line's programs ask of the service is journaled after this: the timeline folds
      // those entries (by this user, up to the line's own) into the line.
      request.journal.detail.sinceSeq = fastify.drill.journal.lastSeq;
      // A game-day participant's line runs as them: their token, folder and kubeconfig, so every
      // request it makes is theirs in the journal and limited by their role.
      const actor = request.actor;
      const record = actor === null ? workspace.record : participantRecord(workspace.record, actor.id, presentedToken(request, 'ADMIN_TOKEN'));
      const abort = new AbortController();
      const key = request.body.runId === undefined ? undefined : `${runOwner(request)}\n${request.body.runId}`;
      if (key !== undefined) {
        if (running.has(key)) throw new GamedayError('CONFLICT', `a line with the run id ${request.body.runId} is running already; give each line an id of its own`, { field: 'runId' });
        running.set(key, abort);
      }
      // A client that closes the connection (a closed tab, an aborted fetch) stops its line.
      const gone = () => {
        if (!reply.raw.writableFinished) abort.abort();
      };
      reply.raw.once('close', gone);
      try {
        const { refused, ...result } = await runTerminalLine(request.body.command, { ...terminalContext(record, fastify.drill.simDate(), sandbox), signal: abort.signal, columns: request.body.columns });
        request.journal.detail.exitCode = result.exitCode;
        if (refused) request.journal.detail.refused = true;
        if (abort.signal.aborted) request.journal.detail.interrupted = true;
        return { ...result, durationMs: Math.round(performance.now() - started) };
      } finally {
        if (key !== undefined) running.delete(key);
      }
    },
  );

  fastify.post(
    '/trainer/terminal/interrupt',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: "Ctrl+C: stop the caller's own running terminal line",
        body: Type.Object({ runId: RunId }, { additionalProperties: false }),
        response: { 200: Type.Object({ interrupted: Type.Boolean({ description: 'false when no line of yours with that id was running' }) }), ...authErrors, 403: ErrorSchema },
      },
    },
    async (request) => {
      // Ctrl+C is part of the line it stops, whose own entry says it was interrupted.
      request.journal.skip = true;
      const line = running.get(`${runOwner(request)}\n${request.body.runId}`);
      line?.abort();
      return { interrupted: line !== undefined };
    },
  );

  fastify.post(
    '/trainer/terminal/complete',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Tab: the words that could stand at the cursor (programs, verbs, flags and their values, the cluster\'s names)',
        body: Type.Object({ line: Type.String({ maxLength: maxLine }), cursor: Type.Integer({ minimum: 0, maximum: maxLine }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ from: Type.Integer(), candidates: Type.Array(Type.String(), { maxItems: maxCandidates }) }), ...authErrors, 403: ErrorSchema },
      },
    },
    async (request) => {
      // A key press, not an action: a completion leaves no entry in the journal.
      request.journal.skip = true;
      return completeTerminalLine(request.body.line, request.body.cursor, clusterNames(fastify.drill));
    },
  );
};

export default terminalRoutes;
