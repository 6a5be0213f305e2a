/**
 * Makes the drill and the tokens that guard it available to every route, as `fastify.drill`
 * and `fastify.tokens`.
 */
import fp from 'fastify-plugin';
import type { Drill } from '../../drill/drill';
import type { ServeRecord } from '../../drill/drill-workspace';

export interface Tokens {
  admin: string;
  facilitator: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    drill: Drill;
    drillSlot: DrillSlot;
    tokens: Tokens;
  }
}

/**
 * Where the app finds its drill. A server usually keeps one drill for its life; the runbook
 * checker keeps one server and puts a fresh drill in the slot for each section.
 */
export class DrillSlot {
  /** The drill folder and the environment its commands run in, once the server has a port. */
  workspace: { record: ServeRecord; home: string } | undefined;

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
    fastify.decorate('drillSlot', slot);
    fastify.decorate('tokens', options.tokens);
    done();
  },
  { name: 'drill-context', fastify: '5.x' },
);
