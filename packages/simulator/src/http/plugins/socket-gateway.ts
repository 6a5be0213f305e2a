/**
 * Live updates for the trainer UI over socket.io: the trainee's view of the drill, pushed every
 * wall second and right after each trainee action (`fastify.pushView()`). A socket needs the
 * admin token, which the UI has from the address `gameday serve` prints.
 *
 * With a store shared by instances (`views`), the drill's views also go to the fleet
 * (`fleet-views.ts`), and the main server's socket.io carries the PostgreSQL adapter: a viewer
 * with a token of any live drill of the fleet may connect to it.
 */
import fp from 'fastify-plugin';
import type { Server } from 'socket.io';
import { traineeView, type TraineeView } from '../../drill/trainee-view';
import { tokensEqual } from '../../core/token-compare';
import { rolePermissions } from '../../gameday/session-roles';
import { refuseUpgrade } from '../malformed-requests';
import type { FleetViews, ViewerIdentity } from '../fleet-views';
import { tokenHash } from '../../gameday/lease-keeper';

export interface SocketGatewayOptions {
  /** Live views across instances: the fleet, this server's drill slot, and whether this is the instance's main server (the one with the adapter). */
  views?: { fleet: FleetViews; slot: string; main: boolean } | undefined;
}

/** The sockets that watch this server's own drill (a fleet's viewers of other drills are in their `view:` rooms). */
const ownRoom = 'drill';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends the current view to every connected UI now. */
    pushView: () => void;
    /** UIs connected now. */
    viewerCount: () => number;
    /** Resolves once the socket server is attached (shortly after listening). */
    socketsReady: () => Promise<void>;
  }
}

export default fp<SocketGatewayOptions>(
  (fastify, options, done) => {
    let io: Server | undefined;
    const views = options.views;
    const push = () => {
      let view: TraineeView | undefined;
      const current = () => (view ??= traineeView(fastify.drill, fastify.session, fastify.raceScores));
      // Local only: with the adapter, io.emit would go to every instance's sockets.
      if (io && (io.of('/').adapter.rooms.get(ownRoom)?.size ?? 0) > 0) io.local.to(ownRoom).emit('view', current());
      views?.fleet.pushed(views.slot, current);
    };
    fastify.decorate('pushView', push);
    fastify.decorate('viewerCount', () => io?.engine.clientsCount ?? 0);
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    fastify.decorate('socketsReady', () => ready);
    // socket.io is loaded once the server listens, not before: it cost ~35 ms of start-up, and
    // no UI can connect before then anyway. (Servers used only through inject have no sockets.)
    fastify.addHook('onListen', async () => {
      const { Server: SocketServer } = await import('socket.io');
      const fleet = views?.main ? views.fleet : undefined;
      // Upgrades to other paths are answered (refuseUpgrade), not dropped after a second.
      io = new SocketServer(fastify.server, { serveClient: false, transports: ['websocket', 'polling'], destroyUpgrade: false, ...(fleet ? { adapter: fleet.adapter() } : {}) });
      fastify.server.on('upgrade', refuseUpgrade);
      fleet?.attach(io);
      // The admin token, or on a game-day session's server a participant's own token (observers
      // included: watching is what they do). Each socket learns who it is with 'me'. On a fleet's
      // main server, also a token the route table knows: a viewer of that drill, wherever it runs.
      io.use((socket, next) => {
        const token: unknown = (socket.handshake.auth as { token?: unknown }).token;
        if (typeof token !== 'string') return next(new Error('unauthorized: open the trainer at the address gameday serve printed (it carries the token)'));
        const data = socket.data as SocketData;
        if (tokensEqual(token, fastify.tokens.admin)) return next();
        const participant = fastify.session?.authenticate(token);
        if (participant) {
          data.me = identity(participant);
          return next();
        }
        const routed = fleet?.slotOf(token);
        if (routed && routed.slot !== views?.slot) {
          data.routed = routed;
          return next();
        }
        if (fleet) return next(new Error("unauthorized: this token is no one's in any live drill of this trainer; open the address gameday serve printed, or join again from the game-day link"));
        next(new Error('unauthorized: this link is not valid for this drill; join again from the game-day link'));
      });
      io.on('connection', (socket) => {
        const data = socket.data as SocketData;
        if (data.routed && fleet) return fleet.watch(socket, data.routed.slot, data.routed.tokenHash);
        void socket.join(ownRoom);
        socket.emit('me', data.me ?? null);
        socket.emit('view', traineeView(fastify.drill, fastify.session, fastify.raceScores));
      });
      markReady();
    });
    // This server's drill, as the fleet sees it: its view, and who a token's hash is in it.
    const release = views?.fleet.own(views.slot, {
      view: () => traineeView(fastify.drill, fastify.session, fastify.raceScores),
      who: (hash) => {
        if (tokensEqual(hash, tokenHash(fastify.tokens.admin))) return null;
        const found = fastify.session?.participantTokens().find(({ token }) => tokensEqual(hash, tokenHash(token)));
        return found ? identity(found.participant) : undefined;
      },
    });
    const timer = setInterval(push, 1000);
    timer.unref();
    fastify.addHook('onClose', async () => {
      clearInterval(timer);
      release?.();
      await io?.close();
    });
    done();
  },
  { name: 'socket-gateway', dependencies: ['drill-context', 'drill-storage'], fastify: '5.x' },
);

interface SocketData {
  me?: ViewerIdentity;
  /** A fleet's viewer of another drill: the slot its token's route names. */
  routed?: { slot: string; tokenHash: string };
}

function identity(participant: { name: string; role: keyof typeof rolePermissions }): ViewerIdentity {
  return { name: participant.name, role: participant.role, permissions: [...rolePermissions[participant.role]] };
}
