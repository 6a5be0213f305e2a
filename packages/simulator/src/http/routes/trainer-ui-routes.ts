/**
 * The trainer UI: the built React app at `/`, and the trainee's view of the drill at
 * `/trainer/state`. The trainee's view never names the scenario: working out which incident
 * this is belongs to the drill.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import { traineeView } from '../../drill/trainee-view';
import { Report } from '../schemas/common-schemas';

const trainerUiRoutes: FastifyPluginAsyncTypebox<{ uiDir?: string | undefined }> = async (fastify, options) => {
  fastify.get('/trainer/state', { schema: { summary: "The trainee's view of the drill", response: { 200: Report('TraineeView') } } }, async () => traineeView(fastify.drill));

  const uiDir = options.uiDir;
  if (uiDir !== undefined && existsSync(join(uiDir, 'index.html'))) {
    await fastify.register(fastifyStatic, { root: uiDir, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    fastify.get('/', { schema: { response: { 200: Type.String() } } }, async (_request, reply) =>
      reply.type('text/plain').send('The trainer UI is not built. Run `pnpm build` at the repository root, then restart `gameday serve`.\n'),
    );
  }
};

export default trainerUiRoutes;
