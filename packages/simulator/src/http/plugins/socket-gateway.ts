/**
 * Live updates for the trainer UI over socket.io: the trainee's view of the drill, pushed every
 * wall second and right after each trainee action (`fastify.pushView()`). A socket needs the
 * admin token, which the UI has from the address `gameday serve` prints.
 */
import fp from 'fastify-plugin';
import type { Server } from 'socket.io';
import { traineeView } from '../../drill/trainee-view';
import { tokensEqual } from '../../core/token-compare';
import { rolePermissions } from '../../gameday/session-roles';
import { refuseUpgrade } from '../malformed-requests';

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

export default fp(
  (fastify, _options, done) => {
    let io: Server | undefined;
    const push = () => {
      if (io && io.engine.clientsCount > 0) io.emit('view', traineeView(fastify.drill, fastify.session, fastify.raceScores));
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
      // Upgrades to other paths are answered (refuseUpgrade), not dropped after a second.
      io = new SocketServer(fastify.server, { serveClient: false, transports: ['websocket', 'polling'], destroyUpgrade: false });
      fastify.server.on('upgrade', refuseUpgrade);
      // The admin token, or on a game-day session's server a participant's own token (observers
      // included: watching is what they do). Each socket learns who it is with 'me'.
      io.use((socket, next) => {
        const token: unknown = (socket.handshake.auth as { token?: unknown }).token;
        if (typeof token !== 'string') return next(new Error('unauthorized: open the trainer at the address gameday serve printed (it carries the token)'));
        if (tokensEqual(token, fastify.tokens.admin)) return next();
        const participant = fastify.session?.authenticate(token);
        if (!participant) return next(new Error('unauthorized: this link is not valid for this drill; join again from the game-day link'));
        (socket.data as { me?: unknown }).me = { name: participant.name, role: participant.role, permissions: rolePermissions[participant.role] };
        next();
      });
      io.on('connection', (socket) => {
        socket.emit('me', (socket.data as { me?: unknown }).me ?? null);
        socket.emit('view', traineeView(fastify.drill, fastify.session, fastify.raceScores));
      });
      markReady();
    });
    const timer = setInterval(push, 1000);
    timer.unref();
    fastify.addHook('onClose', async () => {
      clearInterval(timer);
      await io?.close();
    });
    done();
  },
  { name: 'socket-gateway', dependencies: ['drill-context', 'drill-storage'], fastify: '5.x' },
);
