// Child process for the benchmark: our app (built) and a trivial Fastify route, side by side in
// one process, so their req/s are measured on the same runtime and the ratio is fair.
import Fastify from '../../packages/simulator/node_modules/fastify/fastify.js';
import { Drill, createServer } from '../../packages/simulator/dist/index.js';

const drill = new Drill({ scenario: 'baseline', seed: 1, clock: 'realtime', speed: 1, difficulty: 'normal', journalCapacity: 10_000 });
drill.start();
// "Our trivial route": a POST in our own server, behind the same plugins and hooks, that reads
// the body and answers; the admin route's ratio to it is what the admin handler itself costs.
const app = await createServer({
  drill,
  tokens: { admin: 'bench-admin', facilitator: 'bench-facilitator' },
  extend: async (fastify) => {
    fastify.post('/bench/trivial', async (request) => ({ ok: typeof request.body === 'object' }));
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });

// The baseline endpoint does the least a real one must: read the body curl sends (JSON labelled
// form-urlencoded) and answer 200. Without the parser it would answer 415 without reading it.
const trivial = Fastify({ logger: false });
trivial.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, JSON.parse(body)));
trivial.post('/admin/config', async (request) => ({ ok: typeof request.body === 'object' }));
await trivial.listen({ port: 0, host: '127.0.0.1' });

process.stdout.write(`${JSON.stringify({ app: app.server.address().port, trivial: trivial.server.address().port })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await trivial.close();
  drill.stop();
  process.exit(0);
});
