/**
 * Makes the drill and the tokens that guard it available to every route, as `fastify.drill`
 * and `fastify.tokens`.
 */
import fp from 'fastify-plugin';
import type { Drill } from '../../drill/drill';

export interface Tokens {
  admin: string;
  facilitator: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    drill: Drill;
    tokens: Tokens;
  }
}

export interface DrillContextOptions {
  drill: Drill;
  tokens: Tokens;
}

export default fp<DrillContextOptions>(
  (fastify, options, done) => {
    fastify.decorate('drill', options.drill);
    fastify.decorate('tokens', options.tokens);
    done();
  },
  { name: 'drill-context', fastify: '5.x' },
);
