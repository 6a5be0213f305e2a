/**
 * Makes the drill and the tokens that guard it available to every route, as `fastify.drill`
 * and `fastify.tokens`.
 */
import fp from 'fastify-plugin';
import type { Drill } from '../../drill/drill';
import type { ServeRecord } from '../../drill/drill-workspace';
import type { GameDaySession } from '../../gameday/game-day-session';
import type { GameDayHub } from '../../gameday/game-day-hub';

export interface Tokens {
  admin: string;
  facilitator: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    drill: Drill;
    drillSlot: DrillSlot;
    tokens: Tokens;
    /** The game-day session this server runs, when it is a session's own server. */
    session: GameDaySession | null;
    /** The game-day hub, on the main server. */
    hub: GameDayHub | null;
    /** A competition's leaderboard freeze (the hub's), seen by every server of the process. */
    leaderboardFreeze: LeaderboardFreeze;
  }
}

export interface LeaderboardFreeze {
  frozenAt: string | null;
}

/**
 * Where the app finds its drill. A server usually keeps one drill for its life; the runbook
 * checker keeps one server and puts a fresh drill in the slot for each section.
 */
export class DrillSlot {
  /** The drill's folders and the admin's settings, once the server has a port. */
  /** The drill's folder and tokens as written for shells, and the line that points a shell at it. */
  workspace: { record: ServeRecord; shellCommand: string } | undefined;

  /** Told when another drill takes the slot (a drill started from the lobby): a live drill's log follows it. */
  onReplace: ((next: Drill, previous: Drill) => void) | undefined;

  constructor(private drill: Drill) {}

  get current(): Drill {
    return this.drill;
  }

  set current(next: Drill) {
    const previous = this.drill;
    this.drill = next;
    if (next !== previous) this.onReplace?.(next, previous);
  }
}

export interface DrillContextOptions {
  drill: Drill;
  /** Give a slot to swap the drill later; without one the app keeps `drill`. */
  slot?: DrillSlot | undefined;
  tokens: Tokens;
  session?: GameDaySession | undefined;
  hub?: GameDayHub | undefined;
  leaderboardFreeze?: LeaderboardFreeze | undefined;
}

export default fp<DrillContextOptions>(
  (fastify, options, done) => {
    const slot = options.slot ?? new DrillSlot(options.drill);
    fastify.decorate('drill', { getter: () => slot.current });
    fastify.decorate('drillSlot', slot);
    fastify.decorate('tokens', options.tokens);
    fastify.decorate('session', options.session ?? null);
    fastify.decorate('hub', options.hub ?? null);
    fastify.decorate('leaderboardFreeze', options.leaderboardFreeze ?? options.hub ?? { frozenAt: null });
    done();
  },
  { name: 'drill-context', fastify: '5.x' },
);
