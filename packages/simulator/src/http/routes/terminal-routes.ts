/**
 * `POST /trainer/terminal`: one line typed in the in-browser terminal, run against the drill
 * (see terminal-runner.ts for what may run). Needs the admin token, like the admin API the
 * line reaches: the UI has it from the address `gameday serve` prints.
 */
import { GamedayError } from '../errors';
import { ErrorSchema, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin } from '../schemas/json-schema';
import { runTerminalLine } from '../../terminal/terminal-runner';
import { drillEnvironment, participantRecord } from '../../drill/drill-workspace';
import { bearerToken } from '../plugins/auth';

const terminalRoutes: RoutesPlugin = async (fastify) => {
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
          503: ErrorSchema,
        },
      },
    },
    async (request) => {
      const workspace = fastify.drillSlot.workspace;
      if (!workspace) throw new GamedayError('INTERNAL', 'the drill folder is not ready yet; try again in a moment');
      const drill = fastify.drill;
      const started = performance.now();
      request.journal.detail.command = request.body.command.slice(0, 500);
      // A game-day participant's line runs as them: their token and kubeconfig, so every request
      // it makes is theirs in the journal and limited by their role.
      const actor = request.actor;
      const record = actor === null ? workspace.record : participantRecord(workspace.record, actor.id, bearerToken(request.headers.authorization, 'ADMIN_TOKEN'));
      const result = await runTerminalLine(request.body.command, {
        cwd: workspace.record.drillDir,
        env: drillEnvironment(record, workspace.home),
        now: drill.simDate(),
        port: workspace.record.port,
      });
      request.journal.detail.exitCode = result.exitCode;
      return { ...result, durationMs: Math.round(performance.now() - started) };
    },
  );
};

export default terminalRoutes;
