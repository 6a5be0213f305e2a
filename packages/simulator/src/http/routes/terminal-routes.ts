/**
 * `POST /trainer/terminal`: one line typed in the in-browser terminal, run against the drill
 * (see terminal-runner.ts for what may run, sandbox.ts for where). Needs the admin token, or a
 * game-day participant's, like the admin API the line reaches: the UI has it from its address.
 */
import { GamedayError } from '../../core/gameday-error';
import { ErrorSchema, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { runTerminalLine, terminalContext } from '../../terminal/terminal-runner';
import { detectSandbox, terminalSandbox, type SandboxStatus } from '../../terminal/sandbox';
import { participantRecord } from '../../drill/drill-workspace';
import { presentedToken } from '../plugins/auth';

/** How the terminal runs its programs. */
export interface TerminalOptions {
  /** Without a working bwrap, run lines for clients on other machines too (`gameday serve --unsafe-terminal`). */
  unsafe?: boolean | undefined;
  /** Whether programs can be sandboxed (or the probe finding out); detected, once per process, when not given. */
  sandbox?: SandboxStatus | Promise<SandboxStatus> | undefined;
}

const terminalRoutes: RoutesPlugin<{ terminal?: TerminalOptions | undefined }> = async (fastify, options) => {
  const unsafe = options.terminal?.unsafe ?? false;
  const given = options.terminal?.sandbox;
  fastify.post(
    '/trainer/terminal',
    {
      onRequest: fastify.requireAdmin,
      schema: {
        summary: 'Run one terminal line against the drill',
        body: Type.Object({ command: Type.String({ maxLength: 8192, description: 'The line as typed; pipes and > file work' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ stdout: Type.String(), stderr: Type.String(), exitCode: Type.Integer(), durationMs: Type.Number() }),
          ...authErrors,
          403: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request) => {
      const workspace = fastify.drillSlot.workspace;
      if (!workspace) throw new GamedayError('INTERNAL', 'the drill folder is not ready yet; try again in a moment');
      const sandbox = terminalSandbox(await (given ?? detectSandbox()), { clientAddress: request.socket.remoteAddress, unsafe });
      const started = performance.now();
      request.journal.detail.command = request.body.command.slice(0, 500);
      // A game-day participant's line runs as them: their token, folder and kubeconfig, so every
      // request it makes is theirs in the journal and limited by their role.
      const actor = request.actor;
      const record = actor === null ? workspace.record : participantRecord(workspace.record, actor.id, presentedToken(request, 'ADMIN_TOKEN'));
      const result = await runTerminalLine(request.body.command, terminalContext(record, fastify.drill.simDate(), sandbox));
      request.journal.detail.exitCode = result.exitCode;
      return { ...result, durationMs: Math.round(performance.now() - started) };
    },
  );
};

export default terminalRoutes;
