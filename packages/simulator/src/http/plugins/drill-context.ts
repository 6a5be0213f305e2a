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

/**
 * Where the app finds its drill. A server usually keeps one drill for its life; the runbook
 * checker keeps one server and puts a fresh drill in the slot for each section.
 */
export class DrillSlot {
  constructor(public current: Drill) {}
}

export interface DrillContextOptions {
  drill: Drill;
  /** Give a slot to swap the drill later; without one the app keeps `drill`. */
  slot?: DrillSlot | undefined;
  tokens: Tokens;
}

export default fp<DrillContextOptions>(
  (fastify, options, done) => {
    const slot = options.slot ?? new DrillSlot(options.drill);
    fastify.decorate('drill', { getter: () => slot.current });
    fastify.decorate('tokens', options.tokens);
    done();
  },
  { name: 'drill-context', fastify: '5.x' },
);
